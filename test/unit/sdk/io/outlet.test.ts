/**
 * The outlet core (src/sdk/io/outlet.ts) on real UNIX sockets whose reader stops reading: what it
 * asks of its connector (hold, release, the log) as the socket fills and drains, its share of the
 * process-wide budget, and the slow close; through the byte-stream layer (SocketOutlet) and
 * through a third party's message transport built on the core alone.
 */
import net, { type Server, type Socket } from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConnectorContext } from '../../../../src/sdk/connector-api.js';
import { createEvent, type Origin, type TremoloEvent } from '../../../../src/sdk/event.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { outbound } from '../../../../src/sdk/io/outbound-budget.js';
import { Outlet } from '../../../../src/sdk/io/outlet.js';
import { SocketOutlet } from '../../../../src/sdk/io/socket-io.js';
import type { WaterMarks } from '../../../../src/sdk/io/water-marks.js';
import { TestSocket, until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-outlet-');
const at = path.join(tmp.dir, 'outlet.sock');
let server: Server;
const accepted: Socket[] = [];
test.before(async () => {
  server = net.createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(at, resolve));
});
test.after(async () => {
  await new Promise((resolve) => server.close(resolve));
  tmp.cleanup();
});

/** A connection whose reader does not read: the outlet writes on `socket`, `reader` receives. */
async function stalled(): Promise<{ socket: Socket; reader: TestSocket }> {
  const count = accepted.length;
  const reader = await TestSocket.connect(at);
  reader.socket.pause();
  await until(() => accepted.length > count, () => 'the connection to be accepted');
  return { socket: accepted.at(-1)!, reader };
}

/** The connector's side as the outlet sees it: what it was asked to do, in order. */
function connector(frame: Buffer) {
  const log = memoryLogger('info');
  const calls: string[] = [];
  let outlet: Outlet | undefined;
  const ctx = {
    id: 1,
    alias: 'sink',
    log,
    serialize: () => [frame],
    hold: (key: string, origins: readonly Origin[]) => calls.push(`hold ${key} ${origins.map((o) => `${o.connector}/${o.stream}`).join(',')}`),
    release: (key: string) => calls.push(`release ${key} at ${outlet!.waiting()} bytes`),
    delivered: (_event: TremoloEvent, failure?: string) => calls.push(`delivered ${failure ?? 'ok'}`),
    fail: (_event: TremoloEvent, code: string, message: string) => calls.push(`fail ${code} ${message}`),
  } as unknown as ConnectorContext;
  return { ctx, log, calls, watch: (o: Outlet) => (outlet = o) };
}

const FRAME = Buffer.alloc(64 * 1024, 1);
const KIB = 1024;
/** An event that came from stream 3 of this connector (an echo), or from another connector (a broadcast). */
const echo = createEvent(null, {}, [{ connector: 1, stream: 3 }]);
const broadcast = createEvent(null, {}, [{ connector: 2, stream: 9 }]);

/** Writes until `done` holds, at most `max` events. */
function writeUntil(write: () => void, done: () => boolean, max = 2000): number {
  let n = 0;
  while (!done() && n < max) {
    write();
    n++;
  }
  return n;
}

test('over its high-water mark a connection holds the origins of what it was sent, and releases them once under its low-water mark', async () => {
  const { socket, reader } = await stalled();
  const { ctx, calls, watch } = connector(FRAME);
  const marks: WaterMarks = { high_water_mark: 256 * KIB, low_water_mark: 128 * KIB };
  const outlet = watch(new SocketOutlet(socket, 'peer', ctx, marks));
  try {
    writeUntil(() => (outlet as SocketOutlet).write(echo, 3), () => outlet.holding);
    assert.ok(outlet.holding, 'never went over its high-water mark');
    assert.ok(outlet.waiting() > 256 * KIB, `${outlet.waiting()} bytes waiting`);
    assert.equal(calls, ['hold peer 1/3']);
    const waiting = outlet.waiting();
    reader.socket.resume();
    await until(() => !outlet.holding, () => `the release (${outlet.waiting()} bytes waiting)`, 5000);
    const [, release] = calls;
    const released = Number(/^release peer at (\d+) bytes$/.exec(release ?? '')?.[1]);
    assert.ok(released <= 128 * KIB, `released at ${release}`);
    await reader.waitBytes(waiting, 5000);
    assert.is(calls.length, 2);
  } finally {
    reader.socket.destroy();
    socket.destroy();
  }
});

test('drained() resolves once what was written reached the kernel, at once when nothing waits, and when the connection closes', async () => {
  const { socket, reader } = await stalled();
  const { ctx, watch } = connector(FRAME);
  const outlet = watch(new SocketOutlet(socket, 'peer', ctx, { high_water_mark: 64 * 1024 * KIB, low_water_mark: 0 }));
  try {
    await outlet.drained();
    writeUntil(() => (outlet as SocketOutlet).write(echo, 3), () => outlet.waiting() > 512 * KIB);
    let drained = false;
    const pending = outlet.drained().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.not.ok(drained, 'resolved while bytes were waiting');
    reader.socket.resume();
    await pending;
    assert.is(outlet.waiting(), 0);
    reader.socket.pause();
    writeUntil(() => (outlet as SocketOutlet).write(echo, 3), () => outlet.waiting() > 512 * KIB);
    const closing = outlet.drained();
    socket.destroy();
    await closing;
  } finally {
    reader.socket.destroy();
    socket.destroy();
  }
});

test("a server's connection isolates a broadcast (nothing held) and closes it once it stays over its high-water mark for max_slow_ms; nothing more is written to it", async () => {
  const { socket, reader } = await stalled();
  const { ctx, log, calls, watch } = connector(FRAME);
  const marks: WaterMarks = { high_water_mark: 256 * KIB, low_water_mark: 128 * KIB, slow_consumer: { policy: 'auto', max_buffered_bytes: 64 * 1024 * KIB, max_slow_ms: 200 } };
  const outlet = watch(new SocketOutlet(socket, 'peer', ctx, marks));
  try {
    writeUntil(() => (outlet as SocketOutlet).write(broadcast, 3), () => outlet.waiting() > 256 * KIB);
    assert.not.ok(outlet.holding);
    assert.ok(outlet.slow !== undefined, 'not watched');
    await until(() => socket.destroyed, () => 'the slow close', 5000);
    assert.equal(calls, []);
    assert.is(log.lines.length, 1);
    assert.match(log.lines[0]!, /WARN .*connection peer \(over its high_water_mark of 262144 bytes for 200 ms\) closed: it reads too slowly; 1 slow connection closed since start$/);
    assert.ok(outlet.refuses(broadcast));
  } finally {
    reader.socket.destroy();
    socket.destroy();
  }
});

test('an echo on that same connection holds its origins instead (auto), and past max_buffered_bytes a byte stream is closed whatever the policy', async () => {
  const { socket, reader } = await stalled();
  const { ctx, log, calls, watch } = connector(FRAME);
  const marks: WaterMarks = { high_water_mark: 256 * KIB, low_water_mark: 128 * KIB, slow_consumer: { policy: 'auto', max_buffered_bytes: 1024 * KIB, max_slow_ms: 10_000 } };
  const outlet = watch(new SocketOutlet(socket, 'peer', ctx, marks));
  try {
    writeUntil(() => (outlet as SocketOutlet).write(echo, 3), () => outlet.holding);
    assert.equal(calls, ['hold peer 1/3']);
    writeUntil(() => (outlet as SocketOutlet).write(echo, 3), () => outlet.closing);
    assert.ok(socket.destroyed);
    assert.match(log.lines.join('\n'), /connection peer \(over 1048576 bytes waiting\) closed: it reads too slowly/);
    // Each write over the mark held its origins again; the close released them, once.
    await until(() => calls.some((c) => c.startsWith('release')), () => `the release after the close: ${calls.join('; ')}`);
    assert.ok(calls.length > 2, calls.join('; '));
    assert.equal(new Set(calls.slice(0, -1)), new Set(['hold peer 1/3']));
    assert.match(calls.at(-1)!, /^release peer at \d+ bytes$/);
  } finally {
    reader.socket.destroy();
    socket.destroy();
  }
});

test('what waits counts towards the process-wide budget and leaves it on close; past the cap an isolated connection is cut, a holding one never', async () => {
  const limit = outbound.limit;
  const [a, b] = [await stalled(), await stalled()];
  const ca = connector(FRAME);
  const cb = connector(FRAME);
  const isolated = ca.watch(
    new SocketOutlet(a.socket, 'isolated', ca.ctx, { high_water_mark: 8 * 1024 * KIB, low_water_mark: 0, slow_consumer: { policy: 'close', max_buffered_bytes: 64 * 1024 * KIB, max_slow_ms: 10_000 } }),
  ) as SocketOutlet;
  const relay = cb.watch(new SocketOutlet(b.socket, 'relay', cb.ctx, { high_water_mark: 256 * KIB, low_water_mark: 0 })) as SocketOutlet;
  try {
    const before = outbound.total;
    writeUntil(() => relay.write(echo, 3), () => relay.holding);
    assert.is(outbound.total - before, relay.waiting());
    outbound.limit = before + relay.waiting() + 512 * KIB;
    const evicted = outbound.evicted;
    writeUntil(() => isolated.write(broadcast, 3), () => isolated.closing);
    assert.ok(a.socket.destroyed, 'the isolated connection is open');
    assert.is(outbound.evicted, evicted + 1);
    assert.match(ca.log.lines.join('\n'), /connection isolated \(the process has over \d+ bytes waiting to be sent \(--max-buffered-bytes\)\) closed: it reads too slowly/);
    assert.not.ok(b.socket.destroyed, 'the relay was closed');
    b.socket.destroy();
    await until(() => outbound.total === before, () => `the budget to be back at ${before}: ${outbound.total}`);
  } finally {
    outbound.limit = limit;
    for (const s of [a, b]) {
      s.reader.socket.destroy();
      s.socket.destroy();
    }
  }
});

/**
 * A third party's message transport on the core alone: a frame is a whole message, which it may
 * drop (its own layer does that, before writing), and a slow connection gets a close code.
 */
class MessageOutlet extends Outlet {
  dropped = 0;
  constructor(socket: Socket, ctx: ConnectorContext, marks: WaterMarks) {
    super(socket, 'messages', ctx, marks, { drops: true, closeCode: 4000 });
    socket.once('close', () => this.closed());
  }
  waiting(): number {
    return this.socket.writableLength;
  }
  protected shut(): void {
    this.socket.end(); // a close frame would go here
  }
  protected cut(): void {
    this.socket.destroy();
  }
  send(event: TremoloEvent, stream: number): void {
    if (this.refuses(event)) return;
    if (this.waiting() > this.marks.slow_consumer!.max_buffered_bytes) {
      this.dropped++;
      return;
    }
    for (const frame of this.ctx.serialize(event, stream)!) this.socket.write(frame, this.onWrite);
    this.written(event, stream);
  }
}

test('a transport that drops is not closed past max_buffered_bytes by the core, and its slow close says its close code', async () => {
  const { socket, reader } = await stalled();
  const { ctx, log, calls, watch } = connector(FRAME);
  const outlet = watch(
    new MessageOutlet(socket, ctx, { high_water_mark: 256 * KIB, low_water_mark: 0, slow_consumer: { policy: 'close', max_buffered_bytes: 512 * KIB, max_slow_ms: 200 } }),
  ) as MessageOutlet;
  try {
    writeUntil(() => outlet.send(broadcast, 3), () => outlet.dropped > 0);
    assert.not.ok(outlet.closing);
    assert.ok(outlet.waiting() > 512 * KIB);
    await until(() => outlet.closing, () => 'the slow close', 5000);
    assert.match(log.lines[0]!, /connection messages \(over its high_water_mark of 262144 bytes for 200 ms\) closed with 4000: it reads too slowly/);
    assert.equal(calls, []);
  } finally {
    reader.socket.destroy();
    socket.destroy();
  }
});

test.run();
