import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { HttpPeer } from '../../../support/http-peer.js';
import { httpRequest } from '../../../support/http-request.js';
import { httpRegistries } from '../../../support/with-http.js';
import { TestClient } from '../../../support/ws.js';

const test = suite<{ flows: TestFlow[]; clients: TestClient[]; peer?: HttpPeer }>('http roundtrip', { flows: [], clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  for (const flow of ctx.flows.splice(0).reverse()) await flow.stop();
  await ctx.peer?.stop();
  ctx.peer = undefined;
});

const start = async (ctx: { flows: TestFlow[] }, flow: object): Promise<TestFlow> => {
  const running = await startFlow(flow, { registries: httpRegistries() });
  ctx.flows.push(running);
  return running;
};

/** An HTTP service made of an http_server answering each request from its own metadata. */
const backendFlow = {
  connectors: { api: { type: 'http_server', config: { url: 'http://127.0.0.1:0' } } },
  pipelines: {
    handle: { operators: [{ op: 'map', config: { event: '{"echo": event, "method": $.http_server.request.method, "path": $.http_server.request.path}' } }] },
  },
  links: [
    ['api', 'handle'],
    ['handle', 'api'],
  ],
};

test('ws_server → http_client → ws_server: each WebSocket client gets the responses to its own messages and no other', async (ctx) => {
  const backend = await start(ctx, backendFlow);
  const gateway = await start(ctx, {
    use: ['std'],
    connectors: {
      ws: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } },
      backend: { type: 'http_client', config: { url: `${backend.address('api')}/echo`, headers: { 'content-type': 'application/json' } } },
    },
    pipelines: { to_http: { from: 'std::passthrough' }, to_ws: { from: 'std::passthrough' } },
    links: [
      ['ws', 'to_http'],
      ['to_http', 'backend'],
      ['backend', 'to_ws'],
      ['to_ws', 'ws'],
    ],
  });
  const a = await TestClient.open(gateway.address('ws'));
  const b = await TestClient.open(gateway.address('ws'));
  ctx.clients.push(a, b);
  for (let n = 1; n <= 3; n++) {
    a.send(JSON.stringify({ from: 'a', n }));
    if (n <= 2) b.send(JSON.stringify({ from: 'b', n }));
  }
  const received = async (client: TestClient, count: number): Promise<unknown[]> =>
    (await client.waitFor(count)).map((m) => JSON.parse(m) as { echo: { n: number } }).sort((x, y) => x.echo.n - y.echo.n);
  const reply = (from: string, n: number) => ({ echo: { from, n }, method: 'POST', path: '/echo' });
  assert.equal(await received(a, 3), [reply('a', 1), reply('a', 2), reply('a', 3)]);
  assert.equal(await received(b, 2), [reply('b', 1), reply('b', 2)]);
  await gateway.expectNone('ws', 'err', 50);
  assert.is(a.messages.length, 3);
  assert.is(b.messages.length, 2);
  assert.is(gateway.seen('backend', 'err').length, 0);
});

test('http_server → http_client → http_server: a proxy answers each request with its own upstream response, whatever their order', async (ctx) => {
  ctx.peer = await HttpPeer.start({ hold: true });
  const proxy = await start(ctx, {
    connectors: {
      front: { type: 'http_server', config: { url: 'http://127.0.0.1:0' } },
      upstream: { type: 'http_client', config: { url: ctx.peer.url, headers: { 'content-type': 'application/json' } } },
    },
    pipelines: {
      forward: { operators: [{ op: 'map', config: { event: '{"asked": event}' } }] },
      back: { operators: [{ op: 'map', config: { event: '{"status": $.http_client.response.status, "answer": event}' } }] },
    },
    links: [
      ['front', 'forward'],
      ['forward', 'upstream'],
      ['upstream', 'back'],
      ['back', 'front'],
    ],
  });
  const base = proxy.address('front');
  const first = httpRequest(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":1}' });
  const second = httpRequest(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":2}' });
  const upstream = await ctx.peer.waitRequests(2);
  // The later request is answered first: routing goes by origin, not by order.
  for (const r of [...upstream].reverse()) r.respond(200, { 'content-type': 'application/json' }, JSON.stringify({ for: JSON.parse(r.body) }));
  const bodies = [(await first).body, (await second).body].map((b) => JSON.parse(b) as unknown);
  assert.equal(bodies, [
    { status: 200, answer: { for: { asked: { q: 1 } } } },
    { status: 200, answer: { for: { asked: { q: 2 } } } },
  ]);
});

test.run();
