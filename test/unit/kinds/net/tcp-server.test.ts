import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregateEvent, createEvent } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { makeCa, makeCertificate, makeClientCert } from '../../../support/certs.js';
import { serverEchoFlow } from '../../../support/socket-flows.js';
import { TestSocket, until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir();
const cert = makeCertificate(tmp.dir);

const test = suite<{ flow?: TestFlow; clients: TestSocket[] }>('tcp_server', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  await ctx.flow?.stop();
  ctx.flow = undefined;
});
test.after(() => tmp.cleanup());

const echo = (config: Record<string, unknown> = {}, overrides = {}) => serverEchoFlow('tcp_server', { url: '127.0.0.1:0', ...config }, overrides);

// The probe reports every stream end it hears of (test/support/probe-connector.ts).
const supportFile = path.resolve(import.meta.dirname, '../../../support/inline.json5');
const probed = (server: object) => ({ use: ['./probe-connector.ts'], connectors: { server, probe: { type: 'probe' } }, links: [] as unknown[] });
const errorOf = (event: { data: unknown }): string => (event.data as { error: string }).error;

const open = async (ctx: { flow?: TestFlow; clients: TestSocket[] }, options: Parameters<typeof TestSocket.connect>[1] = {}): Promise<TestSocket> => {
  const c = await TestSocket.connect(ctx.flow!.address('server'), options);
  ctx.clients.push(c);
  return c;
};

test('each client gets its own echoes, line by line, and nothing of the others', async (ctx) => {
  ctx.flow = await startFlow(echo());
  const [a, b, c] = [await open(ctx), await open(ctx), await open(ctx)];
  a.send('{"a":1}\n{"b"');
  b.send('{"from":"b"}\n');
  a.send(':2}\n'); // when the writes arrive apart, the half line waits on a's stream only
  c.send('[1,2,3]\n');
  assert.equal(await a.waitLines(2), ['{"a":1}', '{"b":2}']);
  assert.equal(await b.waitLines(1), ['{"from":"b"}']);
  assert.equal(await c.waitLines(1), ['[1,2,3]']);
  await ctx.flow.expectNone('server', 'err', 50);
  assert.is(a.text, '{"a":1}\n{"b":2}\n');
  assert.is(b.text, '{"from":"b"}\n');
  assert.is(c.text, '[1,2,3]\n');
});

test('received events carry tls and peer under meta.tcp_server, and one origin', async (ctx) => {
  ctx.flow = await startFlow(echo());
  const a = await open(ctx);
  a.send('{"k":1}\n');
  const event = await ctx.flow.next('server', 'out');
  assert.equal(event.meta, { tcp_server: { tls: false, peer: { host: '127.0.0.1', port: a.localPort } } });
  assert.equal(event.origins, [{ connector: ctx.flow.flow.connector('server').id, stream: 0 }]);
});

test('meta.tcp_server.peer sends to that one connection, whatever the origins', async (ctx) => {
  ctx.flow = await startFlow({ connectors: { server: { type: 'tcp_server', codec: 'string', postprocessors: ['separate'], config: { url: '127.0.0.1:0' } } } });
  const [a, b] = [await open(ctx), await open(ctx)];
  a.send('from a');
  const fromA = await ctx.flow.next('server', 'out');
  b.send('from b');
  const fromB = await ctx.flow.next('server', 'out');
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent('for b', fromB.meta, fromA.origins));
  assert.equal(await b.waitLines(1), ['for b']);
  await ctx.flow.expectNone('server', 'err', 50);
  assert.is(a.text, '');
});

test('an event made from several connections goes back to each of them', async (ctx) => {
  ctx.flow = await startFlow({ connectors: { server: { type: 'tcp_server', codec: 'json', preprocessors: ['separate'], postprocessors: ['separate'], config: { url: '127.0.0.1:0' } } } });
  const [a, b, c] = [await open(ctx), await open(ctx), await open(ctx)];
  a.send('{"n":1}\n');
  const ea = await ctx.flow.next('server', 'out');
  b.send('{"n":2}\n');
  const eb = await ctx.flow.next('server', 'out');
  ctx.flow.flow.port('server', 'in', 'in').next(aggregateEvent({ sum: 3 }, [ea, eb]));
  assert.equal(await a.waitLines(1), ['{"sum":3}']);
  assert.equal(await b.waitLines(1), ['{"sum":3}']);
  await ctx.flow.expectNone('server', 'err', 50);
  assert.is(c.text, '');
});

test('meta.tcp_server.broadcast sends to every connection, or with "others" to all but the ones it came from', async (ctx) => {
  ctx.flow = await startFlow({ connectors: { server: { type: 'tcp_server', codec: 'string', postprocessors: ['separate'], config: { url: '127.0.0.1:0' } } } });
  const [a, b, c] = [await open(ctx), await open(ctx), await open(ctx)];
  a.send('from a');
  const fromA = await ctx.flow.next('server', 'out');
  const inPort = ctx.flow.flow.port('server', 'in', 'in');
  inPort.next(createEvent('everyone', { tcp_server: { broadcast: true } }, []));
  inPort.next(createEvent('not a', { tcp_server: { broadcast: 'others' } }, fromA.origins));
  assert.equal(await b.waitLines(2), ['everyone', 'not a']);
  assert.equal(await c.waitLines(2), ['everyone', 'not a']);
  assert.equal(await a.waitLines(1), ['everyone']);
  await ctx.flow.expectNone('server', 'err', 50);
  assert.is(a.text, 'everyone\n');
});

test('with no client connected an event fails to err naming why, and the next client is served', async (ctx) => {
  ctx.flow = await startFlow(echo());
  ctx.flow.send('server', 'in', { lonely: true });
  const err = await ctx.flow.next('server', 'err');
  assert.equal(err.data, {
    error: 'server: no connection to send to: it carries no meta.tcp_server.peer and came from no connection of this server',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: { lonely: true },
  });
  const a = await open(ctx);
  a.send('{"after":1}\n');
  assert.equal(await a.waitLines(1), ['{"after":1}']);
});

test('an event for a peer that is gone, or from a connection that closed, fails to err with the reason', async (ctx) => {
  ctx.flow = await startFlow(probed({ type: 'tcp_server', codec: 'json', preprocessors: ['separate'], config: { url: '127.0.0.1:0' } }), { file: supportFile });
  ctx.flow.send('server', 'in', { x: 1 }, { tcp_server: { peer: { host: '127.0.0.1', port: 1 } } });
  assert.is(errorOf(await ctx.flow.next('server', 'err')), 'server: no connection to send to: no open connection from 127.0.0.1:1 (meta.tcp_server.peer)');
  const a = await open(ctx);
  a.send('{"x":1}\n');
  const event = await ctx.flow.next('server', 'out');
  await a.close();
  await ctx.flow.next('probe', 'out'); // the server saw the close and ended the stream
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent({ late: 1 }, {}, event.origins));
  assert.is(errorOf(await ctx.flow.next('server', 'err')), 'server: no connection to send to: the connection it came from is closed');
});

test('a line the codec cannot decode becomes an err event with an excerpt, and the connection stays open', async (ctx) => {
  ctx.flow = await startFlow(echo());
  const a = await open(ctx);
  a.send('{"ok":1}\n{not json}\n{"ok":2}\n');
  assert.equal(await a.waitLines(2), ['{"ok":1}', '{"ok":2}']);
  const err = await ctx.flow.next('server', 'err');
  const data = err.data as { error: string; code: string; connector: string; stream: number; excerpt: string };
  assert.is(data.code, 'ERR_CODEC_DECODE');
  assert.is(data.connector, 'server');
  assert.is(data.stream, 0);
  assert.is(data.excerpt, '{not json}');
  assert.match(data.error, /^server: invalid JSON: /);
  a.send('{"still":"open"}\n');
  assert.equal((await a.waitLines(3))[2], '{"still":"open"}');
  assert.is(a.closed, false);
});

test('over TLS each client gets its own echoes, meta says tls, and a failed handshake does not stop it accepting', async (ctx) => {
  ctx.flow = await startFlow(echo({ tls: cert }));
  // A plain-text client cannot complete the handshake; the server drops it and goes on.
  const plain = await open(ctx);
  plain.send('{"not":"tls"}\n');
  await plain.waitClosed();
  const a = await open(ctx, { tls: { ca: [readFileSync(cert.cert)], servername: 'localhost' } });
  a.send('{"secure":true}\n');
  assert.equal(await a.waitLines(1), ['{"secure":true}']);
  const event = ctx.flow.seen('server', 'out')[0]!;
  assert.equal(event.meta.tcp_server, { tls: true, peer: { host: '127.0.0.1', port: a.localPort } });
});

test('with a client certificate signed by tls.ca, the connection carries its identity', async (ctx) => {
  const ca = makeCa(tmp.dir);
  const client = makeClientCert(tmp.dir, ca, 'hank');
  ctx.flow = await startFlow(echo({ tls: { ...cert, ca: ca.cert, client_cert: 'require' } }));
  const a = await open(ctx, { tls: { ca: [readFileSync(cert.cert)], servername: 'localhost', cert: readFileSync(client.cert), key: readFileSync(client.key) } });
  a.send('{"who":"hank"}\n');
  assert.equal(await a.waitLines(1), ['{"who":"hank"}']);
  const event = ctx.flow.seen('server', 'out')[0]!;
  assert.equal((event.meta.tcp_server as { auth: unknown }).auth, { method: 'mtls', user: 'hank' });
});

test('buf_size cuts reads into pieces of at most that many bytes before the preprocessors', async (ctx) => {
  ctx.flow = await startFlow({ connectors: { server: { type: 'tcp_server', codec: 'binary', config: { url: '127.0.0.1:0', buf_size: 4 } } } });
  const a = await open(ctx);
  a.send('0123456789');
  await until(() => Buffer.concat(ctx.flow!.seen('server', 'out').map((e) => e.data as Buffer)).length === 10, () => '10 bytes');
  const pieces = ctx.flow.seen('server', 'out').map((e) => (e.data as Buffer).toString());
  assert.is(pieces.join(''), '0123456789');
  assert.ok(pieces.every((p) => p.length <= 4), JSON.stringify(pieces));
});

test('a connector asking to close a connection of the server ends it, and only it', async (ctx) => {
  const flow = probed({ type: 'tcp_server', codec: 'string', config: { url: '127.0.0.1:0' } }) as { links: unknown[] };
  flow.links.push(['server', 'probe']); // the probe asks to close the origin of what it receives
  ctx.flow = await startFlow(flow, { file: supportFile });
  const [a, b] = [await open(ctx), await open(ctx)];
  a.send('close me');
  await a.waitClosed();
  assert.equal((await ctx.flow.next('probe', 'out')).data, { ended: { connector: ctx.flow.flow.connector('server').id, stream: 0 } });
  assert.is(b.closed, false);
});

test('a client that stops reading its echoes pauses only its own connection, and gets everything once it reads again', async (ctx) => {
  ctx.flow = await startFlow(echo({ high_water_mark: 64 * 1024, low_water_mark: 16 * 1024 }, { codec: 'binary', preprocessors: [], postprocessors: [] }));
  const [slow, other] = [await open(ctx), await open(ctx)];
  slow.socket.pause();
  const total = 12 * 1024 * 1024; // more than loopback socket buffers hold
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (let sent = 0; sent < total; sent += chunk.length) slow.send(chunk);
  const fc = ctx.flow.flow.flowControl;
  const id = ctx.flow.flow.connector('server').id;
  await until(() => fc.isPaused({ connector: id, stream: 0 }), () => 'the slow connection to be paused', 5000);
  other.send('quick');
  await other.waitBytes(5);
  assert.not.ok(fc.isPaused({ connector: id, stream: 1 }));
  slow.socket.resume();
  await slow.waitBytes(total, 20_000);
  assert.is(slow.bytes.length, total);
  await until(() => fc.holders.length === 0, () => 'every hold to be released');
});

test('the bound address of port 0 is reported, and a port in use fails the start with ERR_BIND_FAILED', async (ctx) => {
  ctx.flow = await startFlow(echo());
  const address = ctx.flow.address('server');
  assert.match(address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  assert.is.not(address, 'tcp://127.0.0.1:0');
  const err = await startFlow(echo({ url: address })).catch((e: Error & { code?: string }) => e);
  assert.is((err as { code?: string }).code, 'ERR_BIND_FAILED');
  assert.match((err as Error).message, /^server: cannot start tcp_server: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+$/);
});

test('stopping the flow hands over what was written, then ends every connection', async (ctx) => {
  ctx.flow = await startFlow(echo());
  const a = await open(ctx);
  a.send('{"last":1}\n');
  await ctx.flow.next('server', 'out');
  await ctx.flow.stop();
  await a.waitClosed();
  assert.is(a.text, '{"last":1}\n');
  ctx.flow = undefined;
});

test('an invalid url is a config error naming the field', async () => {
  const err = await startFlow(echo({ url: 'tcp://127.0.0.1' })).catch((e: Error & { code?: string }) => e);
  assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID');
  assert.match((err as Error).message, /connectors\.server\.config\.url: expected a port in "tcp:\/\/127\.0\.0\.1"$/);
});

test.run();
