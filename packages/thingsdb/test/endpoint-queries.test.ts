import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { pkg, WireClient } from '../../../test/support/thingsdb-wire.js';

const test = suite<{ flow?: TestFlow; url?: string }>('thingsdb endpoint: queries', {});
test.before(async (ctx) => {
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0 } });
  ctx.url = ctx.flow.address('ws');
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
});

async function loggedIn(url: string): Promise<WireClient> {
  const c = await WireClient.open(url);
  assert.equal(await c.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });
  return c;
}

async function withClient(ctx: { url?: string }, body: (c: WireClient) => Promise<void>): Promise<void> {
  const c = await loggedIn(ctx.url!);
  try {
    await body(c);
  } finally {
    await c.close();
  }
}

const answers: [string, number, unknown[], unknown][] = [
  ['arithmetic in the @thingsdb scope', 34, ['@t', '1 + 2 * 3 - 4 / 3;'], 6],
  ['a property of the collection', 34, ['//stuff', '.greeting;'], 'Hello from tremolo'],
  ['the last of several statements, with a local variable', 34, ['@collection:stuff', 'x = 20; y = x + 1; y * 2;'], 42],
  ['the variables sent with the query', 34, ['//stuff', 'who + " is " + age;', { who: 'ann', age: '40' }], 'ann is 40'],
  ['lists, things and comparisons', 34, ['//stuff', '[1 < 2, "a" == "a", {n: nil}, !true];'], [true, true, { n: null }, false]],
  ['a procedure, its arguments by position', 37, ['//stuff', 'add_one', [41]], 42],
  ['a procedure, its arguments by name', 37, ['//stuff', 'add_one', { x: 1 }], 2],
  ['vars nil, as ThingsDB clients send them', 34, ['//stuff', '1 + 1;', null], 2],
  ['a procedure given more arguments than it has ignores the rest, as the node does', 37, ['//stuff', 'add_one', [1, 2]], 2],
];
for (const [what, type, request, value] of answers) {
  test(`${type === 34 ? 'QUERY' : 'RUN'} is answered from the in-memory collection: ${what}`, (ctx) =>
    withClient(ctx, async (c) => assert.equal(await c.ask(2, type, request), { id: 2, type: 18, value })));
}

// Byte for byte, as a ThingsDB node answers: a float stays a float64 (cb), an int past 2^53 is exact (cf).
const bytes: [string, unknown[], string][] = [
  ['1.0 stays a float', ['//stuff', '1.0;'], '09000000020012edcb3ff0000000000000'],
  ['an int past 2^53 stays exact', ['//stuff', '9007199254740993;'], '09000000020012edcf0020000000000001'],
  ['an int and a float make a float', ['//stuff', '2 * 1.5;'], '09000000020012edcb4008000000000000'],
  ['small ints are packed small', ['//stuff', '[1, -1, 200, -200];'], '08000000020012ed9401ffccc8d1ff38'],
];
for (const [what, request, expected] of bytes) {
  test(`QUERY answers as the node does: ${what}`, (ctx) =>
    withClient(ctx, async (c) => {
      c.send(pkg(2, 34, request));
      assert.is(await c.nextHex(), expected);
    }));
}

test('RUN with arguments nil calls a procedure without parameters, as on the node', async () => {
  const flow = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0, procedures: { hello: { params: [], code: '"hi";' } } } });
  const c = await loggedIn(flow.address('ws'));
  try {
    assert.equal(await c.ask(2, 37, ['//stuff', 'hello', null]), { id: 2, type: 18, value: 'hi' });
  } finally {
    await c.close();
    await flow.stop();
  }
});

const errors: [string, number, unknown[], number, string][] = [
  ['a syntax error', 34, ['//stuff', '1 +;'], -52, 'error at line 1, position 3, unexpected `;`'],
  ['a division by zero', 34, ['//stuff', '7 % 0;'], -58, 'division or modulo by zero'],
  ['an unknown variable', 34, ['//stuff', 'nope;'], -54, 'variable `nope` is undefined'],
  ['an unknown property', 34, ['//stuff', '.nope;'], -54, 'thing `#1` has no property `nope`'],
  ['a type error', 34, ['//stuff', '"a" + 1;'], -61, '`+` not supported between `str` and `int`'],
  ['an unknown procedure', 37, ['//stuff', 'nope', []], -54, 'procedure `nope` not found'],
  ['a collection that does not exist', 34, ['//nope', '1;'], -54, 'collection `nope` not found'],
  ['a scope that is not one', 34, ['@x', '1;'], -60, 'invalid scope; expecting a scope name like `@thingsdb`, `@node:...` or `@collection:...` but got `@x` instead; see https://docs.thingsdb.io/v1/overview/scopes'],
  ['a query that is not a string', 34, ['//stuff', 1], -61, 'expecting the code in a `query` request to be of type `string`; see https://docs.thingsdb.io/v1/connect/socket/query'],
  ['a query in a node scope that does not exist', 34, ['@node:1', '1;'], -54, '`node:1` does not exist'],
  ['a function the endpoint does not have', 34, ['//stuff', 'bytes("x");'], -54, "function `bytes` is undefined in tremolo's stand-alone endpoint, which answers a small part of ThingsDB's language (docs/thingsdb.md); put flows/thingsdb-gateway.json5 in front of a ThingsDB node for all of it"],
  ['a query in a collection scope that is a number', 34, ['@:2', '1;'], -60, 'invalid scope; the specified collection name is invalid; see https://docs.thingsdb.io/v1/overview/scopes'],
];
for (const [what, type, request, code, message] of errors) {
  test(`${what} is answered ${code}`, (ctx) => withClient(ctx, async (c) => assert.equal(await c.ask(3, type, request), { id: 3, type: 19, value: { error_code: code, error_msg: message } })));
}

test('what one connection writes, another reads', async (ctx) => {
  const [a, b] = [await loggedIn(ctx.url!), await loggedIn(ctx.url!)];
  try {
    assert.equal(await a.ask(4, 34, ['//stuff', '.count = 40 + 2;']), { id: 4, type: 18, value: 42 });
    assert.equal(await b.ask(4, 34, ['//stuff', '.count;']), { id: 4, type: 18, value: 42 });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('answers go to the connection that asked, with its package id', async (ctx) => {
  const [a, b] = [await loggedIn(ctx.url!), await loggedIn(ctx.url!)];
  try {
    a.send(pkg(100, 34, ['@t', '"a";']));
    b.send(pkg(200, 34, ['@t', '"b";']));
    assert.equal(await b.next(), { id: 200, type: 18, value: 'b' });
    assert.equal(await a.next(), { id: 100, type: 18, value: 'a' });
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('the pipeline behind `query` can be any: a map answers, and a request that fails in it is answered -6', async () => {
  const flow = await startFlow(
    {
      use: ['thingsdb', 'thingsdb-endpoint'],
      connectors: { ws: { from: 'thingsdb::endpoint', args: { port: 0 } } },
      pipelines: {
        node: { operators: [{ op: 'thingsdb_endpoint' }] },
        queries: {
          operators: [
            { op: 'filter', config: { condition: 'event.query == "fail;" or event.query' } },
            { op: 'map', config: { event: '{"asked": event.query}' } },
            { op: 'thingsdb_answer' },
          ],
        },
        failed: { operators: [{ op: 'thingsdb_answer', config: { failures: true } }] },
      },
      links: [
        ['ws', 'node'],
        ['node', 'ws'],
        ['node/query', 'queries'],
        ['queries', 'ws'],
        ['queries/err', 'failed'],
        ['failed', 'ws'],
      ],
    },
    { file: path.join(import.meta.dirname, 'inline.json5') },
  );
  const c = await loggedIn(flow.address('ws'));
  try {
    assert.equal(await c.ask(5, 34, ['//stuff', 'fail;']), { id: 5, type: 18, value: { asked: 'fail;' } });
    const failed = await c.ask(6, 34, ['//stuff', 'other;']);
    assert.equal(failed, { id: 6, type: 19, value: { error_code: -6, error_msg: 'queries/0: the right side of "or" must be a boolean or null, got string in "event.query == \\"fail;\\" or event.query"' } });
  } finally {
    await c.close();
    await flow.stop();
  }
});

test.run();
