import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword } from '../../../src/sdk/auth/passwords.js';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { pkg, WireClient } from '../../../test/support/thingsdb-wire.js';
import { tmpDir } from '../../../test/support/tmp.js';

const test = suite<{ flow?: TestFlow; clients: WireClient[] }>('thingsdb endpoint: packages before authentication', { clients: [] });
const tmp = tmpDir();
test.after(() => tmp.cleanup());
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) await c.close();
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const FLOW = path.join(repoRoot, 'flows/thingsdb-endpoint.json5');
// A password so long that its AUTH is over the default limit: were the package decoded, the login would succeed.
const LONG = 'p'.repeat(5000);

async function endpoint(ctx: { flow?: TestFlow }, args: Record<string, unknown>): Promise<string> {
  ctx.flow = await startFlow(FLOW, { args: { port: 0, ...args } });
  return ctx.flow.address('ws');
}

async function client(ctx: { clients: WireClient[] }, url: string): Promise<WireClient> {
  const c = await WireClient.open(url);
  ctx.clients.push(c);
  return c;
}

test('an AUTH over max_size_before_auth is not read: it gets -53 and the connection closes, while others are answered', async (ctx) => {
  const url = await endpoint(ctx, { users: { admin: LONG } });
  const other = await client(ctx, url);
  const c = await client(ctx, url);
  const auth = pkg(1, 33, ['admin', LONG]);
  const why = `a package of ${auth.length - 8} bytes before authentication (max_size_before_auth is 4096)`;
  c.send(auth);
  c.send(pkg(2, 32));
  assert.equal(await c.next(), { id: 1, type: 19, value: { error_code: -53, error_msg: `invalid authentication request: ${why}` } });
  assert.equal(await c.waitClosed(), { code: 1000, reason: why });
  assert.ok(c.inbox.drained, 'nothing was answered after it');
  assert.equal(await other.ask(3, 32), { id: 3, type: 16, value: undefined });
});

test('a 16 MiB AUTH from an anonymous peer is refused the same way without being decoded', async (ctx) => {
  const url = await endpoint(ctx, {});
  const c = await client(ctx, url);
  const huge = pkg(1, 33, ['admin', 'x'.repeat(16 * 1024 * 1024 - 64)]);
  c.send(huge);
  const answer = await c.next(10_000);
  assert.equal([answer.type, (answer.value as { error_code: number }).error_code], [19, -53]);
  assert.match((await c.waitClosed(10_000)).reason, /^a package of 16777164 bytes before authentication \(max_size_before_auth is 4096\)$/);
});

test('the limit is configurable: with max_size_before_auth 8192 the same AUTH logs in', async (ctx) => {
  const url = await endpoint(ctx, { users: { admin: LONG }, max_size_before_auth: 8192 });
  const c = await client(ctx, url);
  assert.equal(await c.ask(1, 33, ['admin', LONG]), { id: 1, type: 17, value: undefined });
});

test('any other request over the limit before AUTH gets -56 as from ThingsDB, a PING nothing, and the connection closes', async (ctx) => {
  const url = await endpoint(ctx, {});
  const query = await client(ctx, url);
  query.send(pkg(1, 34, ['//stuff', `"${'x'.repeat(5000)}";`]));
  assert.equal(await query.next(), { id: 1, type: 19, value: { error_code: -56, error_msg: 'connection is not authenticated' } });
  assert.match((await query.waitClosed()).reason, /^a package of 50\d\d bytes before authentication/);
  const ping = await client(ctx, url);
  ping.send(pkg(1, 32, 'x'.repeat(5000)));
  assert.match((await ping.waitClosed()).reason, /^a package of 50\d\d bytes before authentication/);
  assert.is(ping.inbox.all.length, 0);
});

test('after AUTH, packages larger than the limit are read as usual', async (ctx) => {
  const url = await endpoint(ctx, {});
  const c = await client(ctx, url);
  assert.equal(await c.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });
  const text = 'y'.repeat(10_000);
  assert.equal(await c.ask(2, 34, ['//stuff', `"${text}";`]), { id: 2, type: 18, value: text });
});

test('while an AUTH is checked, at most 64 packages wait; the 65th closes the connection', async (ctx) => {
  const file = tmp.write('users', `ann:${await hashPassword('s3cret')}\n`);
  const url = await endpoint(ctx, { users_file: file });
  const patient = await client(ctx, url);
  patient.send(pkg(0, 33, ['ann', 's3cret']));
  for (let id = 1; id <= 64; id++) patient.send(pkg(id, 32));
  assert.equal(await patient.next(5000), { id: 0, type: 17, value: undefined });
  for (let id = 1; id <= 64; id++) assert.equal(await patient.next(), { id, type: 16, value: undefined });
  const flood = await client(ctx, url);
  flood.send(pkg(0, 33, ['ann', 's3cret']));
  for (let id = 1; id <= 65; id++) flood.send(pkg(id, 32));
  assert.equal(await flood.waitClosed(5000), { code: 1000, reason: 'more than 64 packages sent while the AUTH is checked' });
});

test.run();
