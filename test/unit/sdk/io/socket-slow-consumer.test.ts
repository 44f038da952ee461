import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { TestSocket, until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-sock-slow-');
test.after(() => tmp.cleanup());

/** A room over a stream-socket server: each chunk read goes to every other connection. */
const room = (type: 'tcp_server' | 'unix_socket_server', config: Record<string, unknown>) => ({
  connectors: { room: { type, codec: 'binary', config: { ...config, high_water_mark: 64 * 1024, low_water_mark: 16 * 1024 } } },
  pipelines: { fanout: { operators: [{ op: 'set', config: { values: { [`$.${type}.broadcast`]: '"others"' } } }] } },
  links: [['room', 'fanout'], ['fanout', 'room']],
});
const connections = (flow: TestFlow): number => (flow.flow.connector('room').status() as { connections: number }).connections;
const closedLine = (log: { lines: string[] }): string | undefined => log.lines.find((l) => l.includes(' closed: it reads too slowly'));

test('tcp_server, auto (the default): a broadcast to a connection that does not read never pauses the sender; that connection is closed past max_buffered_bytes and the others get every byte', async () => {
  const log = memoryLogger('info');
  const flow = await startFlow(room('tcp_server', { url: '127.0.0.1:0', slow_consumer: { max_buffered_bytes: 1024 * 1024 } }), { log });
  const address = flow.address('room');
  const [pub, slow, fast] = [await TestSocket.connect(address), await TestSocket.connect(address), await TestSocket.connect(address)];
  try {
    await until(() => connections(flow) === 3, () => 'three connections');
    slow.socket.pause();
    const total = 25 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (let sent = 0; sent < total; sent += chunk.length) pub.send(chunk);
    await fast.waitBytes(total, 30_000);
    assert.is(fast.received, total);
    assert.is(flow.flow.flowControl.pauses, 0, 'the sender was paused');
    await until(() => connections(flow) === 2, () => 'the slow connection to be closed', 5000);
    assert.match(closedLine(log) ?? log.lines.join('\n'), /WARN .*connection 127\.0\.0\.1:\d+ \(over 1048576 bytes waiting\) closed: it reads too slowly; 1 slow connection closed since start$/);
  } finally {
    for (const s of [pub, slow, fast]) s.socket.destroy();
    await flow.stop();
  }
});

test('unix_socket_server, close: a connection that stays over its high-water mark for max_slow_ms is closed, though under max_buffered_bytes', async () => {
  const log = memoryLogger('info');
  const at = path.join(tmp.dir, 'room.sock');
  const flow = await startFlow(room('unix_socket_server', { path: at, slow_consumer: { policy: 'close', max_slow_ms: 300 } }), { log });
  const [pub, slow, fast] = [await TestSocket.connect(at), await TestSocket.connect(at), await TestSocket.connect(at)];
  try {
    await until(() => connections(flow) === 3, () => 'three connections');
    slow.socket.pause();
    const total = 12 * 1024 * 1024; // more than the kernel's buffers hold, far under 16 MiB
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (let sent = 0; sent < total; sent += chunk.length) pub.send(chunk);
    await fast.waitBytes(total, 30_000);
    assert.is(fast.received, total);
    await until(() => closedLine(log) !== undefined, () => 'the slow connection to be closed', 10_000);
    assert.match(closedLine(log)!, /\(over its high_water_mark of 65536 bytes for 300 ms\) closed: it reads too slowly/);
    // The line is logged as the close begins; the count drops when the socket has closed.
    await until(() => connections(flow) === 2, () => 'two connections once the slow one has closed');
    assert.is(connections(flow), 2);
    assert.is(flow.flow.flowControl.pauses, 0);
  } finally {
    for (const s of [pub, slow, fast]) s.socket.destroy();
    await flow.stop();
  }
});

test('tcp_server, pause: a broadcast to a connection that does not read holds the sender until it reads again, and it gets every byte', async () => {
  const flow = await startFlow(room('tcp_server', { url: '127.0.0.1:0', slow_consumer: { policy: 'pause' } }));
  const address = flow.address('room');
  const [pub, slow] = [await TestSocket.connect(address), await TestSocket.connect(address)];
  try {
    await until(() => connections(flow) === 2, () => 'two connections');
    slow.socket.pause();
    const total = 12 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (let sent = 0; sent < total; sent += chunk.length) pub.send(chunk);
    const fc = flow.flow.flowControl;
    const id = flow.flow.connector('room').id;
    await until(() => fc.isPaused({ connector: id, stream: 0 }), () => 'the sender to be paused', 5000);
    slow.socket.resume();
    await slow.waitBytes(total, 30_000);
    assert.is(slow.received, total);
    await until(() => fc.holders.length === 0, () => 'every hold to be released');
  } finally {
    for (const s of [pub, slow]) s.socket.destroy();
    await flow.stop();
  }
});

test.run();
