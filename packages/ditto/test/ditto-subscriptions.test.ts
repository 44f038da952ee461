import { SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { TestClient } from '../../../test/support/ws.js';

const test = suite<{ flow?: TestFlow; clients: TestClient[] }>('ditto_subscriptions on a ws_server', { clients: [] });
test.after.each(async (ctx) => {
  for (const c of ctx.clients) await c.close();
  ctx.clients = [];
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const secret = 'a shared secret of at least 32 bytes!!';
const token = (sub: string, exp: number | string = '1h') =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret));

const server = (config: Record<string, unknown> = {}, subscriptions: Record<string, unknown> = { preset: 'ditto' }) =>
  startFlow({
    use: ['ditto'],
    connectors: { s: { type: 'ws_server', codec: 'json', extensions: [{ name: 'ditto_subscriptions', config: subscriptions }], config: { url: 'ws://127.0.0.1:0', ...config } } },
    links: [['s', 's']],
  });

async function client(ctx: { flow?: TestFlow; clients: TestClient[] }, options = {}): Promise<TestClient> {
  const c = await TestClient.open(ctx.flow!.address('s'), options);
  ctx.clients.push(c);
  return c;
}

/** Sends a control message and waits for its answer, the next message. */
async function control(c: TestClient, text: string): Promise<string> {
  const before = c.messages.length;
  c.send(text);
  const all = await c.waitFor(before + 1);
  return all[before]!;
}

const publish = (flow: TestFlow, data: unknown, ws: Record<string, unknown>) => flow.send('s', 'in', data, { ws_server: ws });

test('START-SEND-EVENTS is answered with its ACK, without the parameters, and the subscriber gets events of its topic; STOP-SEND-EVENTS ends that', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  assert.is(await control(a, 'START-SEND-EVENTS?namespaces=org.example&filter=gt(attributes/counter,42)'), 'START-SEND-EVENTS:ACK');
  publish(ctx.flow, { n: 1 }, { topic: 'events', namespace: 'org.example', subject: { attributes: { counter: 43 } } });
  assert.equal(JSON.parse((await a.waitFor(2))[1]!), { n: 1 });
  assert.is(await control(a, 'STOP-SEND-EVENTS'), 'STOP-SEND-EVENTS:ACK');
  publish(ctx.flow, { n: 2 }, { topic: 'events', namespace: 'org.example', subject: { attributes: { counter: 43 } } });
  // An echo sent afterwards comes back first: the event went nowhere.
  a.send('{"echo":true}');
  assert.equal(JSON.parse((await a.waitFor(4))[3]!), { echo: true });
  assert.is(a.messages.length, 4);
});

test('namespaces: a subscriber gets the events of its namespaces only; one without namespaces gets every namespace', async (ctx) => {
  ctx.flow = await server();
  const some = await client(ctx);
  const every = await client(ctx);
  await control(some, 'START-SEND-EVENTS?namespaces=a,b');
  await control(every, 'START-SEND-EVENTS');
  for (const ns of ['c', 'a', 'b']) publish(ctx.flow, { ns }, { topic: 'events', namespace: ns });
  const got = (await some.waitFor(3)).slice(1).map((m) => JSON.parse(m).ns as string);
  assert.equal(got, ['a', 'b']);
  assert.equal((await every.waitFor(4)).slice(1).map((m) => JSON.parse(m).ns as string), ['c', 'a', 'b']);
});

test('an RQL filter lets through the events whose subject matches and no other; other topics never arrive', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  await control(a, `START-SEND-EVENTS?filter=${encodeURIComponent('and(eq(attributes/type,"car"),gt(attributes/speed,100))')}`);
  publish(ctx.flow, { i: 1 }, { topic: 'events', subject: { attributes: { type: 'car', speed: 90 } } });
  publish(ctx.flow, { i: 2 }, { topic: 'messages', subject: { attributes: { type: 'car', speed: 120 } } });
  publish(ctx.flow, { i: 3 }, { topic: 'events', subject: { attributes: { type: 'bike', speed: 120 } } });
  publish(ctx.flow, { i: 4 }, { topic: 'events', subject: { attributes: { type: 'car', speed: 120 } } });
  // Without a subject, the filter sees the event itself.
  publish(ctx.flow, { attributes: { type: 'car', speed: 101 } }, { topic: 'events' });
  const got = (await a.waitFor(3)).slice(1).map((m) => JSON.parse(m));
  assert.equal(got, [{ i: 4 }, { attributes: { type: 'car', speed: 101 } }]);
});

test('extraFields are selected from extra_source into "extra", and the filter sees them with the subject', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  await control(a, 'START-SEND-EVENTS?extraFields=attributes/location,features/*/properties/on&filter=eq(attributes/location,"kitchen")');
  const thing = { attributes: { location: 'kitchen', other: 1 }, features: { lamp: { properties: { on: true, watts: 5 } }, fan: { properties: { on: false } } } };
  publish(ctx.flow, { value: 1 }, { topic: 'events', subject: { attributes: { counter: 1 } }, extra_source: thing });
  publish(ctx.flow, { value: 2 }, { topic: 'events', subject: { attributes: { counter: 2 } }, extra_source: { attributes: { location: 'hall' } } });
  publish(ctx.flow, { value: 3 }, { topic: 'events', subject: { attributes: { counter: 3 } }, extra_source: thing });
  const got = (await a.waitFor(3)).slice(1).map((m) => JSON.parse(m));
  const extra = { attributes: { location: 'kitchen' }, features: { lamp: { properties: { on: true } }, fan: { properties: { on: false } } } };
  assert.equal(got, [
    { value: 1, extra },
    { value: 3, extra },
  ]);
});

test('an invalid filter is answered with a Ditto error instead of the ACK, and the earlier subscription stays', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  await control(a, 'START-SEND-EVENTS');
  const answer = JSON.parse(await control(a, 'START-SEND-EVENTS?filter=gt(attributes/counter'));
  assert.is(answer.topic, 'unknown/unknown/things/twin/errors');
  assert.is(answer.status, 400);
  assert.is(answer.path, '/');
  assert.is(answer.value.error, 'rql.expression.invalid');
  assert.is(answer.value.status, 400);
  assert.match(answer.value.message, /^Invalid RQL expression: .*at 21/);
  publish(ctx.flow, { still: true }, { topic: 'events' });
  assert.equal(JSON.parse((await a.waitFor(3))[2]!), { still: true });
});

test('skip_origins leaves out the connection the event came from; other subscribers get it', async (ctx) => {
  ctx.flow = await startFlow({
    use: ['ditto'],
    connectors: { s: { type: 'ws_server', codec: 'json', extensions: ['ditto_subscriptions'], config: { url: 'ws://127.0.0.1:0' } } },
    pipelines: { p: { operators: [{ op: 'set', config: { values: { '$.ws_server.topic': '"messages"', '$.ws_server.skip_origins': 'true' } } }] } },
    links: [
      ['s', 'p'],
      ['p', 's'],
    ],
  });
  const a = await client(ctx);
  const b = await client(ctx);
  await control(a, 'START-SEND-MESSAGES');
  await control(b, 'START-SEND-MESSAGES');
  a.send('{"from":"a"}');
  assert.equal(JSON.parse((await b.waitFor(2))[1]!), { from: 'a' });
  b.send('{"from":"b"}');
  assert.equal(JSON.parse((await a.waitFor(2))[1]!), { from: 'b' });
  assert.is(a.messages.length, 2);
  assert.is(b.messages.length, 2);
});

test('custom identifiers: topics, the ack suffix and no preset; Ditto’s messages are then ordinary events', async (ctx) => {
  ctx.flow = await server({}, { preset: 'none', topics: [{ topic: 'news', start: 'SUB news', stop: 'UNSUB news' }], ack_suffix: ' ok' });
  const a = await client(ctx);
  assert.is(await control(a, 'SUB news'), 'SUB news ok');
  publish(ctx.flow, 'hello', { topic: 'news' });
  assert.is((await a.waitFor(2))[1], '"hello"');
  a.send('"START-SEND-EVENTS"');
  assert.is((await ctx.flow.next('s', 'out')).data, 'START-SEND-EVENTS');
});

test('JWT-TOKEN with a valid token for the same subject keeps the session open past the first token’s expiry', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } } });
  const soon = Math.floor(Date.now() / 1000) + 2;
  const a = await client(ctx, { headers: { authorization: `Bearer ${await token('carol', soon)}` } });
  a.send(`JWT-TOKEN?jwtToken=${await token('carol')}`);
  await new Promise((r) => setTimeout(r, soon * 1000 - Date.now() + 300));
  assert.is(a.closed, undefined);
  a.send('{"alive":true}');
  assert.equal(JSON.parse((await a.waitFor(1))[0]!), { alive: true });
  // Its events carry the new token's identity.
  const auth = ((await ctx.flow.next('s', 'out')).meta.ws_server as { auth: { user: string; expires: number } }).auth;
  assert.equal([auth.user, auth.expires > soon + 3000], ['carol', true]);
});

test('a session closes with 1008 when its token expires, when JWT-TOKEN names another subject, and when the token is invalid', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } } });
  const soon = Math.floor(Date.now() / 1000) + 1;
  const expiring = await client(ctx, { headers: { authorization: `Bearer ${await token('carol', soon)}` } });
  const other = await client(ctx, { headers: { authorization: `Bearer ${await token('carol')}` } });
  const invalid = await client(ctx, { headers: { authorization: `Bearer ${await token('carol')}` } });
  other.send(`JWT-TOKEN?jwtToken=${await token('mallory')}`);
  invalid.send(`JWT-TOKEN?jwtToken=${(await token('carol')).slice(0, -4)}AAAA`);
  assert.equal(await other.waitClosed(), { code: 1008, reason: 'token refresh refused' });
  assert.equal(await invalid.waitClosed(), { code: 1008, reason: 'token refresh refused' });
  assert.equal(await expiring.waitClosed(3000), { code: 1008, reason: 'token expired' });
});

test.run();
