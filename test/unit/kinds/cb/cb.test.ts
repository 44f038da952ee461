import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-cb-');
test.after(() => tmp.cleanup());

/** The cb connector's own lines of the log, without time and level. */
const reported = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter((l) => l.includes('/check] '))
    .map((l) => l.slice(l.indexOf('/check] ') + 8));

const flow = (pipeline: string, extra = '', timeout = 5_000_000_000): string => `{
  connectors: { check: { type: 'cb', codec: 'json', config: { paths: ['in.json'], timeout: ${timeout}${extra} } } },
  pipelines: { p: ${pipeline} },
  links: [['check', 'p'], ['p', 'check']],
}`;

test('cb acks or fails each event it takes back as its "cb" says, reports every one in Tremor\'s words, and the run exits 0', async () => {
  tmp.write('in.json', '{"cb":"ack"}\n{"cb":"fail"}\n\n{"cb":["fail","close"]}\n{"cb":"ack"}\n');
  tmp.write('back.json5', flow('{}'));
  const r = await runCli(['run', 'back.json5'], { cwd: tmp.dir, timeoutMs: 30_000 });
  assert.is(r.code, 0, r.stderr);
  assert.equal(reported(r.stderr), ['All required CB events received.', 'Got acks: {0: [0, 3]}', 'Got fails: {0: [1, 2]}']);
});

test('events a pipeline drops or sends nowhere are neither acked nor failed for cb, as Tremor hears nothing of them: after its timeout it says what it expected, and the run still exits 0', async () => {
  tmp.write('in.json', '"drop"\n"nowhere"\n{"cb":"ack"}\n');
  const pipeline = `{
    operators: {
      keep: { op: 'filter', config: { condition: 'event != "drop"' } },
      split: { op: 'route', config: { routes: [{ port: 'nowhere', when: 'event == "nowhere"' }] } },
    },
    links: [['in', 'keep'], ['keep', 'split'], ['split', 'out']],
  }`;
  tmp.write('dead.json5', flow(pipeline, '', 300_000_000));
  const r = await runCli(['run', 'dead.json5'], { cwd: tmp.dir, timeoutMs: 30_000 });
  assert.is(r.code, 0, r.stderr);
  assert.equal(reported(r.stderr), ['Expected CB events up to id {0: 2}.', 'Got acks: {0: [2]}', 'Got fails: {}']);
});

test('expect_batched: the window that holds the last event of the file settles it, and that is all cb waits for', async () => {
  tmp.write('in.json', '{"cb":"fail","n":1}\n{"cb":"ack","n":2}\n{"cb":"fail","n":3}\n{"cb":"ack","n":4}\n');
  const pipeline = `{
    operators: { w: { op: 'window', config: { size: 2, group_by: 'event.cb', aggregates: { cb: 'last(event.cb)', ns: 'collect(event.n)' } } } },
    links: [['in', 'w'], ['w', 'out']],
  }`;
  tmp.write('batched.json5', flow(pipeline, ', expect_batched: true'));
  const r = await runCli(['run', 'batched.json5'], { cwd: tmp.dir, timeoutMs: 30_000 });
  assert.is(r.code, 0, r.stderr);
  assert.equal(reported(r.stderr), ['All required CB events received.', 'Got acks: {0: [1, 3]}', 'Got fails: {0: [0, 2]}']);
});

test.run();
