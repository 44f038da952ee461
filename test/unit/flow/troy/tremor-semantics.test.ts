import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pipelineFlow, runPipeline, tmp } from './support.js';

test.after(() => tmp.cleanup());

const pipeline = (body: string, head = ''): string => pipelineFlow(`define pipeline p\n${head}\npipeline\n${body}\nend;`);

test("let $ = ... fails each event to err in Tremor's words; assigning a field of $ still works", async () => {
  const p = await runPipeline(
    pipeline(`define script s
script
  let $ = {"new": "data"};
  $
end;
define script ok
script
  let $.new = "data";
  $
end;
create script s;
create script ok;
select event from in into s;
select event from s into out;
select event from in into ok;
select event from ok into out;`),
  );
  p.push('x');
  assert.equal(p.out(), [{ new: 'data' }]);
  const [err] = p.out('err') as { error: string }[];
  assert.match(err!.error, "You are trying to assign to a value that isn't valid: `$` as a whole cannot be replaced; assign its fields, `let $.key = ...`");
});

test.run();
