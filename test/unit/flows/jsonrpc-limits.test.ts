import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { TestClient } from '../../support/ws.js';

const test = suite<{ flow?: TestFlow; clients: TestClient[] }>('jsonrpc: limits and logins', { clients: [] });
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) await c.close();
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const FLOW = path.join(repoRoot, 'flows/jsonrpc.json5');

async function client(ctx: { flow?: TestFlow; clients: TestClient[] }): Promise<TestClient> {
  const c = await TestClient.open(ctx.flow!.address('rpc'));
  ctx.clients.push(c);
  return c;
}

const request = (method: string, params: unknown, id: unknown): string => JSON.stringify({ jsonrpc: '2.0', method, params, id });

/** Sends a message and returns its parsed answer. */
async function call(c: TestClient, message: string): Promise<unknown> {
  const before = c.messages.length;
  c.send(message);
  await c.waitFor(before + 1, 10_000);
  return JSON.parse(c.messages[before]!.data);
}

test('adduser and rmuser need a connection logged in; nobody can remove admin, and only admin removes others', async (ctx) => {
  ctx.flow = await startFlow(FLOW, { args: { url: 'ws://127.0.0.1:0' } });
  const anonymous = await client(ctx);
  const notLoggedIn = { code: -32004, message: 'not logged in: call auth first' };
  assert.equal(await call(anonymous, request('rmuser', { user: 'admin' }, 1)), { jsonrpc: '2.0', id: 1, error: notLoggedIn });
  assert.equal(await call(anonymous, request('adduser', { user: 'eve', password: 'x' }, 2)), { jsonrpc: '2.0', id: 2, error: notLoggedIn });
  assert.equal(await call(anonymous, request('auth', { user: 'admin', password: 'wrong' }, 3)), { jsonrpc: '2.0', id: 3, error: { code: -32002, message: 'wrong password', data: { user: 'admin' } } });
  assert.equal(await call(anonymous, request('rmuser', { user: 'admin' }, 4)), { jsonrpc: '2.0', id: 4, error: notLoggedIn });

  const admin = await client(ctx);
  assert.equal(await call(admin, request('auth', { user: 'admin', password: 'admin' }, 1)), { jsonrpc: '2.0', id: 1, result: { user: 'admin', authenticated: true } });
  assert.equal(await call(admin, request('adduser', { user: 'carol', password: 'c4rol' }, 2)), { jsonrpc: '2.0', id: 2, result: { user: 'carol' } });
  assert.equal(await call(admin, request('adduser', { user: 'dave', password: 'd4ve' }, 3)), { jsonrpc: '2.0', id: 3, result: { user: 'dave' } });
  assert.equal(await call(admin, request('rmuser', { user: 'admin' }, 4)), { jsonrpc: '2.0', id: 4, error: { code: -32005, message: 'admin cannot be removed', data: { user: 'admin' } } });
  // The login belongs to the connection that made it.
  assert.equal(await call(anonymous, request('rmuser', { user: 'carol' }, 5)), { jsonrpc: '2.0', id: 5, error: notLoggedIn });

  const carol = await client(ctx);
  assert.equal(await call(carol, request('auth', { user: 'carol', password: 'c4rol' }, 1)), { jsonrpc: '2.0', id: 1, result: { user: 'carol', authenticated: true } });
  assert.equal(await call(carol, request('rmuser', { user: 'dave' }, 2)), { jsonrpc: '2.0', id: 2, error: { code: -32005, message: 'only admin removes other users', data: { user: 'dave' } } });
  assert.equal(await call(carol, request('rmuser', { user: 'carol' }, 3)), { jsonrpc: '2.0', id: 3, result: true });
  // Removed, so no longer logged in.
  assert.equal(await call(carol, request('adduser', { user: 'mallory', password: 'm' }, 4)), { jsonrpc: '2.0', id: 4, error: notLoggedIn });
  assert.equal(await call(admin, request('rmuser', { user: 'dave' }, 5)), { jsonrpc: '2.0', id: 5, result: true });
  assert.equal(await call(admin, request('users', undefined, 6)), { jsonrpc: '2.0', id: 6, result: ['admin'] });
});

test('a batch over max_batch is answered -32600 and none of its calls run; one at the limit runs', async (ctx) => {
  ctx.flow = await startFlow(FLOW, { args: { url: 'ws://127.0.0.1:0', max_batch: 3 } });
  const c = await client(ctx);
  const batch = (n: number): string => `[${Array.from({ length: n }, (_, i) => request('users', undefined, i)).join(',')}]`;
  assert.equal(await call(c, batch(4)), { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { batch: 4, max_batch: 3 } } });
  assert.equal(await call(c, batch(3)), [0, 1, 2].map((id) => ({ jsonrpc: '2.0', id, result: ['admin'] })));
});

test('the default max_batch is 50: a batch of 100 auth calls is refused at once', async (ctx) => {
  ctx.flow = await startFlow(FLOW, { args: { url: 'ws://127.0.0.1:0' } });
  const c = await client(ctx);
  const hundred = `[${Array.from({ length: 100 }, (_, i) => request('auth', { user: 'admin', password: 'admin' }, i)).join(',')}]`;
  assert.equal(await call(c, hundred), { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { batch: 100, max_batch: 50 } } });
});

test('while one connection has a batch of logins hashed, another is answered, its own login included', async (ctx) => {
  ctx.flow = await startFlow(FLOW, { args: { url: 'ws://127.0.0.1:0' } });
  const busy = await client(ctx);
  const other = await client(ctx);
  const order: string[] = [];
  busy.ws.on('message', () => order.push('batch'));
  other.ws.on('message', (data: Buffer) => order.push(`other ${(JSON.parse(data.toString()) as { id: number }).id}`));
  busy.send(`[${Array.from({ length: 40 }, (_, i) => request('auth', { user: 'admin', password: 'admin' }, i)).join(',')}]`);
  other.send(request('users', undefined, 1));
  other.send(request('auth', { user: 'admin', password: 'admin' }, 2));
  await busy.waitFor(1, 60_000);
  await other.waitFor(2, 60_000);
  assert.equal(order, ['other 1', 'other 2', 'batch']);
  const answers = JSON.parse(busy.messages[0]!.data) as unknown[];
  assert.is(answers.length, 40);
  assert.equal(answers[39], { jsonrpc: '2.0', id: 39, result: { user: 'admin', authenticated: true } });
});

test.run();
