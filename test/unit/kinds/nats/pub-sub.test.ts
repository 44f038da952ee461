import { connect, headers } from 'nats';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { INSTANCE_HEADER, INSTANCE_ID } from '../../../../src/kinds/nats/nats-headers.js';
import { createEvent, Transaction } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { until } from '../../../support/sockets.js';
import { NatsServer } from './nats-server.js';

const test = suite<{ nats?: NatsServer; flows: TestFlow[] }>('nats publish / subscribe', { flows: [] });
test.before(async (ctx) => {
  ctx.nats = await NatsServer.start();
});
test.after.each(async (ctx) => {
  for (const f of ctx.flows.splice(0)) await f.stop();
});
test.after(async (ctx) => {
  await ctx.nats?.stop();
});

const fast = { reconnect_time_wait_ms: 50 };

test('a published event reaches a subscriber with its subject filled from the event and its headers in meta.nats', async (ctx) => {
  const flow = await startFlow({
    connectors: {
      sub: { type: 'nats_subscriber', codec: 'json', config: { servers: ctx.nats!.url, subject: 'orders.>', ...fast } },
      pub: {
        type: 'nats_publisher',
        codec: 'json',
        config: { servers: [ctx.nats!.url], subject: 'orders.$${event.region}.$${$.shop.id}', headers: { 'X-Source': 'test' }, ...fast },
      },
    },
  });
  ctx.flows.push(flow);
  await flow.waitConnected('sub');
  await flow.waitConnected('pub');
  flow.send('pub', 'in', { region: 'eu', total: 5 }, { shop: { id: 7 }, nats: { headers: { 'X-Trace': ['a', 'b'] } } });
  const event = await flow.next('sub', 'out', { timeout: 2000 });
  assert.equal(event.data, { region: 'eu', total: 5 });
  assert.equal(event.meta, {
    nats: { subject: 'orders.eu.7', headers: { 'X-Source': 'test', 'X-Trace': ['a', 'b'], [INSTANCE_HEADER]: INSTANCE_ID } },
  });
});

test('an event whose subject hole is missing goes to err saying what was received', async (ctx) => {
  const flow = await startFlow({
    connectors: { pub: { type: 'nats_publisher', codec: 'json', config: { servers: ctx.nats!.url, subject: 'orders.$${event.region}' } } },
  });
  ctx.flows.push(flow);
  await flow.waitConnected('pub');
  flow.send('pub', 'in', { total: 5 });
  const err = await flow.next('pub', 'err', { timeout: 2000 });
  const data = err.data as { code: string; error: string };
  assert.is(data.code, 'ERR_EXPR_EVAL');
  assert.is(data.error, 'pub: subject "orders.${event.region}": ${event.region} is null; expected a string or a number');
});

test('a subject template that does not compile is a load-time error at the field', async (ctx) => {
  const err = await startFlow({
    connectors: { pub: { type: 'nats_publisher', codec: 'json', config: { servers: ctx.nats!.url, subject: 'orders.$${event.}' } } },
  }).then(
    () => undefined,
    (e: { code?: string; message: string }) => e,
  );
  assert.ok(err !== undefined, 'the flow must not start');
  assert.is(err!.code, 'ERR_CONFIG_INVALID');
  assert.match(err!.message, 'connectors.pub.config.subject: in "${event.}" at 7: unexpected end of expression at 6, expected a field name after "."');
});

test('a queue group spreads messages over its subscribers, each message to exactly one', async (ctx) => {
  const member = () =>
    startFlow({
      connectors: { sub: { type: 'nats_subscriber', codec: 'json', config: { servers: ctx.nats!.url, subject: 'work', queue: 'workers', ...fast } } },
    });
  const a = await member();
  const b = await member();
  ctx.flows.push(a, b);
  await a.waitConnected('sub');
  await b.waitConnected('sub');
  const nc = await connect({ servers: ctx.nats!.url });
  try {
    await nc.flush();
    for (let i = 0; i < 200; i++) nc.publish('work', JSON.stringify({ i }));
    await nc.flush();
    await until(() => a.seen('sub', 'out').length + b.seen('sub', 'out').length === 200, () => `200 messages, got ${a.seen('sub', 'out').length} + ${b.seen('sub', 'out').length}`, 3000);
  } finally {
    await nc.close();
  }
  const got = [...a.seen('sub', 'out'), ...b.seen('sub', 'out')].map((e) => (e.data as { i: number }).i).sort((x, y) => x - y);
  assert.equal(got, Array.from({ length: 200 }, (_, i) => i));
  assert.ok(a.seen('sub', 'out').length > 0 && b.seen('sub', 'out').length > 0, `both members work: ${a.seen('sub', 'out').length} and ${b.seen('sub', 'out').length}`);
});

test('skip_own drops what this process published and keeps what others did', async (ctx) => {
  const flow = await startFlow({
    connectors: {
      sub: { type: 'nats_subscriber', codec: 'string', config: { servers: ctx.nats!.url, subject: 'room', skip_own: true } },
      pub: { type: 'nats_publisher', codec: 'string', config: { servers: ctx.nats!.url, subject: 'room' } },
    },
  });
  ctx.flows.push(flow);
  await flow.waitConnected('sub');
  await flow.waitConnected('pub');
  flow.send('pub', 'in', 'mine');
  const nc = await connect({ servers: ctx.nats!.url });
  try {
    await new Promise((r) => setTimeout(r, 100));
    const h = headers();
    h.set(INSTANCE_HEADER, 'elsewhere/1/abcd');
    nc.publish('room', 'theirs', { headers: h });
    await nc.flush();
    const event = await flow.next('sub', 'out', { timeout: 2000 });
    assert.is(event.data, 'theirs');
    await flow.expectNone('sub', 'out', 100);
    assert.is(flow.flow.connector('sub').status().skipped_own, 1);
  } finally {
    await nc.close();
  }
});

test('a transactional event is acked once the server has confirmed it, not when it is handed to the client', async (ctx) => {
  const flow = await startFlow({
    connectors: {
      sub: { type: 'nats_subscriber', codec: 'json', config: { servers: ctx.nats!.url, subject: 'acked' } },
      pub: { type: 'nats_publisher', codec: 'json', config: { servers: ctx.nats!.url, subject: 'acked' } },
    },
  });
  ctx.flows.push(flow);
  await flow.waitConnected('sub');
  await flow.waitConnected('pub');
  const outcomes: string[] = [];
  for (let n = 0; n < 5; n++) {
    const tx = new Transaction({ ack: () => outcomes.push(`ack ${n}`), fail: (why) => outcomes.push(`fail ${n}: ${why}`) });
    flow.flow.port('pub', 'in', 'in').next({ ...createEvent({ n }, {}, []), settle: tx });
    tx.ack(); // the dispatch is over
  }
  assert.equal(outcomes, [], 'nothing is acked before the round trip to the server');
  await until(() => outcomes.length === 5, () => `5 outcomes, got ${JSON.stringify(outcomes)}`, 2000);
  assert.equal(outcomes, ['ack 0', 'ack 1', 'ack 2', 'ack 3', 'ack 4']);
  assert.equal((await flow.collect('sub', 'out', 5, { timeout: 2000 })).map((e) => e.data), [0, 1, 2, 3, 4].map((n) => ({ n })));
});

test('with no servers both connectors are off: events are dropped and nothing is received', async () => {
  const flow = await startFlow({
    connectors: {
      sub: { type: 'nats_subscriber', codec: 'string', config: { servers: '', subject: 'room' } },
      pub: { type: 'nats_publisher', codec: 'string', config: { servers: [], subject: 'room' } },
    },
  });
  try {
    flow.send('pub', 'in', 'into the void');
    await flow.expectNone('pub', 'err', 50);
    await flow.expectNone('sub', 'out', 50);
    assert.is(flow.flow.connector('pub').counters.in, 1);
  } finally {
    await flow.stop();
  }
});

test.run();
