import type { Socket } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { startCli } from '../../support/cli.js';
import { FirehoseReader, firehoseDigest, startFirehose } from '../../support/firehose.js';
import { memory, mib } from '../../support/memory.js';
import { until } from '../../support/sockets.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir('tremolo-gw-slow-');
test.after(() => tmp.cleanup());

const TOTAL = 160 * 1024 * 1024;

/** A WebSocket to the gateway whose every byte is counted and hashed, and that can stop reading. */
function browser(url: string): { ws: WebSocket; reader: FirehoseReader; opened: Promise<void>; closed: Promise<number>; socket(): Socket } {
  const ws = new WebSocket(url, { maxPayload: 0 });
  const reader = new FirehoseReader();
  ws.on('message', (data: Buffer) => reader.take(data));
  return {
    ws,
    reader,
    opened: new Promise((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))),
    closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))),
    socket: () => (ws as unknown as { _socket: Socket })._socket,
  };
}

/**
 * The close code once `b` has its stream, or 'stalled' when no byte came for 20 s: a stream that
 * takes seconds on a quiet machine may take a minute on a loaded one, while a blocked one stalls.
 */
async function closedWhileFlowing(b: ReturnType<typeof browser>): Promise<number | 'stalled'> {
  for (;;) {
    const had = b.reader.bytes;
    // Unreferenced: a wait that lost the race must not keep the process alive.
    const r = await Promise.race([b.closed, sleep(20_000, 'waited' as const, { ref: false })]);
    if (r !== 'waited') return r;
    if (b.reader.bytes === had) return 'stalled';
  }
}

test('a browser that stops reading while its UNIX upstream sends 160 MiB gets every byte once it reads again: its upstream is paused meanwhile, another browser is not, and the gateway stays under 64 MiB more memory', async () => {
  const at = path.join(tmp.dir, 'fire');
  const firehose = await startFirehose(at, TOTAL);
  const cli = startCli(['run', 'flows/gateway.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', `docroot=${tmp.dir}`], { timeoutMs: 200_000 });
  try {
    const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    const pid = cli.process.pid!;
    const before = memory(pid).rss;
    const slow = browser(`${url}/fire`);
    await slow.opened;
    slow.socket().pause(); // reads nothing more from here on
    const pausedAt = performance.now();
    await until(() => firehose.written.size === 1, () => 'the slow browser’s upstream to connect', 5000);
    const fast = browser(`${url}/fire`);
    // The other browser gets its 160 MiB at full speed while the slow one holds its own upstream.
    assert.is(await closedWhileFlowing(fast), 1000);
    assert.is(fast.reader.bytes, TOTAL);
    const expected = firehoseDigest(TOTAL);
    assert.is(fast.reader.digest(), expected);
    await sleep(Math.max(0, 3000 - (performance.now() - pausedAt)));
    // The pressure reached the upstream: it could not hand over more than the buffers between hold.
    const slowWritten = [...firehose.written.values()].filter((n) => n < TOTAL);
    assert.is(slowWritten.length, 1, `one upstream still blocked: ${JSON.stringify([...firehose.written])}`);
    assert.ok(slowWritten[0]! < 32 * 1024 * 1024, `the slow browser’s upstream wrote ${mib(slowWritten[0]!)} while it did not read`);
    slow.socket().resume();
    assert.is(await closedWhileFlowing(slow), 1000);
    assert.is(slow.reader.bytes, TOTAL, `received ${slow.reader.bytes} of ${TOTAL} bytes`);
    assert.is(slow.reader.digest(), expected);
    const growth = memory(pid).peak - before;
    assert.ok(growth < 64 * 1024 * 1024, `the gateway grew by ${mib(growth)} relaying 2 × ${mib(TOTAL)}`);
    assert.not.match(cli.stderr(), /ERR_SLOW_CONSUMER|dropped/);
  } finally {
    cli.process.kill('SIGTERM');
    await cli.done;
    firehose.stop();
  }
});

test.run();
