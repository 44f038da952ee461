import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword } from '../../../../src/sdk/auth/passwords.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';
import { basicAuth, handshake, tally, type HandshakeAnswer } from '../../../support/ws-handshake.js';

/** HTTP Basic under attack: guessing names, guessing passwords, and everyone else still getting in. */
const tmp = tmpDir();
const test = suite<{ flow?: TestFlow; users: string }>('ws_server Basic auth under attack', { users: '' });
test.before(async (ctx) => {
  ctx.users = tmp.write('users', `ann:${await hashPassword('s3cret')}\nbob:${await hashPassword('hunter2')}\n`);
});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  ctx.flow = undefined;
});
test.after(() => tmp.cleanup());

const server = (users: string, throttle?: Record<string, number>) =>
  startFlow({
    connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0', auth: { basic: { users_file: users, ...(throttle ? { throttle } : {}) } } } } },
    links: [['s', 's']],
  });
const attempt = (url: string, authorization: string, localAddress = '127.0.0.1'): Promise<HandshakeAnswer> => handshake(url, { headers: { authorization }, localAddress });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

test('a name not in the users file costs the same hash check as a known name with a wrong password (median ratio within 0.5-2)', async (ctx) => {
  ctx.flow = await server(ctx.users, { burst: 1000 });
  const url = ctx.flow.address('s');
  const known: number[] = [];
  const unknown: number[] = [];
  // Interleaved, so that whatever else the machine does falls on both alike.
  for (let i = 0; i < 9; i++) {
    const k = await attempt(url, basicAuth('ann', `wrong${i}`));
    const u = await attempt(url, basicAuth(`nobody${i}`, `wrong${i}`));
    assert.equal([k.status, u.status], [401, 401]);
    known.push(k.ms);
    unknown.push(u.ms);
  }
  const ratio = median(unknown) / median(known);
  assert.ok(ratio > 0.5 && ratio < 2, `unknown ${median(unknown).toFixed(1)} ms / known ${median(known).toFixed(1)} ms = ${ratio.toFixed(2)}`);
});

test('while one address hammers wrong passwords it gets 429 with Retry-After, and a login from another address gets in', async (ctx) => {
  ctx.flow = await server(ctx.users);
  const url = ctx.flow.address('s');
  // Bounds for a machine busy with other work too: without the throttle the login took 28-32 s here.
  const flood = Promise.all(Array.from({ length: 200 }, (_, i) => handshake(url, { headers: { authorization: basicAuth('ann', `guess${i}`) }, localAddress: '127.0.0.1' }, undefined, 30_000)));
  flood.catch(() => undefined); // awaited below; meanwhile a rejection is not unhandled
  await new Promise((r) => setTimeout(r, 20));
  const legit = await TestClient.open(url, { headers: { authorization: basicAuth('bob', 'hunter2') }, localAddress: '127.0.0.2' }, 10_000);
  legit.send('hello');
  assert.equal(await legit.waitFor(1), ['hello']);
  await legit.close();
  const outcomes = await flood;
  // The default burst: ten checks, then nothing is hashed for this address.
  assert.equal(tally(outcomes), { 401: 10, 429: 190 });
  const throttled = outcomes.find((o) => o.status === 429)!;
  const wait = Number(throttled.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 6, `Retry-After ${throttled.headers['retry-after']}`);
  // The right password from the throttled address waits too: the address, not the guess, is slowed.
  const after = await attempt(url, basicAuth('ann', 's3cret'), '127.0.0.1');
  assert.is(after.status, 429);
});

test('the 429 says why and when, and a success gives its check back: logins that succeed are never throttled', async (ctx) => {
  ctx.flow = await server(ctx.users, { burst: 2, refill_ms: 60_000 });
  const url = ctx.flow.address('s');
  for (let i = 0; i < 6; i++) assert.is((await attempt(url, basicAuth('ann', 's3cret'))).status, 101);
  assert.is((await attempt(url, basicAuth('ann', 'x'))).status, 401);
  assert.is((await attempt(url, basicAuth('nobody', 'x'))).status, 401);
  const refused = await attempt(url, basicAuth('ann', 's3cret'));
  assert.is(refused.status, 429);
  assert.is(refused.headers['retry-after'], '60');
  assert.is(refused.headers['www-authenticate'], undefined);
  assert.is(refused.body, '429 Too Many Requests: too many failed logins from 127.0.0.1; retry in 60 s\n');
  assert.is((await attempt(url, basicAuth('ann', 's3cret'), '127.0.0.3')).status, 101, 'another address is not concerned');
});

test('a realm that would break the WWW-Authenticate header is refused when the flow loads', async () => {
  const err = await startFlow({
    connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0', auth: { basic: { users_file: 'users', realm: 'a"b' } } } } },
  }).catch((e: Error) => e);
  assert.match((err as Error).message, /:\d+:\d+: connectors\.s\.config\.auth\.basic\.realm: expected a realm without quotes, backslashes or control characters \(it is written in the WWW-Authenticate header\)/);
});

test.run();
