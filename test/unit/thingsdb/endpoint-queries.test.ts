import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { pkg, WireClient } from '../../support/thingsdb-wire.js';

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
];
for (const [what, type, request, value] of answers) {
  test(`${type === 34 ? 'QUERY' : 'RUN'} is answered from the in-memory collection: ${what}`, (ctx) =>
    withClient(ctx, async (c) => assert.equal(await c.ask(2, type, request), { id: 2, type: 18, value })));
}

const errors: [string, number, unknown[], number, string][] = [
  ['a syntax error', 34, ['//stuff', '1 +;'], -52, 'error at line 1, position 3, unexpected `;`'],
  ['a division by zero', 34, ['//stuff', '7 % 0;'], -58, 'division or modulo by zero'],
  ['an unknown variable', 34, ['//stuff', 'nope;'], -54, 'variable `nope` is undefined'],
  ['an unknown property', 34, ['//stuff', '.nope;'], -54, 'thing has no property `nope`'],
  ['a type error', 34, ['//stuff', '"a" + 1;'], -61, '`+` not supported between `str` and `int`'],
  ['an unknown procedure', 37, ['//stuff', 'nope', []], -54, 'procedure `nope` not found'],
  ['a procedure called with too many arguments', 37, ['//stuff', 'add_one', [1, 2]], -62, 'procedure `add_one` takes 1 argument but 2 were given'],
  ['a collection that does not exist', 34, ['//nope', '1;'], -54, 'collection `nope` not found'],
  ['a scope that is not one', 34, ['@x', '1;'], -60, 'invalid scope; expecting a scope name like `@thingsdb`, `@node:...` or `@collection:...` but got `@x` instead'],
  ['a query that is not a string', 34, ['//stuff', 1], -53, 'invalid query request'],
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
