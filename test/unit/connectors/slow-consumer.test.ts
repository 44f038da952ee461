import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../src/testing/index.js';
import { startCli } from '../../support/cli.js';
import { memory } from '../../support/memory.js';
import { tmpDir } from '../../support/tmp.js';
import { TestClient } from '../../support/ws.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

/** A room where each binary message goes to every other connection. */
const room = (slowConsumer: Record<string, unknown>) => ({
  connectors: {
    room: {
      type: 'ws_server',
      codec: 'binary',
      config: { url: 'ws://127.0.0.1:0', high_water_mark: 64 * 1024, low_water_mark: 16 * 1024, slow_consumer: slowConsumer },
    },
  },
  pipelines: { fanout: { operators: [{ op: 'set', config: { values: { '$.ws_server.broadcast': '"others"' } } }] } },
  links: [['room', 'fanout'], ['fanout', 'room']],
});
const stopReading = (c: TestClient): Socket => {
  const socket = (c.ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  return socket;
};
const frame = (i: number): Buffer => Buffer.alloc(64 * 1024, i % 256);

test('drop_newest: the slow connection loses frames (reported on err), the publisher is never paused, others get everything', async () => {
  const flow = await startFlow(room({ policy: 'drop_newest', max_buffered_bytes: 1024 * 1024 }));
  const [pub, slow, fast] = [await TestClient.open(flow.address('room')), await TestClient.open(flow.address('room')), await TestClient.open(flow.address('room'))];
  try {
    stopReading(slow);
    for (let i = 0; i < 400; i++) pub.send(frame(i), true); // 25 MB
    await fast.waitFor(400, 20_000);
    const err = await flow.next('room', 'err', { timeout: 5000 });
    assert.is((err.data as { code: string }).code, 'ERR_SLOW_CONSUMER');
    assert.match((err.data as { error: string }).error, /reads too slowly \(1048576 bytes waiting, policy drop_newest\): \d+ frames dropped so far$/);
    assert.is(flow.flow.flowControl.pauses, 0);
  } finally {
    slow.ws.terminate(); // its socket is paused: a close handshake could not be read
    await Promise.all([pub, fast].map((c) => c.close()));
    await flow.stop();
  }
});

test('drop_oldest: a slow connection that reads again gets the newest frames, the oldest were dropped', async () => {
  const flow = await startFlow(room({ policy: 'drop_oldest', max_buffered_bytes: 1024 * 1024 }));
  const [pub, slow] = [await TestClient.open(flow.address('room')), await TestClient.open(flow.address('room'))];
  try {
    const socket = stopReading(slow);
    for (let i = 0; i < 400; i++) pub.send(frame(i), true);
    await flow.next('room', 'err', { timeout: 10_000 });
    socket.resume();
    await slow.until(() => slow.messages.at(-1)?.data.startsWith('8f8f') === true, 10_000, 'the last frame (399 = 0x8f)');
    assert.ok(slow.messages.length < 400, `dropped none of ${slow.messages.length}`);
    assert.is(flow.flow.flowControl.pauses, 0);
  } finally {
    await Promise.all([pub, slow].map((c) => c.close()));
    await flow.stop();
  }
});

test('close: a slow connection is closed with 1008 and the others go on', async () => {
  const flow = await startFlow(room({ policy: 'close', max_buffered_bytes: 1024 * 1024 }));
  const [pub, slow, fast] = [await TestClient.open(flow.address('room')), await TestClient.open(flow.address('room')), await TestClient.open(flow.address('room'))];
  try {
    stopReading(slow);
    for (let i = 0; i < 400; i++) pub.send(frame(i), true);
    await fast.waitFor(400, 20_000);
    const err = await flow.next('room', 'err', { timeout: 5000 });
    assert.match((err.data as { error: string }).error, /reads too slowly \(over 1048576 bytes waiting\); closed with 1008$/);
  } finally {
    slow.ws.terminate(); // its socket is paused: the close frame cannot be read
    await Promise.all([pub, fast].map((c) => c.close()));
    await flow.stop();
  }
});

test('a client that stops reading while 100 MB are pushed at it: the server stays under 64 MB more memory and serves others', async () => {
  const file = tmp.write(
    'echo.json5',
    `{ connectors: { s: { type: 'ws_server', codec: 'binary', config: { url: 'ws://127.0.0.1:0' } } }, links: [['s', 's']] }`,
  );
  const cli = startCli(['run', file], { timeoutMs: 60_000 });
  try {
    const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    const pid = cli.process.pid!;
    const before = memory(pid);
    const slow = await TestClient.open(url!);
    const other = await TestClient.open(url!);
    stopReading(slow);
    const chunk = Buffer.alloc(1024 * 1024, 1);
    for (let i = 0; i < 100; i++) slow.send(chunk, true); // 100 MB of echoes it will not read
    const deadline = performance.now() + 3000;
    let round = 0;
    while (performance.now() < deadline) {
      other.send(Buffer.from(`ping ${round}`), true);
      await other.waitFor(++round, 2000);
    }
    const after = memory(pid);
    const growth = after.peak - before.rss;
    assert.ok(growth < 64 * 1024 * 1024, `the server grew by ${(growth / 1048576).toFixed(1)} MB`);
    assert.ok(round > 10, `the other client was served only ${round} times in 3 s`);
    slow.ws.terminate();
    await other.close();
  } finally {
    cli.process.kill('SIGTERM');
    await cli.done;
  }
});

test.run();
