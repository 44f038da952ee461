import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { createEvent, aggregateEvent } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { echoFlow } from '../../../support/flows.js';
import { TestClient } from '../../../support/ws.js';

const test = suite<{ flow?: TestFlow; clients: TestClient[] }>('ws_server', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const open = async (ctx: { flow?: TestFlow; clients: TestClient[] }, alias = 'server'): Promise<TestClient> => {
  const c = await TestClient.open(ctx.flow!.address(alias));
  ctx.clients.push(c);
  return c;
};

test('each client gets its own echoes, one document per line, and nothing of the others', async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  const [a, b, c] = [await open(ctx), await open(ctx), await open(ctx)];
  a.send('{"a":1}\n{"b":2}');
  b.send('{"from":"b"}');
  c.send('[1,2,3]');
  assert.equal(await a.waitFor(2), ['{"a":1}\n', '{"b":2}\n']);
  assert.equal(await b.waitFor(1), ['{"from":"b"}\n']);
  assert.equal(await c.waitFor(1), ['[1,2,3]\n']);
  await ctx.flow.expectNone('server', 'err', 50);
  assert.is(a.messages.length, 2);
  assert.is(b.messages.length, 1);
  assert.is(c.messages.length, 1);
});

test('a line left unfinished when a client closes is flushed as its last event', async (ctx) => {
  ctx.flow = await startFlow(echoFlow({ preprocessors: ['separate'] }));
  const a = await open(ctx);
  a.send('{"a":1}\n{"b"');
  a.send(':2}');
  assert.equal((await ctx.flow.next('server', 'out')).data, { a: 1 });
  await ctx.flow.expectNone('server', 'out', 50);
  await a.close();
  const last = await ctx.flow.next('server', 'out');
  assert.equal(last.data, { b: 2 });
  assert.equal(last.origins, ctx.flow.seen('server', 'out')[0]!.origins);
});

test('keepalive terminates a connection that stops answering pings and keeps the ones that answer', async (ctx) => {
  ctx.flow = await startFlow(echoFlow({ config: { ping_interval_ms: 40, pong_timeout_ms: 80 } }));
  const url = ctx.flow.address('server');
  const mute = new WebSocket(url, { autoPong: false });
  const alive = new WebSocket(url);
  let pings = 0;
  mute.on('ping', () => pings++);
  await Promise.all([mute, alive].map((ws) => new Promise((resolve) => ws.once('open', resolve))));
  try {
    // The bound must not hold the process open once the close came (ref: false).
    const closed = await Promise.race([new Promise<number>((resolve) => mute.once('close', (code) => resolve(code))), sleep(5000, -1, { ref: false })]);
    // Terminated, not closed: a half-open peer would never answer a close frame either.
    assert.is(closed, 1006);
    assert.ok(pings >= 1, `pinged ${pings} times`);
    await sleep(300);
    assert.is(alive.readyState, WebSocket.OPEN);
    alive.send('{"still":"here"}');
    assert.equal((await ctx.flow.next('server', 'out')).data, { still: 'here' });
  } finally {
    mute.terminate();
    alive.close();
  }
});

test('binary frames of a connection share one metadata object, text frames another', async (ctx) => {
  ctx.flow = await startFlow(echoFlow({ codec: 'binary', preprocessors: [], postprocessors: [] }));
  const c = await open(ctx);
  c.send(Buffer.from([1]), true);
  c.send(Buffer.from([2]), true);
  c.send('text');
  const [a, b, t] = await ctx.flow.collect('server', 'out', 3);
  assert.is((a!.meta.ws_server as { binary?: boolean }).binary, true);
  assert.is(a!.meta, b!.meta);
  assert.is((t!.meta.ws_server as { binary?: boolean }).binary, undefined);
  assert.equal((t!.meta.ws_server as { peer: unknown }).peer, (a!.meta.ws_server as { peer: unknown }).peer);
});

test('received events carry tls, peer, path and the request headers, less the handshake\'s own, under meta.ws_server', async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  const url = ctx.flow.address('server');
  const ws = await TestClient.open(`${url}/some/path?x=1`, { headers: { 'x-test': 'yes' } });
  ctx.clients.push(ws);
  ws.send('{"k":1}');
  const event = await ctx.flow.next('server', 'out');
  const meta = event.meta.ws_server as { tls: boolean; peer: { host: string; port: number }; path: string; headers: Record<string, string> };
  assert.is(meta.tls, false);
  assert.is(meta.peer.host, '127.0.0.1');
  assert.is(meta.peer.port, (ws.ws as unknown as { _socket: { localPort: number } })._socket.localPort);
  assert.is(meta.path, '/some/path?x=1');
  assert.is(meta.headers['x-test'], 'yes');
  assert.is(meta.headers.host, url.slice('ws://'.length));
  // The handshake's own headers are not kept for the life of the connection.
  for (const name of ['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version']) assert.is(meta.headers[name], undefined, name);
  assert.is(event.origins.length, 1);
});

test('an event made from several connections goes back to each of them', async (ctx) => {
  ctx.flow = await startFlow({
    connectors: { server: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } } },
  });
  const [a, b, c] = [await open(ctx), await open(ctx), await open(ctx)];
  a.send('{"n":1}');
  b.send('{"n":2}');
  const [ea, eb] = await ctx.flow.collect('server', 'out', 2);
  // What a window or batch emits: one event whose origins are both connections.
  const aggregate = aggregateEvent({ sum: 3 }, [ea!, eb!]);
  assert.is(aggregate.origins.length, 2);
  ctx.flow.flow.port('server', 'in', 'in').next(aggregate);
  assert.equal(await a.waitFor(1), ['{"sum":3}']);
  assert.equal(await b.waitFor(1), ['{"sum":3}']);
  await sleep(50);
  assert.is(c.messages.length, 0);
});

test('an event with neither a peer nor an origin of this server fails to err, naming why', async (ctx) => {
  ctx.flow = await startFlow({
    connectors: { server: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } } },
  });
  await open(ctx);
  ctx.flow.send('server', 'in', { orphan: true });
  const err = await ctx.flow.next('server', 'err');
  assert.equal(err.data, {
    error: 'server: no connection to send to: it carries no meta.ws_server.peer and came from no connection of this server',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: { orphan: true },
  });
});

test('meta.ws_server.peer sends to that one connection, whatever the origins', async (ctx) => {
  ctx.flow = await startFlow({
    connectors: { server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } } },
  });
  const [a, b] = [await open(ctx), await open(ctx)];
  a.send('hello from a');
  const fromA = await ctx.flow.next('server', 'out');
  b.send('hello from b');
  const fromB = await ctx.flow.next('server', 'out');
  // Addressed to b by metadata although it came from a.
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent('for b', fromB.meta, fromA.origins));
  assert.equal(await b.waitFor(1), ['for b']);
  await sleep(50);
  assert.is(a.messages.length, 0);
});

test('with no client connected an event fails to err and the flow keeps working when one arrives', async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  ctx.flow.send('server', 'in', { lonely: true });
  const err = await ctx.flow.next('server', 'err');
  assert.is((err.data as { code: string }).code, 'ERR_ROUTE_NO_TARGET');
  const a = await open(ctx);
  a.send('{"after":1}');
  assert.equal(await a.waitFor(1), ['{"after":1}\n']);
});

test('a malformed frame becomes an err event with the reason and an excerpt, and the connection stays open', async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  const a = await open(ctx);
  a.send('{"ok":1}\n{not json}\n{"ok":2}');
  assert.equal(await a.waitFor(2), ['{"ok":1}\n', '{"ok":2}\n']);
  const err = await ctx.flow.next('server', 'err');
  const data = err.data as { error: string; code: string; connector: string; stream: number; excerpt: string };
  assert.is(data.code, 'ERR_CODEC_DECODE');
  assert.is(data.connector, 'server');
  assert.is(data.excerpt, '{not json}');
  assert.match(data.error, /^server: invalid JSON: /);
  assert.is(a.closed, undefined);
  a.send('{"still":"open"}');
  assert.equal((await a.waitFor(3))[2], '{"still":"open"}\n');
});

test('binary frames carry meta.ws_server.binary and are echoed back binary', async (ctx) => {
  ctx.flow = await startFlow(echoFlow({ codec: 'binary', preprocessors: [], postprocessors: [] }));
  const a = await open(ctx);
  a.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), true);
  a.send('text stays text');
  await a.waitFor(2);
  assert.equal(a.messages[0], { data: 'deadbeef', binary: true });
  // The binary codec writes binary: every frame goes out binary.
  assert.equal(a.messages[1], { data: Buffer.from('text stays text').toString('hex'), binary: true });
  const [first] = ctx.flow.seen('server', 'out');
  assert.is((first!.meta.ws_server as { binary?: boolean }).binary, true);
});

test('a text event whose bytes are not UTF-8 goes to err and the connection stays open', async (ctx) => {
  ctx.flow = await startFlow({
    connectors: { server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } } },
  });
  const a = await open(ctx);
  a.send('hi');
  const event = await ctx.flow.next('server', 'out');
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent(Buffer.from([0xff, 0xfe]), {}, event.origins));
  const err = await ctx.flow.next('server', 'err');
  assert.equal(err.data, {
    error: 'server: a text frame must be valid UTF-8; flag the event binary or use a binary codec',
    code: 'ERR_TEXT_NOT_UTF8',
    connector: 'server',
    event: Buffer.from([0xff, 0xfe]),
  });
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent('fine', {}, event.origins));
  assert.equal(await a.waitFor(1), ['fine']);
  assert.is(a.closed, undefined);
});

test('a plain HTTP request gets 426 and a broken handshake does not stop the server accepting', async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  const http = ctx.flow.address('server').replace('ws://', 'http://');
  const res = await fetch(http);
  assert.is(res.status, 426);
  const net = await import('node:net');
  const { port } = new URL(http);
  await new Promise<void>((resolve) => {
    const s = net.connect(Number(port), '127.0.0.1', () => s.end('GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
    s.on('close', () => resolve());
    s.on('error', () => resolve());
    s.resume();
  });
  const a = await open(ctx);
  a.send('{"x":1}');
  assert.equal(await a.waitFor(1), ['{"x":1}\n']);
});

test('a message over max_message_size closes that connection with 1009 and others go on', async (ctx) => {
  ctx.flow = await startFlow(echoFlow({ config: { max_message_size: 64 } }));
  const [a, b] = [await open(ctx), await open(ctx)];
  a.send(`{"big":"${'x'.repeat(100)}"}`);
  assert.is((await a.waitClosed()).code, 1009);
  b.send('{"small":1}');
  assert.equal(await b.waitFor(1), ['{"small":1}\n']);
});

test('stopping the flow closes client connections with 1001', async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  const a = await open(ctx);
  await ctx.flow.stop();
  assert.is((await a.waitClosed()).code, 1001);
  ctx.flow = undefined;
});

test('the bound address of port 0 is reported', async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  assert.match(ctx.flow.address('server'), /^ws:\/\/127\.0\.0\.1:\d+$/);
  assert.is.not(ctx.flow.address('server'), 'ws://127.0.0.1:0');
  const ws = new WebSocket(ctx.flow.address('server'));
  await new Promise((r) => ws.on('open', r));
  ws.close();
});

test.run();
