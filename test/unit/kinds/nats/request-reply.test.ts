import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INSTANCE_HEADER, INSTANCE_ID } from '../../../../src/kinds/nats/nats-headers.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { TestClient } from '../../../support/ws.js';
import { NatsServer } from './nats-server.js';

const test = suite<{ nats?: NatsServer; flows: TestFlow[] }>('nats request / reply', { flows: [] });
test.before(async (ctx) => {
  ctx.nats = await NatsServer.start();
});
test.after.each(async (ctx) => {
  for (const f of ctx.flows.splice(0)) await f.stop();
});
test.after(async (ctx) => {
  await ctx.nats?.stop();
});

/** A service: requests on `svc.upper` come in, the uppercased text goes back through a publisher to `meta.nats.reply`. */
const service = (url: string) =>
  startFlow({
    connectors: {
      requests: { type: 'nats_subscriber', codec: 'string', config: { servers: url, subject: 'svc.upper', queue: 'svc' } },
      answers: { type: 'nats_publisher', codec: 'string', config: { servers: url, subject: 'unused' } },
    },
    pipelines: { upper: { operators: [{ op: 'map', config: { event: 'uppercase(event)' } }] } },
    links: [
      ['requests', 'upper'],
      ['upper', 'answers'],
    ],
  });

const client = (url: string, config: Record<string, unknown> = {}) =>
  startFlow({
    connectors: { ask: { type: 'nats_publisher', codec: 'string', config: { servers: url, subject: 'svc.upper', mode: 'request', ...config } } },
  });

test('a request is answered by a subscriber through a publisher, and the reply comes out with the request’s metadata and origins', async (ctx) => {
  const svc = await service(ctx.nats!.url);
  ctx.flows.push(svc);
  await svc.waitConnected('requests');
  await svc.waitConnected('answers');
  const flow = await client(ctx.nats!.url);
  ctx.flows.push(flow);
  await flow.waitConnected('ask');
  flow.send('ask', 'in', 'hello', { ws_server: { peer: { host: '127.0.0.1', port: 5000 } } });
  flow.send('ask', 'in', 'again', { ws_server: { peer: { host: '127.0.0.1', port: 5001 } } });
  const [a, b] = await flow.collect('ask', 'out', 2, { timeout: 2000 });
  assert.equal([a!.data, b!.data].sort(), ['AGAIN', 'HELLO']);
  const first = a!.data === 'HELLO' ? a! : b!;
  assert.equal(first.meta, { ws_server: { peer: { host: '127.0.0.1', port: 5000 } }, nats: { subject: 'svc.upper', headers: { [INSTANCE_HEADER]: INSTANCE_ID } } });
  // The service saw the request's reply subject in meta.nats.reply.
  const request = svc.seen('requests', 'out')[0]!;
  assert.type((request.meta.nats as { reply?: unknown }).reply, 'string');
});

test('a request from a WebSocket connection is answered on that connection only', async (ctx) => {
  const svc = await service(ctx.nats!.url);
  ctx.flows.push(svc);
  await svc.waitConnected('requests');
  await svc.waitConnected('answers');
  const flow = await startFlow({
    connectors: {
      server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } },
      ask: { type: 'nats_publisher', codec: 'string', config: { servers: ctx.nats!.url, subject: 'svc.upper', mode: 'request' } },
    },
    links: [
      ['server', 'ask'],
      ['ask', 'server'],
    ],
  });
  ctx.flows.push(flow);
  await flow.waitConnected('ask');
  const a = await TestClient.open(flow.address('server'));
  const b = await TestClient.open(flow.address('server'));
  try {
    a.send('from a');
    b.send('from b');
    assert.equal(await a.waitFor(1), ['FROM A']);
    assert.equal(await b.waitFor(1), ['FROM B']);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(a.messages.length, 1);
    assert.is(b.messages.length, 1);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a request nobody subscribes to goes to err as ERR_ROUTE_NO_TARGET', async (ctx) => {
  const flow = await client(ctx.nats!.url, { subject: 'svc.nobody' });
  ctx.flows.push(flow);
  await flow.waitConnected('ask');
  flow.send('ask', 'in', 'anyone?');
  const err = (await flow.next('ask', 'err', { timeout: 2000 })).data as { code: string; error: string; event: unknown };
  assert.is(err.code, 'ERR_ROUTE_NO_TARGET');
  assert.is(err.error, 'ask: no subscriber of "svc.nobody" to answer the request (no responders)');
  assert.is(err.event, 'anyone?');
});

test('a request without a reply within request_timeout_ms goes to err as ERR_TIMEOUT', async (ctx) => {
  const silent = await startFlow({
    connectors: { requests: { type: 'nats_subscriber', codec: 'string', config: { servers: ctx.nats!.url, subject: 'svc.silent' } } },
  });
  ctx.flows.push(silent);
  await silent.waitConnected('requests');
  const flow = await client(ctx.nats!.url, { subject: 'svc.silent', request_timeout_ms: 100 });
  ctx.flows.push(flow);
  await flow.waitConnected('ask');
  flow.send('ask', 'in', 'hello?');
  const err = (await flow.next('ask', 'err', { timeout: 2000 })).data as { code: string; error: string };
  assert.is(err.code, 'ERR_TIMEOUT');
  assert.is(err.error, 'ask: no reply from "svc.silent" within 100 ms (request_timeout_ms)');
  assert.is((await silent.next('requests', 'out', { timeout: 1000 })).data, 'hello?');
});

test.run();
