import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import type { TestFlow } from '../../../src/app/testing/index.js';
import { tmpDir } from '../../../test/support/tmp.js';
import { basic, DittoSession, startDitto } from './ditto-session.js';

const tmp = tmpDir();
const test = suite<{ flow?: TestFlow; sessions: DittoSession[] }>('ditto: the protocol by hand', { sessions: [] });
test.before(async (ctx) => {
  ctx.flow = await startDitto();
});
test.after.each(async (ctx) => {
  for (const s of ctx.sessions) await s.close();
  ctx.sessions = [];
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
  tmp.cleanup();
});

async function session(ctx: { flow?: TestFlow; sessions: DittoSession[] }): Promise<DittoSession> {
  const s = await DittoSession.open(ctx.flow!);
  ctx.sessions.push(s);
  return s;
}

const cmd = (thing: string, action: string): string => `${thing.replace(':', '/')}/things/twin/commands/${action}`;

test('twin commands get Ditto’s statuses and errors, each response with the request’s correlation-id', async (ctx) => {
  const a = await session(ctx);
  const t = 'org.a:statuses';
  const created = await a.ask(cmd(t, 'create'), '/', { attributes: { counter: 1 } }, { 'correlation-id': 'create-1' });
  assert.equal([created.status, created.topic, created.path, created.headers['correlation-id']], [201, 'org.a/statuses/things/twin/commands/create', '/', 'create-1']);
  assert.equal(created.value, { thingId: t, policyId: t, attributes: { counter: 1 } });
  const again = await a.ask(cmd(t, 'create'), '/', {}, { 'correlation-id': 'create-2' });
  assert.equal([again.status, again.topic, again.value.error, again.headers['correlation-id']], [409, 'org.a/statuses/things/twin/errors', 'things:thing.conflict', 'create-2']);
  assert.is((await a.ask(cmd(t, 'modify'), '/attributes/location', 'kitchen')).status, 201);
  assert.is((await a.ask(cmd(t, 'modify'), '/attributes/counter', 2)).status, 204);
  assert.is((await a.ask(cmd(t, 'merge'), '/attributes', { counter: 3, extra: { a: 1 } }, { 'content-type': 'application/merge-patch+json' })).status, 204);
  const got = await a.ask(cmd(t, 'retrieve'), '/attributes');
  assert.equal([got.status, got.value], [200, { counter: 3, location: 'kitchen', extra: { a: 1 } }]);
  const missing = await a.ask(cmd(t, 'retrieve'), '/attributes/nope');
  assert.equal([missing.status, missing.path, missing.value.status, missing.value.error], [404, '/', 404, 'things:attribute.notfound']);
  const noFeature = await a.ask(cmd(t, 'modify'), '/features/lamp/properties/on', true);
  assert.equal([noFeature.status, noFeature.value.error], [404, 'things:feature.notfound']);
  assert.is((await a.ask(cmd(t, 'modify'), '/features/lamp', { properties: { on: false } })).status, 201);
  assert.is((await a.ask(cmd(t, 'modify'), '/features/lamp/properties/on', true)).status, 204);
  // Revisions: create 1, then 5 changes.
  const stale = await a.ask(cmd(t, 'modify'), '/attributes/counter', 9, { 'If-Match': '"rev:1"' });
  assert.equal([stale.status, stale.value.error], [412, 'things:precondition.failed']);
  assert.is((await a.ask(cmd(t, 'modify'), '/attributes/counter', 9, { 'If-Match': '"rev:6"' })).status, 204);
  assert.is((await a.ask(cmd(t, 'delete'), '/attributes/location')).status, 204);
  assert.equal((await a.ask(cmd(t, 'retrieve'), '/')).value, { thingId: t, policyId: t, attributes: { counter: 9, extra: { a: 1 } }, features: { lamp: { properties: { on: true } } } });
  assert.is((await a.ask(cmd(t, 'delete'), '/')).status, 204);
  const gone = await a.ask(cmd(t, 'retrieve'), '/attributes');
  assert.equal([gone.status, gone.value.error], [404, 'things:thing.notfound']);
  const noThing = await a.ask(cmd('org.a:never', 'modify'), '/attributes/x', 1);
  assert.equal([noThing.status, noThing.value.error], [404, 'things:thing.notfound']);
});

test('a command without a correlation-id gets one generated, the same in its response', async (ctx) => {
  const a = await session(ctx);
  a.send({ topic: cmd('org.a:gen', 'retrieve'), headers: {}, path: '/' });
  const answer = await a.next();
  assert.is(answer.status, 404);
  assert.match(answer.headers['correlation-id'], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('a frame that is not JSON gets json.format.invalid, an unknown topic an error response; the session goes on', async (ctx) => {
  const a = await session(ctx);
  a.send('{"topic": nope');
  const bad = await a.next();
  assert.equal([bad.topic, bad.path, bad.status, bad.value.status, bad.value.error], ['unknown/unknown/things/twin/errors', '/', 400, 400, 'json.format.invalid']);
  const unknown = await a.ask('org.a/x/things/twin/nonsense/do', '/', undefined, { 'correlation-id': 'u1' });
  assert.equal([unknown.topic, unknown.status, unknown.value.error, unknown.headers['correlation-id']], ['org.a/x/things/twin/errors', 400, 'things.protocol.adapter:unknown.topicpath', 'u1']);
  a.send({ topic: cmd('org.a:x', 'retrieve'), headers: { 'correlation-id': 'np' } });
  const missing = await a.next();
  assert.equal([missing.status, missing.value.error, missing.headers['correlation-id']], [400, 'json.field.missing', 'np']);
});

test('events reach a subscriber for its namespaces and RQL filter only, never the session that made the change', async (ctx) => {
  const a = await session(ctx);
  const b = await session(ctx);
  assert.is(await a.control('START-SEND-EVENTS'), 'START-SEND-EVENTS:ACK');
  assert.is(await b.control(`START-SEND-EVENTS?namespaces=org.a&filter=${encodeURIComponent('gt(attributes/counter,42)')}`), 'START-SEND-EVENTS:ACK');
  await a.ask(cmd('org.b:f', 'create'), '/', { attributes: { counter: 50 } });
  await a.ask(cmd('org.a:f', 'create'), '/', { attributes: { counter: 10 } });
  await a.ask(cmd('org.a:f', 'modify'), '/attributes/counter', 43, { 'correlation-id': 'm43' });
  const event = await b.next();
  assert.equal([event.topic, event.path, event.value, event.revision, event.headers['correlation-id']], ['org.a/f/things/twin/events/modified', '/attributes/counter', 43, 2, 'm43']);
  assert.match(event.timestamp, /^\d{4}-\d\d-\d\dT/);
  assert.is(b.unread, 0);
  assert.is(a.unread, 0);
});

test('extraFields: the subscriber’s fields of the thing come with each event as extra, and its filter sees them', async (ctx) => {
  const a = await session(ctx);
  const b = await session(ctx);
  await a.ask(cmd('org.x:kitchen', 'create'), '/', { attributes: { location: 'kitchen', counter: 0 } });
  await a.ask(cmd('org.x:hall', 'create'), '/', { attributes: { location: 'hall', counter: 0 } });
  assert.is(await b.control(`START-SEND-EVENTS?extraFields=attributes/location&filter=${encodeURIComponent('eq(attributes/location,"kitchen")')}`), 'START-SEND-EVENTS:ACK');
  await a.ask(cmd('org.x:hall', 'modify'), '/attributes/counter', 1);
  await a.ask(cmd('org.x:kitchen', 'modify'), '/attributes/counter', 2);
  const event = await b.next();
  assert.equal([event.topic, event.value, event.extra], ['org.x/kitchen/things/twin/events/modified', 2, { attributes: { location: 'kitchen' } }]);
  await a.ask(cmd('org.x:kitchen', 'delete'), '/');
  const deleted = await b.next();
  assert.equal([deleted.topic, deleted.path, deleted.extra], ['org.x/kitchen/things/twin/events/deleted', '/', { attributes: { location: 'kitchen' } }]);
});

test('an invalid filter is answered with an error instead of the ACK; STOP-SEND-EVENTS stops the events', async (ctx) => {
  const a = await session(ctx);
  const b = await session(ctx);
  const error = JSON.parse(await b.control('START-SEND-EVENTS?filter=eq(attributes/x'));
  assert.equal([error.status, error.value.error], [400, 'rql.expression.invalid']);
  assert.is(await b.control('START-SEND-EVENTS?namespaces=org.stop'), 'START-SEND-EVENTS:ACK');
  await a.ask(cmd('org.stop:t', 'create'), '/', {});
  assert.is((await b.next()).topic, 'org.stop/t/things/twin/events/created');
  assert.is(await b.control('STOP-SEND-EVENTS'), 'STOP-SEND-EVENTS:ACK');
  await a.ask(cmd('org.stop:t', 'modify'), '/attributes/a', 1);
  // b's own request is answered next: the event of a's change never came.
  const own = await b.ask(cmd('org.stop:t', 'retrieve'), '/attributes/a');
  assert.equal([own.status, own.value], [200, 1]);
});

test('live messages go to the sessions subscribed with START-SEND-MESSAGES, with their extra fields; the answer goes back to the sender alone', async (ctx) => {
  const a = await session(ctx);
  const b = await session(ctx);
  const c = await session(ctx);
  await a.ask(cmd('org.m:lamp', 'create'), '/', { attributes: { room: 'hall', watts: 5 } });
  assert.is(await b.control('START-SEND-MESSAGES?extraFields=attributes/room'), 'START-SEND-MESSAGES:ACK');
  const message = { topic: 'org.m/lamp/things/live/messages/switch', headers: { 'correlation-id': 'msg-1', 'content-type': 'text/plain' }, path: '/inbox/messages/switch', value: 'on' };
  a.send(message);
  const got = await b.next();
  assert.equal([got.topic, got.path, got.value, got.headers['correlation-id'], got.extra], [message.topic, message.path, 'on', 'msg-1', { attributes: { room: 'hall' } }]);
  b.send({ ...message, headers: { 'correlation-id': 'msg-1', 'content-type': 'text/plain' }, value: 'done', status: 200 });
  const answer = await a.next();
  assert.equal([answer.topic, answer.status, answer.value], [message.topic, 200, 'done']);
  assert.is(c.unread, 0);
  assert.is(b.unread, 0);
});

test('a response goes to the session that sent the request only', async (ctx) => {
  const a = await session(ctx);
  const b = await session(ctx);
  await b.ask(cmd('org.r:only', 'create'), '/', {});
  const first = await a.ask(cmd('org.r:only', 'retrieve'), '/thingId');
  assert.equal([first.status, first.value], [200, 'org.r:only']);
  assert.is(b.unread, 0);
  assert.is(a.unread, 0);
});

test('response-required: false (as JSON or as text) gets no response, the change is made all the same', async (ctx) => {
  const a = await session(ctx);
  await a.ask(cmd('org.q:quiet', 'create'), '/', {});
  a.send({ topic: cmd('org.q:quiet', 'modify'), headers: { 'response-required': false }, path: '/attributes/a', value: 1 });
  a.send({ topic: cmd('org.q:quiet', 'modify'), headers: { 'response-required': 'false' }, path: '/attributes/b', value: 2 });
  const next = await a.ask(cmd('org.q:quiet', 'retrieve'), '/attributes');
  assert.equal([next.status, next.value], [200, { a: 1, b: 2 }]);
});

test('the handshake: /ws/2 only, Basic ditto / ditto, and a JWT from the JWKS file; JWT-TOKEN for another subject closes the session', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = tmp.write('jwks.json', JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'k1' }] }));
  const flow = await startDitto({ jwks_file: jwks });
  const sign = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject(sub).setExpirationTime('1h').sign(privateKey);
  const status = (url: string, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('error', reject);
    });
  try {
    const base = flow.address('ws');
    assert.is(await status(`${base}/ws/2`, { authorization: basic('ditto', 'ditto') }), 101);
    assert.is(await status(`${base}/ws/2`, { authorization: basic('ditto', 'wrong') }), 401);
    assert.is(await status(`${base}/ws/1`, { authorization: basic('ditto', 'ditto') }), 404);
    assert.is(await status(`${base}/ws/2`, { authorization: `Bearer ${await sign('alice')}` }), 101);
    const s = await DittoSession.open(flow, { authorization: `Bearer ${await sign('alice')}` });
    s.send(`JWT-TOKEN?jwtToken=${await sign('alice')}`);
    assert.is((await s.ask(cmd('org.j:t', 'retrieve'), '/')).status, 404);
    s.send(`JWT-TOKEN?jwtToken=${await sign('bob')}`);
    assert.equal(await s.client.waitClosed(), { code: 1008, reason: 'token refresh refused' });
  } finally {
    await flow.stop();
  }
});

test.run();
