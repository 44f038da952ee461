import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonOf, problemsOf, tmp } from './support.js';

test.after(() => tmp.cleanup());

test('a brace import names several modules of one parent, each under its last name or its alias', async () => {
  const flow = await jsonOf(`define flow main
flow
  use tremor::{connectors, pipelines as p};
  create connector exit from connectors::exit;
  create pipeline pass from p::passthrough;
  connect /pipeline/pass to /connector/exit;
end;
deploy flow main;`);
  assert.equal(Object.keys(flow.connectors), ['exit']);
  assert.equal(flow.links, [['pass', 'exit']]);
});

test('a brace import that is not closed is refused, naming what was expected', async () => {
  const problems = await problemsOf(`define flow main
flow
  use tremor::{connectors, pipelines;
end;
deploy flow main;`);
  assert.equal(problems, ['flow.troy:3:37: expected "}" to close the list of modules, found ";"']);
});

test.run();
