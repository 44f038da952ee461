import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { makeCertificate } from '../../../support/certs.js';
import { clientFlow, quickRetry } from '../../../support/socket-flows.js';
import { SocketPeer } from '../../../support/socket-peer.js';
import { until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir();
const cert = makeCertificate(tmp.dir);

const test = suite<{ flow?: TestFlow; peer?: SocketPeer }>('tcp_client', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});
test.after(() => tmp.cleanup());

const client = (config: Record<string, unknown>, overrides = {}) => clientFlow('tcp_client', config, { reconnect: quickRetry, ...overrides });

test('it sends what it is given and emits what the server sends, with meta.tcp_client', async (ctx) => {
  ctx.peer = await SocketPeer.start({}, { echo: true });
  ctx.flow = await startFlow(client({ url: ctx.peer.url }));
  await ctx.flow.waitConnected('client');
  ctx.flow.send('client', 'in', { hello: 1 });
  assert.is(await ctx.peer.waitText('\n'), '{"hello":1}\n');
  const event = await ctx.flow.next('client', 'out');
  assert.equal(event.data, { hello: 1 });
  assert.equal(event.meta, { tcp_client: { tls: false, peer: { host: '127.0.0.1', port: ctx.peer.port } } });
  assert.equal(event.origins, [{ connector: ctx.flow.flow.connector('client').id, stream: 0 }]);
});

test('after the server restarts it reconnects, and what was sent meanwhile arrives in order', async (ctx) => {
  ctx.peer = await SocketPeer.start();
  ctx.flow = await startFlow(client({ url: ctx.peer.url }));
  await ctx.flow.waitConnected('client');
  const host = ctx.flow.flow.connector('client');
  await ctx.peer.stop();
  await until(() => host.connectivity !== 'connected', () => 'the client to notice the server is gone');
  ctx.flow.send('client', 'in', { n: 1 });
  ctx.flow.send('client', 'in', { n: 2 });
  await ctx.peer.restart();
  await ctx.flow.waitConnected('client', { timeout: 2000 });
  assert.is(await ctx.peer.waitText('{"n":2}\n'), '{"n":1}\n{"n":2}\n');
  assert.is(ctx.peer.connections.length, 2);
});

test('a client that only receives notices the server closing its connection, reconnects, and reads on a new stream', async (ctx) => {
  ctx.peer = await SocketPeer.start();
  ctx.flow = await startFlow(client({ url: ctx.peer.url }));
  await ctx.flow.waitConnected('client');
  ctx.peer.connections[0]!.end();
  await ctx.peer.waitConnections(2);
  ctx.peer.connections[1]!.write('{"hello":"again"}\n');
  const event = await ctx.flow.next('client', 'out');
  assert.equal(event.data, { hello: 'again' });
  assert.equal(event.origins, [{ connector: ctx.flow.flow.connector('client').id, stream: 1 }]);
});

test('over TLS with cafile and domain it talks to a server with a self-signed certificate', async (ctx) => {
  ctx.peer = await SocketPeer.start({}, { echo: true, tls: { cert: readFileSync(cert.cert), key: readFileSync(cert.key) } });
  ctx.flow = await startFlow(client({ url: `tcp://${ctx.peer.url}`, tls: { cafile: cert.cert, domain: 'localhost' } }));
  await ctx.flow.waitConnected('client');
  ctx.flow.send('client', 'in', ['snot', 'badger']);
  const event = await ctx.flow.next('client', 'out');
  assert.equal(event.data, ['snot', 'badger']);
  assert.equal(event.meta, { tcp_client: { tls: true, peer: { host: '127.0.0.1', port: ctx.peer.port } } });
});

test('a certificate the client does not trust fails the attempt, with the reason in the log', async (ctx) => {
  ctx.peer = await SocketPeer.start({}, { tls: { cert: readFileSync(cert.cert), key: readFileSync(cert.key) } });
  const log = memoryLogger('warn');
  ctx.flow = await startFlow(client({ url: ctx.peer.url, tls: true }, { reconnect: 'none' }), { log });
  const host = ctx.flow.flow.connector('client');
  await until(() => host.connectivity === 'failed', () => `the attempt to fail (state ${host.connectivity})`);
  assert.ok(log.lines.some((l) => /ERROR \[inline\/client\] connect failed \(self[- ]signed certificate\); reconnect is "none"$/.test(l)), log.lines.join('\n'));
});

test('a TLS handshake that never completes is given up after connect_timeout_ms', async (ctx) => {
  ctx.peer = await SocketPeer.start(); // accepts TCP, never answers the TLS hello
  const log = memoryLogger('warn');
  ctx.flow = await startFlow(client({ url: ctx.peer.url, tls: true, connect_timeout_ms: 100 }, { reconnect: 'none' }), { log });
  const host = ctx.flow.flow.connector('client');
  await until(() => host.connectivity === 'failed', () => `the attempt to time out (state ${host.connectivity})`);
  assert.ok(log.lines.some((l) => l.endsWith('connect failed (no connection within 100 ms); reconnect is "none"')), log.lines.join('\n'));
});

test('a url without a port, or with port 0, is a config error naming the field', async () => {
  for (const [url, message] of [
    ['127.0.0.1', 'expected a port in "127.0.0.1"'],
    ['127.0.0.1:0', 'expected a port other than 0 to connect to, received "127.0.0.1:0"'],
    ['ws://127.0.0.1:1', 'expected host:port or tcp://host:port, received "ws://127.0.0.1:1"'],
  ]) {
    const err = await startFlow(client({ url })).catch((e: Error & { code?: string }) => e);
    assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID');
    assert.ok((err as Error).message.endsWith(`connectors.client.config.url: ${message}`), (err as Error).message);
  }
});

test.run();
