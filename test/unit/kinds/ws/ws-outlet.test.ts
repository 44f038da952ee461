/**
 * ws_server's and ws_client's layer on the outlet core (src/kinds/ws/ws-outlet.ts), on a real
 * WebSocket connection whose client stops reading: what it asks of its connector as the socket
 * fills and drains.
 */
import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectorContext } from '../../../../src/sdk/connector-api.js';
import { createEvent, type Origin, type TremoloEvent } from '../../../../src/sdk/event.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { WsOutlet, type WsMarks } from '../../../../src/kinds/ws/ws-outlet.js';
import { until } from '../../../support/sockets.js';
import { TestClient } from '../../../support/ws.js';

let server: WebSocketServer;
let url: string;
const accepted: { ws: WebSocket; socket: Socket }[] = [];
test.before(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', (ws, req) => accepted.push({ ws, socket: req.socket }));
  await new Promise((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
});
test.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A connection whose client does not read; the server's end of it, for the outlet. */
async function stalled(): Promise<{ ws: WebSocket; socket: Socket; client: TestClient; clientSocket: Socket }> {
  const count = accepted.length;
  const client = await TestClient.open(url);
  const clientSocket = (client.ws as unknown as { _socket: Socket })._socket;
  clientSocket.pause();
  await until(() => accepted.length > count, () => 'the connection to be accepted');
  return { ...accepted.at(-1)!, client, clientSocket };
}

function connector(frame: Buffer) {
  const calls: string[] = [];
  const ctx = {
    id: 1,
    alias: 'sink',
    log: memoryLogger('info'),
    binaryOutput: true,
    serialize: () => [frame],
    hold: (key: string, origins: readonly Origin[]) => calls.push(`hold ${key} ${origins.map((o) => `${o.connector}/${o.stream}`).join(',')}`),
    release: (key: string) => calls.push(`release ${key}`),
    delivered: (_event: TremoloEvent, failure?: string) => calls.push(`delivered ${failure ?? 'ok'}`),
    fail: (_event: TremoloEvent, code: string, message: string) => calls.push(`fail ${code} ${message}`),
  } as unknown as ConnectorContext;
  return { ctx, calls };
}

const KIB = 1024;
const pause = (high: number, low: number): WsMarks => ({ high_water_mark: high, low_water_mark: low, slow_consumer: { policy: 'pause', max_buffered_bytes: 256 * 1024 * KIB, max_slow_ms: 10_000 } });

test("drained() resolves once the connection drains, though so little waited that no 'drain' event comes", async () => {
  const { ws, socket, client, clientSocket } = await stalled();
  const { ctx } = connector(Buffer.alloc(4 * KIB, 2));
  const outlet = new WsOutlet(ws, socket, 'peer', ctx, pause(64 * 1024 * KIB, 0));
  try {
    const echo = createEvent(null, {}, [{ connector: 1, stream: 3 }]);
    // Until the kernel's buffers are full: then a few KiB wait in front of the socket, and Node
    // emits 'drain' only after a write that found 16 KiB waiting.
    for (let i = 0; i < 100_000 && outlet.waiting() === 0; i++) outlet.send(echo, 3, true);
    assert.ok(outlet.waiting() > 0 && outlet.waiting() < 16 * KIB, `${outlet.waiting()} bytes waiting`);
    let drained = false;
    const pending = outlet.drained().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.not.ok(drained, 'resolved while bytes were waiting');
    clientSocket.resume();
    await until(() => drained, () => `drained() (${outlet.waiting()} bytes waiting)`, 3000);
    await pending;
  } finally {
    client.ws.terminate();
    ws.terminate();
  }
});

test('a connection holding its sources for transactional events releases them as it drains, and every event is delivered', async () => {
  const { ws, socket, client, clientSocket } = await stalled();
  const { ctx, calls } = connector(Buffer.alloc(64 * KIB, 1));
  const outlet = new WsOutlet(ws, socket, 'peer', ctx, pause(256 * KIB, 128 * KIB));
  try {
    let sent = 0;
    const settle = { ack() {}, fail() {} };
    while (!outlet.holding && sent < 2000) {
      outlet.send(createEvent(null, {}, [{ connector: 1, stream: 3 }], undefined, settle), 3, true);
      sent++;
    }
    assert.ok(outlet.holding, 'never over its high-water mark');
    assert.equal(calls, ['hold peer 1/3']);
    clientSocket.resume();
    await until(() => !outlet.holding, () => `the release (${outlet.waiting()} bytes waiting)`, 5000);
    await until(() => calls.length === sent + 2, () => `every event delivered: ${calls.length - 2} of ${sent}`, 5000);
    assert.equal(
      calls.filter((c) => !c.startsWith('delivered')),
      ['hold peer 1/3', 'release peer'],
    );
    assert.ok(calls.filter((c) => c.startsWith('delivered')).every((c) => c === 'delivered ok'));
  } finally {
    client.ws.terminate();
    ws.terminate();
  }
});

test.run();
