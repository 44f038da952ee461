import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { bindUdp, UdpSocketOptionsSchema } from '../../../../src/kinds/udp/udp-socket.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { clientFlow, serverEchoFlow } from '../../../support/socket-flows.js';
import { until } from '../../../support/sockets.js';
import { freeUdpPort, UdpPeer } from '../../../support/udp.js';

const test = suite<{ flow?: TestFlow; peers: UdpPeer[] }>('udp', { peers: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.peers.splice(0).map((p) => p.close()));
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

// A datagram is a message: no `separate` either way.
const datagrams = { codec: 'string', preprocessors: [], postprocessors: [] };
const peer = async (ctx: { peers: UdpPeer[] }, options: Parameters<typeof UdpPeer.open>[0] = {}): Promise<UdpPeer> => {
  const p = await UdpPeer.open(options);
  ctx.peers.push(p);
  return p;
};

test('udp_server: each datagram is one event, and an echo answers each sender with its own', async (ctx) => {
  ctx.flow = await startFlow(serverEchoFlow('udp_server', { url: '127.0.0.1:0' }, datagrams));
  const server = ctx.flow.address('server');
  assert.match(server, /^udp:\/\/127\.0\.0\.1:\d+$/);
  const [a, b] = [await peer(ctx), await peer(ctx)];
  await a.send('one from a', server);
  await b.send('one from b', server);
  await a.send('two from a', server);
  assert.equal(await a.waitReceived(2), ['one from a', 'two from a']);
  assert.equal(await b.waitReceived(1), ['one from b']);
  await ctx.flow.expectNone('server', 'err', 50);
  assert.is(b.received.length, 1);
  const first = ctx.flow.seen('server', 'out')[0]!;
  assert.equal(first.meta, { udp_server: { peer: { host: '127.0.0.1', port: a.port } } });
});

test('udp_server: an event without meta.udp_server.peer fails to err naming why', async (ctx) => {
  ctx.flow = await startFlow(serverEchoFlow('udp_server', { url: '127.0.0.1:0' }, datagrams));
  ctx.flow.send('server', 'in', 'nowhere');
  assert.equal((await ctx.flow.next('server', 'err')).data, {
    error: 'server: no peer to send to: the event carries no meta.udp_server.peer { host, port }',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: 'nowhere',
  });
});

test('udp_server: a datagram over buf_size, or one the codec cannot decode, goes to err and the next passes', async (ctx) => {
  ctx.flow = await startFlow(serverEchoFlow('udp_server', { url: '127.0.0.1:0', buf_size: 8 }, { ...datagrams, codec: 'json' }));
  const server = ctx.flow.address('server');
  const a = await peer(ctx);
  await a.send('[1,2,3,4,5,6]', server);
  const big = (await ctx.flow.next('server', 'err')).data as { error: string; code: string; excerpt: string };
  assert.is(big.code, 'ERR_PROCESSOR_MAX_LENGTH');
  assert.is(big.error, `server: a datagram of 13 bytes from 127.0.0.1:${a.port} is over buf_size (8); dropped`);
  assert.is(big.excerpt, '[1,2,3,4,5,6]');
  await a.send('{bad', server);
  assert.is(((await ctx.flow.next('server', 'err')).data as { code: string }).code, 'ERR_CODEC_DECODE');
  await a.send('[1]', server);
  assert.equal(await a.waitReceived(1), ['[1]']);
});

test('udp_server: while the flow holds it datagrams are dropped, and the count is logged when it resumes', async (ctx) => {
  const log = memoryLogger('warn');
  ctx.flow = await startFlow(serverEchoFlow('udp_server', { url: '127.0.0.1:0' }, datagrams), { log });
  const server = ctx.flow.address('server');
  const host = ctx.flow.flow.connector('server');
  const a = await peer(ctx);
  host.pauseStream(0);
  await a.send('dropped 1', server);
  await a.send('dropped 2', server);
  // Loopback queues a datagram at send time: once a marker sent after them has been read, the
  // server's socket was readable too, and both were read (and dropped) in that same poll.
  const probe = await peer(ctx);
  await probe.send('marker', `udp://127.0.0.1:${a.port}`);
  await a.waitReceived(1);
  host.resumeStream(0);
  await a.send('kept', server);
  await until(() => a.received.some((r) => r.data === 'kept'), () => 'the echo of "kept"');
  assert.equal(ctx.flow.seen('server', 'out').map((e) => e.data), ['kept']);
  assert.ok(log.lines.some((l) => l.endsWith('WARN  [inline/server] dropped 2 datagram(s) while the flow held this source')), log.lines.join('\n'));
});

test('udp_client: each frame goes out as one datagram to url, and datagrams from there come back with meta.udp_client', async (ctx) => {
  const remote = await peer(ctx, { echo: true });
  ctx.flow = await startFlow(clientFlow('udp_client', { url: `127.0.0.1:${remote.port}` }, { ...datagrams, postprocessors: ['separate'] }));
  await ctx.flow.waitConnected('client');
  ctx.flow.send('client', 'in', 'hello');
  ctx.flow.send('client', 'in', 'again');
  assert.equal(await remote.waitReceived(2), ['hello\n', 'again\n']);
  const [first, second] = await ctx.flow.collect('client', 'out', 2);
  assert.equal([first!.data, second!.data], ['hello\n', 'again\n']);
  assert.equal(first!.meta, { udp_client: { peer: { host: '127.0.0.1', port: remote.port } } });
});

test('udp_client: it binds the local address given, and receives only from url', async (ctx) => {
  const remote = await peer(ctx, { echo: true });
  const local = await freeUdpPort();
  ctx.flow = await startFlow(clientFlow('udp_client', { url: `udp://127.0.0.1:${remote.port}`, bind: `127.0.0.1:${local}` }, datagrams));
  await ctx.flow.waitConnected('client');
  const stranger = await peer(ctx);
  await stranger.send('not for you', `udp://127.0.0.1:${local}`);
  ctx.flow.send('client', 'in', 'ping');
  await remote.waitReceived(1);
  assert.is(remote.received[0]!.port, local);
  assert.equal((await ctx.flow.next('client', 'out')).data, 'ping');
  await ctx.flow.expectNone('client', 'out', 50);
});

test('udp_client: a url without a port, or an invalid bind, is a config error naming the field', async () => {
  for (const [config, message] of [
    [{ url: 'localhost' }, 'connectors.client.config.url: expected a port in "localhost"'],
    [{ url: '127.0.0.1:9', bind: 'tcp://127.0.0.1:0' }, 'connectors.client.config.bind: expected host:port or udp://host:port, received "tcp://127.0.0.1:0"'],
  ] as const) {
    const err = await startFlow(clientFlow('udp_client', config, datagrams)).catch((e: Error & { code?: string }) => e);
    assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID');
    assert.ok((err as Error).message.endsWith(message), (err as Error).message);
  }
});

test('a UDP socket asks the kernel for a 1 MiB receive buffer unless SO_RCVBUF says otherwise, as much as net.core.rmem_max allows', async () => {
  // Linux doubles what is asked (for its bookkeeping) and caps the request at rmem_max.
  const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  const granted = (asked: number): number => 2 * Math.min(asked, rmemMax);
  for (const [given, asked] of [[undefined, 1024 * 1024], [65536, 65536]] as const) {
    const options = UdpSocketOptionsSchema.parse(given === undefined ? undefined : { SO_RCVBUF: given });
    const socket = await bindUdp({ host: '127.0.0.1', port: 0, family: 4 }, options);
    try {
      assert.is(socket.getRecvBufferSize(), granted(asked), `SO_RCVBUF ${given}`);
    } finally {
      socket.close();
    }
  }
});

test.run();
