import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEvent } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { makeCertificate } from '../../../support/certs.js';
import { SocketPeer } from '../../../support/socket-peer.js';
import { until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';
import { startUnixEcho, type UnixEcho } from '../../../support/unix-echo.js';
import { TestClient } from '../../../support/ws.js';

const tmp = tmpDir('tremolo-gw-');
const cert = makeCertificate(tmp.dir);
let n = 0;
const socketPath = (): string => path.join(tmp.dir, `up${n++}.sock`);

interface Ctx {
  flow?: TestFlow;
  clients: TestClient[];
  servers: { stop(): Promise<void> }[];
}
const test = suite<Ctx>('per_stream clients', { clients: [], servers: [] });
test.after.each(async (ctx) => {
  // A connection the server paused does not read the close handshake: it is cut instead.
  await Promise.all(ctx.clients.splice(0).map((c) => c.close().catch(() => c.ws.terminate())));
  await ctx.flow?.stop();
  await Promise.all(ctx.servers.splice(0).map((s) => s.stop()));
  ctx.flow = undefined;
});
test.after(() => tmp.cleanup());

// Binary both ways, no framing: the bytes a browser sends are what the upstream reads, and back.
const bytes = { codec: 'binary', preprocessors: [], postprocessors: [] };

/**
 * ouistiti's gateway as a flow: each WebSocket connection of `ws` gets its own upstream connection
 * from `gateway`, whose replies go back to that connection only. The probe reports stream ends.
 */
function gatewayFlow(gateway: Record<string, unknown>, via?: object): object {
  return {
    use: ['./probe-connector.ts'],
    connectors: {
      ws: { type: 'ws_server', ...bytes, config: { url: 'ws://127.0.0.1:0' } },
      gateway: { ...bytes, ...gateway },
      probe: { type: 'probe' },
    },
    ...(via === undefined ? {} : { pipelines: { via } }),
    links: via === undefined ? [['ws', 'gateway'], ['gateway', 'ws']] : [['ws', 'via'], ['via', 'gateway'], ['gateway', 'ws']],
  };
}
const unixGateway = (at: string, config: Record<string, unknown> = {}) => ({ type: 'unix_socket_client', config: { path: at, per_stream: true, ...config } });
const start = (flow: object, options: { drainTimeoutMs?: number } = {}) => startFlow(flow, { file: path.resolve(import.meta.dirname, '../../../support/inline.json5'), ...options });

async function echo(ctx: Ctx, mode: 'echo' | 'first-line' = 'echo'): Promise<UnixEcho> {
  const server = await startUnixEcho(socketPath(), mode);
  ctx.servers.push(server);
  return server;
}
async function open(ctx: Ctx, suffix = ''): Promise<TestClient> {
  const c = await TestClient.open(`${ctx.flow!.address('ws')}${suffix}`);
  ctx.clients.push(c);
  return c;
}
/** Everything a client received, as one hex string (an upstream's reply may come in several reads). */
const hex = (c: TestClient): string => c.messages.map((m) => m.data).join('');
const ended = (ctx: Ctx, alias: string): number[] =>
  ctx.flow!.seen('probe', 'out')
    .map((e) => (e.data as { ended: { connector: number; stream: number } }).ended)
    .filter((o) => o.connector === ctx.flow!.flow.connector(alias).id)
    .map((o) => o.stream);

test('two WebSocket clients each get only their own upstream’s bytes, binary unchanged', async (ctx) => {
  const upstream = await echo(ctx);
  ctx.flow = await start(gatewayFlow(unixGateway(upstream.path)));
  const [a, b] = [await open(ctx), await open(ctx)];
  const fromA = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x0a, 0x80]);
  const fromB = Buffer.from('b says hi \u00e9', 'utf8');
  a.send(fromA, true);
  b.send(fromB, true);
  a.send(Buffer.from([0xde, 0xad]), true);
  await until(() => hex(a).length === 16 && hex(b).length === fromB.length * 2, () => `both echoes (a ${hex(a)}, b ${hex(b)}) from ${upstream.kind}`);
  assert.is(hex(a), `${fromA.toString('hex')}dead`);
  assert.is(hex(b), fromB.toString('hex'));
  assert.ok(a.messages.every((m) => m.binary) && b.messages.every((m) => m.binary));
  // Replies carry the originating connection's origin and the gateway's own metadata.
  const ws = ctx.flow.flow.connector('ws').id;
  for (const event of ctx.flow.seen('gateway', 'out')) {
    assert.equal(event.meta, { unix_socket_client: { path: upstream.path } });
    assert.is(event.origins.length, 1);
    assert.is(event.origins[0]!.connector, ws);
  }
  await ctx.flow.expectNone('gateway', 'err', 50);
  await ctx.flow.expectNone('ws', 'err', 0);
});

test('a WebSocket close closes its upstream connection, and the other client is still served', async (ctx) => {
  const upstream = await echo(ctx);
  ctx.flow = await start(gatewayFlow(unixGateway(upstream.path)));
  const [a, b] = [await open(ctx), await open(ctx)];
  a.send(Buffer.from('a'), true);
  b.send(Buffer.from('b'), true);
  await a.waitFor(1);
  await b.waitFor(1);
  const aUpstream = ctx.flow.seen('gateway', 'out').find((e) => e.origins[0]!.stream === 0)!;
  assert.ok(aUpstream !== undefined);
  await a.close();
  // The gateway's stream for a's upstream ends when that connection has closed.
  await until(() => ended(ctx, 'ws').includes(0) && ended(ctx, 'gateway').length === 1, () => `a's upstream to close (ended: ${JSON.stringify(ctx.flow!.seen('probe', 'out').map((e) => e.data))})`);
  b.send(Buffer.from('still here'), true);
  await until(() => Buffer.from(hex(b), 'hex').toString() === 'bstill here', () => `b's second echo (${hex(b)})`);
  assert.equal(ended(ctx, 'gateway').length, 1);
});

test('an upstream that hangs up closes its own WebSocket connection, and only it', async (ctx) => {
  const upstream = await echo(ctx, 'first-line');
  ctx.flow = await start(gatewayFlow(unixGateway(upstream.path)));
  const [a, b] = [await open(ctx), await open(ctx)];
  b.send(Buffer.from('b is here\n'), true);
  await b.waitFor(1);
  a.send(Buffer.from('only line\n'), true);
  assert.equal(await a.waitClosed(), { code: 1000, reason: 'upstream closed' });
  assert.is(Buffer.from(hex(a), 'hex').toString(), 'only line\n');
  // b's upstream hung up too after its line; a new message finds its stream closing or closed.
  assert.equal(await b.waitClosed(), { code: 1000, reason: 'upstream closed' });
  assert.is(Buffer.from(hex(b), 'hex').toString(), 'b is here\n');
});

test('an upstream that cannot be reached fails the event to err and closes the WebSocket connection with 1014 (bad gateway)', async (ctx) => {
  const missing = socketPath();
  ctx.flow = await start(gatewayFlow(unixGateway(missing)));
  const a = await open(ctx);
  a.send(Buffer.from('anyone?'), true);
  assert.equal(await a.waitClosed(), { code: 1014, reason: 'upstream unreachable' });
  const err = await ctx.flow.next('gateway', 'err');
  assert.equal(err.data, { error: `gateway: cannot connect to ${missing}: connect ENOENT ${missing}; event not sent`, code: 'ERR_NOT_CONNECTED', connector: 'gateway', event: Buffer.from('anyone?') });
  assert.equal(err.origins, [{ connector: ctx.flow.flow.connector('ws').id, stream: 0 }]);
});

test('meta.unix_socket_client.path picks each stream’s upstream, here from the WebSocket request path', async (ctx) => {
  const [pa, pb] = [path.join(tmp.dir, 'alpha.sock'), path.join(tmp.dir, 'beta.sock')];
  const alpha = await SocketPeer.start({ path: pa }, { echo: true });
  const beta = await SocketPeer.start({ path: pb }, { echo: true });
  ctx.servers.push(alpha, beta);
  const route = { operators: [{ op: 'map', config: { meta: `{"unix_socket_client": {"path": ${JSON.stringify(tmp.dir)} + $.ws_server.path + ".sock"}}` } }] };
  ctx.flow = await start(gatewayFlow(unixGateway(path.join(tmp.dir, 'unused.sock')), route));
  const [a, b] = [await open(ctx, '/alpha'), await open(ctx, '/beta')];
  a.send(Buffer.from('to alpha'), true);
  b.send(Buffer.from('to beta'), true);
  await alpha.waitText('to alpha');
  await beta.waitText('to beta');
  await until(() => hex(a) === Buffer.from('to alpha').toString('hex') && hex(b) === Buffer.from('to beta').toString('hex'), () => `the echoes (a ${hex(a)}, b ${hex(b)})`);
  assert.is(alpha.text, 'to alpha');
  assert.is(beta.text, 'to beta');
  assert.equal(ctx.flow.seen('gateway', 'out').map((e) => e.meta).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))), [
    { unix_socket_client: { path: pa } },
    { unix_socket_client: { path: pb } },
  ]);
});

test('a configured path adopts the connection its handshake made (upstream.connect) rather than connecting again', async (ctx) => {
  const at = path.join(tmp.dir, 'adopt');
  const upstream = await SocketPeer.start({ path: at }, { echo: true });
  ctx.servers.push(upstream);
  // Only the ticket is copied: the path is the client's own, not the event's.
  const ticket = { operators: [{ op: 'map', config: { meta: '{"unix_socket_client": {"connection": $.ws_server.target.connection}}' } }] };
  const flow = gatewayFlow(unixGateway(at), ticket) as { connectors: { ws: { config: Record<string, unknown> } } };
  flow.connectors.ws.config.upstream = { docroot: tmp.dir, connect: true };
  ctx.flow = await start(flow);
  const a = await open(ctx, '/adopt');
  await upstream.waitConnections(1);
  a.send(Buffer.from('once'), true);
  await upstream.waitText('once');
  await until(() => hex(a) === Buffer.from('once').toString('hex'), () => `the echo (${hex(a)})`);
  assert.is(upstream.connections.length, 1);
});

test('an event with no origin, or a bad meta.unix_socket_client.path, goes to err naming why', async (ctx) => {
  const upstream = await echo(ctx);
  ctx.flow = await start(gatewayFlow(unixGateway(upstream.path)));
  ctx.flow.send('gateway', 'in', Buffer.from('orphan'));
  assert.equal((await ctx.flow.next('gateway', 'err')).data, {
    error: 'gateway: per_stream needs the stream an event came from, and this one has no origin; event not sent',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'gateway',
    event: Buffer.from('orphan'),
  });
  ctx.flow.flow.port('gateway', 'in', 'in').next(createEvent(Buffer.from('x'), { unix_socket_client: { path: 42 } }, [{ connector: 999, stream: 1 }]));
  assert.equal((await ctx.flow.next('gateway', 'err')).data, {
    error: 'gateway: meta.unix_socket_client.path: expected a non-empty string, received 42; event not sent',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'gateway',
    event: Buffer.from('x'),
  });
});

test('tcp_client per_stream over TLS: events wait in order while the upstream connects, and past max_pending go to err', async (ctx) => {
  const upstream = await SocketPeer.start({}, { echo: true, tls: { cert: readFileSync(cert.cert), key: readFileSync(cert.key) } });
  const gate = await gatedProxy(upstream.port);
  ctx.servers.push(upstream, gate);
  ctx.flow = await start({
    connectors: {
      gateway: { type: 'tcp_client', codec: 'string', config: { url: `127.0.0.1:${gate.port}`, per_stream: true, max_pending: 2, tls: { cafile: cert.cert, domain: 'localhost' } } },
    },
  });
  const origin = { connector: 999, stream: 7 };
  const push = (text: string) => ctx.flow!.flow.port('gateway', 'in', 'in').next(createEvent(text, {}, [origin]));
  push('one ');
  push('two ');
  push('three ');
  assert.equal((await ctx.flow.next('gateway', 'err')).data, {
    error: 'gateway: the upstream connection for stream 999:7 is still connecting and 2 events wait for it already (max_pending); event not sent',
    code: 'ERR_QUEUE_FULL',
    connector: 'gateway',
    event: 'three ',
  });
  gate.open();
  await upstream.waitText('one two ');
  push('four');
  assert.is(await upstream.waitText('four'), 'one two four');
  await until(() => ctx.flow!.seen('gateway', 'out').map((e) => e.data).join('') === 'one two four', () => 'the echoes');
  const reply = ctx.flow.seen('gateway', 'out')[0]!;
  assert.equal(reply.origins, [origin]);
  assert.equal(reply.meta, { tcp_client: { tls: true, peer: { host: '127.0.0.1', port: gate.port } } });
});

test('a burst sent as the upstream connects holds the WebSocket connection instead of overflowing max_pending', async (ctx) => {
  const at = socketPath();
  const upstream = await SocketPeer.start({ path: at });
  ctx.servers.push(upstream);
  ctx.flow = await start(gatewayFlow(unixGateway(at)));
  const a = await open(ctx);
  // 10 times max_pending (1000): without the hold, most would go to err while it connects. What
  // one read of the WebSocket decodes still arrives after the hold, so it must fit the queue.
  const frame = Buffer.alloc(100, 0x61);
  for (let i = 0; i < 10_000; i++) a.send(frame, true);
  const received = (): number => upstream.received.reduce((sum, b) => sum + b.length, 0);
  await until(() => received() === 1_000_000, () => `1000000 bytes upstream (have ${received()})`, 5000);
  await ctx.flow.expectNone('gateway', 'err', 0);
  assert.ok(ctx.flow.flow.flowControl.pauses >= 1, 'the connection was never held');
});

test('an upstream that does not read pauses the WebSocket connection feeding it, and no other', async (ctx) => {
  const at = socketPath();
  const upstream = await SocketPeer.start({ path: at }, { read: false });
  ctx.servers.push(upstream);
  // What the upstream never reads cannot be handed over: the stop gives up on it quickly.
  ctx.flow = await start(gatewayFlow(unixGateway(at, { high_water_mark: 64 * 1024, low_water_mark: 16 * 1024 })), { drainTimeoutMs: 100 });
  const [a, b] = [await open(ctx), await open(ctx)];
  const fc = ctx.flow.flow.flowControl;
  const ws = ctx.flow.flow.connector('ws').id;
  // b's upstream is up first (a connecting upstream holds its stream until then).
  b.send(Buffer.from('b'), true);
  await until(() => upstream.connections.length === 1 && !fc.isPaused({ connector: ws, stream: 1 }), () => 'b’s upstream to connect');
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; i < 200; i++) a.send(chunk, true); // 12.5 MB, more than the socket buffers hold
  await until(() => fc.isPaused({ connector: ws, stream: 0 }), () => 'a to be paused', 5000);
  assert.not.ok(fc.isPaused({ connector: ws, stream: 1 }));
  // A paused connection does not read the close handshake either.
  a.ws.terminate();
  await a.waitClosed();
});

test('stopping the flow closes every upstream connection', async (ctx) => {
  const at = socketPath();
  const upstream = await SocketPeer.start({ path: at }, { echo: true });
  ctx.servers.push(upstream);
  ctx.flow = await start(gatewayFlow(unixGateway(at)));
  const [a, b] = [await open(ctx), await open(ctx)];
  a.send(Buffer.from('a'), true);
  b.send(Buffer.from('b'), true);
  await upstream.waitConnections(2);
  await until(() => upstream.text.length === 2, () => 'both messages upstream');
  await ctx.flow.stop();
  ctx.flow = undefined;
  await until(() => upstream.open.length === 0, () => `the upstream connections to close (${upstream.open.length} open)`);
});

/** A TCP front to `port` that holds every connection until `open()`: an upstream slow to connect. */
async function gatedProxy(port: number): Promise<{ port: number; open(): void; stop(): Promise<void> }> {
  let opened = false;
  const waiting: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    sockets.add(inbound);
    inbound.pause();
    inbound.on('error', () => {});
    const forward = (): void => {
      const outbound = net.connect(port, '127.0.0.1');
      sockets.add(outbound);
      outbound.on('error', () => inbound.destroy());
      inbound.pipe(outbound).pipe(inbound);
      inbound.resume();
    };
    if (opened) forward();
    else waiting.push(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    open() {
      opened = true;
      for (const f of waiting.splice(0)) f();
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test.run();
