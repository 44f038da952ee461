import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { TestClient } from '../../support/ws.js';

const test = suite<{ flow?: TestFlow; client?: TestClient }>('jsonrpc', {});
test.before(async (ctx) => {
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/jsonrpc.json5'), { args: { url: 'ws://127.0.0.1:0' } });
  ctx.client = await TestClient.open(ctx.flow.address('rpc'));
  // adduser and rmuser need a connection logged in (jsonrpc-limits.test.ts tests that).
  ctx.client.send('{"jsonrpc":"2.0","method":"auth","params":{"user":"admin","password":"admin"},"id":0}');
  await ctx.client.waitFor(1, 5000);
});
test.after(async (ctx) => {
  await ctx.client?.close();
  await ctx.flow?.stop();
});

/** Sends a message and returns the parsed answer (or undefined when none comes within 5 s). */
async function call(ctx: { client?: TestClient }, message: string): Promise<unknown> {
  const c = ctx.client!;
  const before = c.messages.length;
  c.send(message);
  try {
    await c.waitFor(before + 1, 5000);
  } catch {
    return undefined;
  }
  return JSON.parse(c.messages[before]!.data);
}

const conformance: [string, string, unknown][] = [
  ['a valid call gets its result', '{"jsonrpc":"2.0","method":"auth","params":{"user":"admin","password":"admin"},"id":1}', { jsonrpc: '2.0', id: 1, result: { user: 'admin', authenticated: true } }],
  ['a method error keeps its own code', '{"jsonrpc":"2.0","method":"auth","params":{"user":"admin","password":"nope"},"id":"a"}', { jsonrpc: '2.0', id: 'a', error: { code: -32002, message: 'wrong password', data: { user: 'admin' } } }],
  ['a parse error is -32700 with a null id', '{"jsonrpc":"2.0","method":', { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }],
  ['an empty batch is -32600', '[]', { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } }],
  ['an invalid request is -32600', '{"jsonrpc":"1.0","method":"auth","id":2}', { jsonrpc: '2.0', id: 2, error: { code: -32600, message: 'Invalid Request' } }],
  ['an unknown method is -32601', '{"jsonrpc":"2.0","method":"launch","id":3}', { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'Method not found', data: { method: 'launch' } } }],
  ['invalid params are -32602 with the reasons', '{"jsonrpc":"2.0","method":"adduser","params":{"user":""},"id":4}', { jsonrpc: '2.0', id: 4, error: { code: -32602, message: 'Invalid params', data: ['user: Too small: expected string to have >=1 characters', 'password: Invalid input: expected string, received undefined'] } }],
  [
    'a batch gets an array of the answers to its calls, notifications left out, invalid members answered',
    '[{"jsonrpc":"2.0","method":"adduser","params":{"user":"bob","password":"pw"},"id":10},{"jsonrpc":"2.0","method":"rmuser","params":{"user":"nobody"}},1,{"jsonrpc":"2.0","method":"users","id":11}]',
    [
      { jsonrpc: '2.0', id: 10, result: { user: 'bob' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
      { jsonrpc: '2.0', id: 11, result: ['admin', 'bob'] },
    ],
  ],
];

for (const [name, request, expected] of conformance) {
  test(name, async (ctx) => {
    assert.equal(await call(ctx, request), expected);
  });
}

test('a notification gets no answer, and neither does a batch of notifications only', async (ctx) => {
  const count = ctx.client!.messages.length;
  ctx.client!.send('{"jsonrpc":"2.0","method":"users"}');
  ctx.client!.send('[{"jsonrpc":"2.0","method":"users"},{"jsonrpc":"2.0","method":"nope"}]');
  await sleep(100);
  assert.is(ctx.client!.messages.length, count);
});

test('answers go to the connection that asked', async (ctx) => {
  const other = await TestClient.open(ctx.flow!.address('rpc'));
  try {
    other.send('{"jsonrpc":"2.0","method":"users","id":"other"}');
    assert.equal(JSON.parse((await other.waitFor(1))[0]!), { jsonrpc: '2.0', id: 'other', result: ['admin', 'bob'] });
    const count = ctx.client!.messages.length;
    await sleep(30);
    assert.is(ctx.client!.messages.length, count);
  } finally {
    await other.close();
  }
});

test('a batch of 50 auth calls on one connection does not hold up a call on another: hashing is off the event loop', async (ctx) => {
  const other = await TestClient.open(ctx.flow!.address('rpc'));
  try {
    const batch = Array.from({ length: 50 }, (_, i) => ({ jsonrpc: '2.0', method: 'auth', params: { user: 'admin', password: `guess-${i}` }, id: i }));
    const before = ctx.client!.messages.length;
    ctx.client!.send(JSON.stringify(batch));
    await sleep(20);
    other.send('{"jsonrpc":"2.0","method":"users","id":"quick"}');
    await other.waitFor(1, 20_000);
    // The quick call was answered while the batch still hashed.
    assert.is(ctx.client!.messages.length, before);
    const answers = JSON.parse((await ctx.client!.waitFor(before + 1, 30_000))[before]!) as { error: { code: number } }[];
    assert.is(answers.length, 50);
    assert.ok(answers.every((a) => a.error.code === -32002));
  } finally {
    await other.close();
  }
});

test('a batch over 50 calls (max_batch) is answered -32600 whole, and none of its calls runs', async (ctx) => {
  const batch = Array.from({ length: 51 }, (_, i) => ({ jsonrpc: '2.0', method: 'adduser', params: { user: `u${i}`, password: 'pw' }, id: i }));
  assert.equal(await call(ctx, JSON.stringify(batch)), { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { batch: 51, max_batch: 50 } } });
  assert.equal(await call(ctx, '{"jsonrpc":"2.0","method":"users","id":1}'), { jsonrpc: '2.0', id: 1, result: ['admin', 'bob'] });
});

test('a password over 1024 characters is invalid params, never hashed', async (ctx) => {
  const answer = (await call(ctx, JSON.stringify({ jsonrpc: '2.0', method: 'auth', params: { user: 'admin', password: 'p'.repeat(1025) }, id: 5 }))) as { error: { code: number; data: string[] } };
  assert.equal(answer.error.code, -32602);
  assert.equal(answer.error.data, ['password: Too big: expected string to have <=1024 characters']);
});

test('two flows in one process keep their own users: a user added in one is unknown to the other', async (ctx) => {
  // The module is imported once per process; its user database is made per operator instance.
  const other = await startFlow(path.join(repoRoot, 'flows/jsonrpc.json5'), { args: { url: 'ws://127.0.0.1:0' } });
  const client = await TestClient.open(other.address('rpc'));
  try {
    assert.equal(await call(ctx, '{"jsonrpc":"2.0","method":"adduser","params":{"user":"only_here","password":"pw"},"id":30}'), { jsonrpc: '2.0', id: 30, result: { user: 'only_here' } });
    assert.ok(((await call(ctx, '{"jsonrpc":"2.0","method":"users","id":31}')) as { result: string[] }).result.includes('only_here'));
    assert.equal(await call({ client }, '{"jsonrpc":"2.0","method":"users","id":32}'), { jsonrpc: '2.0', id: 32, result: ['admin'] });
    assert.equal(await call({ client }, '{"jsonrpc":"2.0","method":"auth","params":{"user":"only_here","password":"pw"},"id":33}'), {
      jsonrpc: '2.0',
      id: 33,
      error: { code: -32001, message: 'no such user', data: { user: 'only_here' } },
    });
  } finally {
    await client.close();
    await other.stop();
  }
});

test.run();
