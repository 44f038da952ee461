import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

// How `tremolo run` ends on its own, continued: several flows, what flows on the way when a source
// finishes, and a reader of stdout that goes away (docs/exits-and-client.md). Apart from run-exits.test.ts so that each file stays
// well inside the runner's time bound on a loaded machine.
const tmp = tmpDir();
test.after(() => tmp.cleanup());

test('two flows in one run: the run ends once both have finished', async () => {
  tmp.write('one.json', '1\n');
  tmp.write('two.json', '2\n');
  const flow = (name: string): string =>
    tmp.write(`${name}.json5`, `{ use: ['std'], connectors: { in: { from: 'std::read_file', args: { file: '${name}.json' } }, out: { from: 'std::write_file', args: { file: '${name}.log' } } }, links: [['in', 'out']] }`);
  const r = await runCli(['run', flow('one'), flow('two')], { cwd: tmp.dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(path.join(tmp.dir, 'one.log'), 'utf8') + readFileSync(path.join(tmp.dir, 'two.log'), 'utf8'), '1\n2\n');
  assert.match(r.stderr, /\[one\] finished/);
  assert.match(r.stderr, /\[two\] finished/);
});

test('a batch hands over what it holds when the file ends: nothing read is lost', async () => {
  tmp.write('batch.json', '{"n":1}\n{"n":2}\n{"n":3}\n');
  const flow = tmp.write(
    'batch.json5',
    `{ use: ['std'],
       connectors: { in: { from: 'std::read_file', args: { file: 'batch.json' } }, out: { from: 'std::write_file', args: { file: 'batch.log' } } },
       pipelines: { p: { operators: [{ op: 'batch', config: { count: 2 } }] } },
       links: [['in', 'p'], ['p', 'out']] }`,
  );
  const r = await runCli(['run', flow], { cwd: tmp.dir });
  assert.is(r.code, 0, r.stderr);
  // The file sink writes a batch's events one by one, as Tremor's sinks do: the last, partial batch too.
  assert.is(readFileSync(path.join(tmp.dir, 'batch.log'), 'utf8'), '{"n":1}\n{"n":2}\n{"n":3}\n');
});

test('a run whose stdout reader goes away stops with 141, as `yes | head` ends, with a line saying so and no stack trace', async () => {
  tmp.write('many.json', Array.from({ length: 200_000 }, (_, n) => `{"n":${n}}\n`).join(''));
  const flow = tmp.write('print.json5', `{ use: ['std'], connectors: { in: { from: 'std::read_file', args: { file: 'many.json' } }, console: { from: 'std::console' } }, links: [['in', 'console']] }`);
  const cli = startCli(['run', flow], { cwd: tmp.dir });
  // Like `head -1`: read a little, then close the pipe.
  await new Promise((resolve) => cli.process.stdout!.once('data', resolve));
  cli.process.stdout!.destroy();
  const { code, stderr } = await cli.done;
  assert.is(code, 141, stderr);
  assert.match(stderr, /WARN {2}\[print\/console\] stdout is closed \(EPIPE\): its reader went away; stopping with exit status 141\n/);
  assert.not.match(stderr, /at .*\(node:/);
  assert.match(stderr, /\[print\] stopped\n$/);
});

test.run();
