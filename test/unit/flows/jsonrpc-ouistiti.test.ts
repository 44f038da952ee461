import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { TestClient } from '../../support/ws.js';

// flows/jsonrpc.json5 as ouistiti's clients speak to websocket_jsonrpc + authrpc: its parameter
// names and its NUL framing (issue 25). Standard clients are covered by jsonrpc.test.ts.
const test = suite<{ flow?: TestFlow; clients: TestClient[] }>('jsonrpc: ouistiti clients', { clients: [] });
test.before(async (ctx) => {
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/jsonrpc.json5'), { args: { url: 'ws://127.0.0.1:0' } });
});
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) await c.close();
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
});

const client = async (ctx: { flow?: TestFlow; clients: TestClient[] }): Promise<TestClient> => {
  const c = await TestClient.open(ctx.flow!.address('rpc'));
  ctx.clients.push(c);
  return c;
};
const request = (method: string, params: unknown, id: unknown): string => JSON.stringify({ jsonrpc: '2.0', method, params, id });

/** Sends a message and returns the answer's text as it came. */
async function raw(c: TestClient, message: string): Promise<string> {
  const before = c.messages.length;
  c.send(message);
  await c.waitFor(before + 1, 10_000);
  return c.messages[before]!.data;
}
const call = async (c: TestClient, message: string): Promise<unknown> => JSON.parse(await raw(c, message));

test('a request ending with a NUL byte is read without it and answered with one; one without is answered without', async (ctx) => {
  const c = await client(ctx);
  assert.is(await raw(c, `${request('auth', { user: 'admin', passwd: 'admin' }, 1)}\0`), `${JSON.stringify({ jsonrpc: '2.0', id: 1, result: { user: 'admin', authenticated: true } })}\0`);
  assert.is(await raw(c, request('auth', { user: 'admin', passwd: 'admin' }, 2)), JSON.stringify({ jsonrpc: '2.0', id: 2, result: { user: 'admin', authenticated: true } }));
  // Standard codes whatever the framing: a parse error is still -32700.
  assert.is(await raw(c, '{"jsonrpc":\0'), `${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })}\0`);
  // Only a last NUL is framing: one inside the text is not JSON.
  assert.is(await raw(c, `${request('users', {}, 3)}\0\0`), `${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })}\0`);
});

test("ouistiti's parameter names work: auth and rmuser with passwd, passwd with old/new/confirm, adduser with home and group", async (ctx) => {
  const c = await client(ctx);
  const wrong = { code: -32002, message: 'wrong password', data: { user: 'admin' } };
  assert.equal(await call(c, request('auth', { user: 'admin', passwd: 'nope' }, 1)), { jsonrpc: '2.0', id: 1, error: wrong });
  assert.equal(await call(c, request('auth', { user: 'admin', passwd: 'admin' }, 2)), { jsonrpc: '2.0', id: 2, result: { user: 'admin', authenticated: true } });
  assert.equal(await call(c, request('adduser', { user: 'foo', group: 'users', passwd: 'foopass', home: '/home/foo' }, 3)), { jsonrpc: '2.0', id: 3, result: { user: 'foo' } });
  assert.equal(await call(c, request('passwd', { user: 'foo', old: 'foopass', new: 'longer-pass', confirm: 'longer-pass' }, 4)), { jsonrpc: '2.0', id: 4, result: true });
  assert.equal(await call(c, request('passwd', { user: 'foo', old: 'longer-pass', new: 'another-pass', confirm: 'typo-pass' }, 5)), {
    jsonrpc: '2.0',
    id: 5,
    error: { code: -32602, message: 'Invalid params', data: ['confirm: expected the same as the new password'] },
  });
  // Another connection, never logged in: the password is the proof, as in ouistiti's rmuser.
  const other = await client(ctx);
  assert.equal(await call(other, request('rmuser', { user: 'foo', passwd: 'foopass' }, 6)), { jsonrpc: '2.0', id: 6, error: { code: -32002, message: 'wrong password', data: { user: 'foo' } } });
  assert.equal(await call(other, request('rmuser', { user: 'foo', passwd: 'longer-pass' }, 7)), { jsonrpc: '2.0', id: 7, result: true });
  assert.equal(await call(other, request('users', {}, 8)), { jsonrpc: '2.0', id: 8, result: ['admin'] });
});

test('a name given both ways is refused with -32602, naming the key', async (ctx) => {
  const c = await client(ctx);
  assert.equal(await call(c, request('auth', { user: 'admin', password: 'admin', passwd: 'admin' }, 1)), {
    jsonrpc: '2.0',
    id: 1,
    error: { code: -32602, message: 'Invalid params', data: ['params: Unrecognized key: "passwd"'] },
  });
});

test.run();
