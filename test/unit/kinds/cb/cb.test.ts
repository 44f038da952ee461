import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-cb-');
test.after(() => tmp.cleanup());

const flow = (operators: string, timeout = 5_000_000_000): string => `{
  connectors: { check: { type: 'cb', codec: 'json', config: { paths: ['in.json'], timeout: ${timeout} } } },
  pipelines: { p: { operators: { ${operators} }, links: [['in', ${operators === '' ? "'out'" : "'hold'"}]${operators === '' ? '' : ", ['hold', 'out']"}] } },
  links: [['check', 'p'], ['p', 'check']],
}`;

test('cb finishes once every line it sent came back acked, and the run exits 0', async () => {
  tmp.write('in.json', '{"id":1}\n{"id":2}\n\n{"id":3}\n');
  tmp.write('back.json5', flow(''));
  const r = await runCli(['run', 'back.json5'], { cwd: tmp.dir, timeoutMs: 30_000 });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /\[back\/check\] All required CB events received\./);
});

test('cb fails the run after its timeout, naming the events still unsettled', async () => {
  tmp.write('in.json', '{"id":1}\n{"id":2}\n');
  tmp.write('held.json5', flow("hold: { op: 'batch', config: { count: 100 } }", 300_000_000));
  const r = await runCli(['run', 'held.json5'], { cwd: tmp.dir, timeoutMs: 30_000 });
  assert.is(r.code, 1);
  assert.match(r.stderr, 'check: Expected CB events up to id 1. Got acks: [] Got fails: []; still unsettled after 0.3 s: [0, 1]');
});

test.run();
