import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorDigest, type DigestClock } from '../../../src/engine/error-digest.js';
import { memoryLogger } from '../../../src/sdk/logger.js';
import { startFlow } from '../../../src/app/testing/index.js';
import { startCli } from '../../support/cli.js';
import { freePort } from '../../support/ports.js';
import { TestSocket } from '../../support/sockets.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

/** A clock the test moves: timers fire when `advance` passes their time. */
class ManualClock implements DigestClock {
  time = 0;
  #timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  now = (): number => this.time;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const timer = { at: this.time + ms, fn, cancelled: false };
    this.#timers.push(timer);
    return timer;
  };
  clearTimeout = (handle: unknown): void => {
    (handle as { cancelled: boolean }).cancelled = true;
  };
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.#timers.filter((t) => !t.cancelled && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.time = due.at;
      due.cancelled = true;
      due.fn();
    }
    this.time = until;
  }
}

const messages = (lines: readonly string[]): string[] => lines.map((l) => l.replace(/^\S+ WARN  /, ''));

test('the first error of a burst is logged as it comes, the rest once per window as a count with the last one', () => {
  const log = memoryLogger();
  const clock = new ManualClock();
  const digest = new ErrorDigest(log, 'server', 10_000, clock);
  for (let i = 1; i <= 20_000; i++) digest.report('ERR_CODEC_DECODE', `server: invalid JSON #${i}`);
  assert.equal(messages(log.lines), ['server: invalid JSON #1']);
  clock.advance(10_000);
  assert.equal(messages(log.lines), ['server: invalid JSON #1', '20000 frames undecodable on server in the last 10 s, last: server: invalid JSON #20000']);
});

test('a burst that goes on gets one line per window; a quiet window ends it, and the next error is logged as it comes', () => {
  const log = memoryLogger();
  const clock = new ManualClock();
  const digest = new ErrorDigest(log, 'c', 10_000, clock);
  digest.report('ERR_CODEC_DECODE', 'a');
  digest.report('ERR_CODEC_DECODE', 'b');
  clock.advance(10_000);
  digest.report('ERR_CODEC_DECODE', 'c');
  digest.report('ERR_CODEC_DECODE', 'd');
  clock.advance(10_000);
  clock.advance(10_000);
  digest.report('ERR_CODEC_DECODE', 'e');
  assert.equal(messages(log.lines), [
    'a',
    '2 frames undecodable on c in the last 10 s, last: b',
    '2 frames undecodable on c in the last 10 s, last: d',
    'e',
  ]);
});

test('a single error is just its line; each code is counted on its own', () => {
  const log = memoryLogger();
  const clock = new ManualClock();
  const digest = new ErrorDigest(log, 'c', 10_000, clock);
  digest.report('ERR_CODEC_DECODE', 'bad frame');
  digest.report('ERR_WRITE_FAILED', 'write 1');
  digest.report('ERR_WRITE_FAILED', 'write 2');
  digest.report('ERR_WRITE_FAILED', 'write 3');
  clock.advance(10_000);
  assert.equal(messages(log.lines), ['bad frame', 'write 1', '3 errors ERR_WRITE_FAILED on c in the last 10 s, last: write 3']);
});

test('flush says what is still counted, over the time it covers, and stops the timers', () => {
  const log = memoryLogger();
  const clock = new ManualClock();
  const digest = new ErrorDigest(log, 'c', 10_000, clock);
  digest.report('ERR_TEXT_NOT_UTF8', 'x1');
  digest.report('ERR_TEXT_NOT_UTF8', 'x2');
  clock.advance(3_000);
  digest.flush();
  clock.advance(60_000);
  assert.equal(messages(log.lines), ['x1', '2 text frames not UTF-8 on c in the last 3 s, last: x2']);
});

test('an error event is reported by its code and error text; without them, under the fallback code with the data as JSON', () => {
  const log = memoryLogger();
  const clock = new ManualClock();
  const digest = new ErrorDigest(log, 'c', 10_000, clock);
  digest.reportData({ code: 'ERR_CODEC_DECODE', error: 'c: invalid JSON' }, 'ERR_WRITE_FAILED');
  digest.reportData({ reason: 'no error field' }, 'ERR_WRITE_FAILED');
  digest.reportData(null, 'ERR_OPERATOR_FAILED');
  digest.reportData('a bare string', 'ERR_OPERATOR_FAILED');
  clock.advance(10_000);
  assert.equal(messages(log.lines), ['c: invalid JSON', '{"reason":"no error field"}', 'null', '2 errors ERR_OPERATOR_FAILED on c in the last 10 s, last: "a bare string"']);
});

test('error data JSON cannot hold (a bigint, as otel timestamps and MessagePack int64 are) is reported, not thrown', () => {
  const log = memoryLogger();
  const digest = new ErrorDigest(log, 'c', 10_000, new ManualClock());
  digest.reportData({ ts: 1_700_000_000_123_456_789n, nested: [1n] }, 'ERR_WRITE_FAILED');
  digest.reportData(9_007_199_254_740_993n, 'ERR_OPERATOR_FAILED');
  assert.equal(messages(log.lines), ['{"ts":"1700000000123456789","nested":["1"]}', '"9007199254740993"']);
});

test('an unlinked err port logs an event whose data holds a bigint, and the pipeline goes on', async () => {
  const log = memoryLogger();
  const flow = await startFlow(
    {
      connectors: {},
      pipelines: { p: { operators: [{ op: 'route', config: { routes: [{ port: 'err', when: 'event.bad' }], default: 'out' } }] } },
      links: [],
    },
    { file: tmp.write('bigint.json5', '{}'), log },
  );
  try {
    flow.send('p', 'in', { bad: true, ts: 1_700_000_000_123_456_789n });
    flow.send('p', 'in', { bad: true, ts: 2n });
    assert.equal(
      log.lines.filter((l) => l.includes(' WARN ')).map((l) => l.replace(/^\S+ WARN  /, '')),
      ['[bigint/p] {"bad":true,"ts":"1700000000123456789"}'],
    );
  } finally {
    await flow.stop();
  }
  assert.match(log.lines.join('\n'), /2 errors ERR_OPERATOR_FAILED on p in the last 1 s, last: \{"bad":true,"ts":"2"\}/);
});

test('tremolo run: 20,000 undecodable frames on a connector whose err port is not linked write two log lines, not 20,000', async () => {
  const port = await freePort();
  const file = tmp.write(
    'bad-frames.json5',
    `{
  use: ['std'],
  connectors: { server: { type: 'tcp_server', codec: 'json', preprocessors: ['separate'], postprocessors: ['separate'], config: { url: '127.0.0.1:${port}' } } },
  pipelines: { echo: { from: 'std::passthrough' } },
  links: [['server', 'echo'], ['echo', 'server']],
}`,
  );
  const cli = startCli(['run', file], { cwd: tmp.dir, timeoutMs: 90_000 });
  let socket: TestSocket | undefined;
  try {
    await cli.waitForLog(/listening on/, 60_000);
    socket = await TestSocket.connect(`tcp://127.0.0.1:${port}`);
    socket.send('{not json\n'.repeat(20_000));
    // Answered after every bad frame before it was read.
    socket.send('{"ok":1}\n');
    await socket.waitLines(1, 60_000);
    cli.process.kill('SIGINT');
    await cli.done;
  } finally {
    socket?.socket.destroy();
    cli.process.kill('SIGKILL');
  }
  const warnings = cli.stderr().split('\n').filter((l) => l.includes(' WARN '));
  assert.is(warnings.length, 2, cli.stderr().slice(0, 2000));
  assert.match(warnings[0]!, /WARN  \[bad-frames\/server\] server: invalid JSON: /);
  assert.match(warnings[1]!, /WARN  \[bad-frames\/server\] 20000 frames undecodable on server in the last \d+ s, last: server: invalid JSON: /);
});

test('the errors of a pipeline whose err port leads nowhere are logged, a burst as one line and then a count', async () => {
  const log = memoryLogger();
  const flow = await startFlow(
    { connectors: {}, pipelines: { p: { operators: [{ op: 'filter', config: { condition: 'event' } }] } }, links: [] },
    { file: tmp.write('digest.json5', '{}'), log },
  );
  try {
    for (let i = 0; i < 3; i++) flow.send('p', 'in', i);
    assert.equal(
      log.lines.filter((l) => l.includes(' WARN ')).map((l) => l.replace(/^\S+ WARN  /, '')),
      ['[digest/p] p/0: filter condition "event" must be a boolean, received a number'],
    );
  } finally {
    await flow.stop();
  }
  assert.match(log.lines.join('\n'), /3 errors ERR_EXPR_EVAL on p in the last 1 s, last: p\/0: filter condition "event" must be a boolean, received a number/);
});

test.run();
