import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { pkg, WireClient } from '../../../test/support/thingsdb-wire.js';

/**
 * The stand-alone endpoint's query language beyond expressions: `#` ids, `return` depths, the
 * @thingsdb and procedure functions, rooms made and emitted to by queries, and its limits. The
 * values are those a ThingsDB 1.9 node answers (npm run test:thingsdb compares them with one).
 */
const test = suite<{ flow?: TestFlow; url?: string; clients: WireClient[] }>('thingsdb endpoint: its query language', { clients: [] });
test.before.each(async (ctx) => {
  // A fresh endpoint per test: ids depend on what was stored before.
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0, data: { stuff: { '#': 2, t: { '#': 3, x: 1 } } } } });
  ctx.url = ctx.flow.address('ws');
});
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) await c.close();
  await ctx.flow?.stop();
});

async function loggedIn(ctx: { url?: string; clients: WireClient[] }): Promise<WireClient> {
  const c = await WireClient.open(ctx.url!);
  ctx.clients.push(c);
  assert.equal(await c.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });
  return c;
}

const q = (c: WireClient, code: string, scope = '//stuff'): Promise<unknown> => c.ask(2, 34, [scope, code]).then((r) => (r.type === 18 ? r.value : r));
const refused = (code: number, msg: string) => ({ id: 2, type: 19, value: { error_code: code, error_msg: msg } });

test('things seeded with a # keep it; a thing a query stores gets the next id of its collection, parents first, and comes back one level deep', async (ctx) => {
  const c = await loggedIn(ctx);
  assert.equal(await q(c, '[.id(), .t, .t.id()];'), [2, { '#': 3, x: 1 }, 3]);
  assert.equal(await q(c, '.a = {b: {c: {d: 1}}};'), { '#': 4, b: { '#': 5 } });
  assert.equal(await q(c, 'return .a, 2;'), { '#': 4, b: { '#': 5, c: { '#': 6 } } });
  assert.equal(await q(c, 'return .a, 0;'), { '#': 4 });
  assert.equal(await q(c, '{z: {y: 1}};'), { z: {} });
  assert.equal(await q(c, '{}.id();'), null);
  // `#` is written first, as the node writes it: 82 a1 23 04 ...
  c.send(pkg(3, 34, ['//stuff', '.a;']));
  assert.is(await c.nextHex(), '0a000000030012ed82a12304a16281a12305');
});

test('new_collection makes a scope for queries and rooms at once; has_collection sees it; both belong to @thingsdb', async (ctx) => {
  const c = await loggedIn(ctx);
  assert.equal(await q(c, 'new_collection("other");', '@thingsdb'), 'other');
  assert.equal(await q(c, '[has_collection("other"), has_collection("nope")];', '@t'), [true, false]);
  assert.equal(await q(c, '.r = room(); .r.set_name("hall"); [.id(), .r.id()];', '//other'), [1, 2]);
  assert.equal(await c.ask(3, 38, ['//other', 'hall']), { id: 3, type: 18, value: [2] });
  assert.equal(await c.next(), { id: 0xffff, type: 6, value: { scope: '@collection:other', id: 2 } });
  assert.equal(await c.ask(2, 34, ['@t', 'new_collection("other");']), refused(-54, 'collection `other` already exists'));
  assert.equal(
    await c.ask(2, 34, ['//stuff', 'has_collection("stuff");']),
    refused(-54, 'function `has_collection` is undefined in the `@collection` scope; you might want to query the `@thingsdb` scope?; see https://docs.thingsdb.io/v1/overview/scopes'),
  );
});

test('a procedure made by new_procedure runs by RUN and by run(), its missing arguments nil and extra ones ignored', async (ctx) => {
  const c = await loggedIn(ctx);
  assert.equal(await q(c, 'new_procedure("sum", |a, b| {a + b});'), 'sum');
  assert.equal(await c.ask(3, 37, ['//stuff', 'sum', [20, 22, 99]]), { id: 3, type: 18, value: 42 });
  assert.equal(await c.ask(3, 37, ['//stuff', 'sum', { a: 1, b: 2 }]), { id: 3, type: 18, value: 3 });
  assert.equal(await q(c, 'run("sum", 1);'), { id: 2, type: 19, value: { error_code: -61, error_msg: '`+` not supported between `int` and `nil`' } });
  assert.equal(await q(c, 'new_procedure("sum", |x| x);'), refused(-54, 'procedure `sum` already exists'));
  assert.equal(await q(c, '|x| x + 1;'), '|x| x + 1');
});

test('a room a query makes is joined by name; a query’s emit reaches every connection in it before the answer, even when the query then fails', async (ctx) => {
  const [a, b, outside] = [await loggedIn(ctx), await loggedIn(ctx), await loggedIn(ctx)];
  const id = await q(a, '.lounge = room(); .lounge.set_name("lounge"); .lounge.id();');
  assert.is(id, 4);
  for (const c of [a, b]) {
    assert.equal(await c.ask(3, 38, ['//stuff', 'lounge']), { id: 3, type: 18, value: [id] });
    assert.equal(await c.next(), { id: 0xffff, type: 6, value: { scope: '@collection:stuff', id } });
  }
  a.send(pkg(4, 34, ['//stuff', 'room("lounge").emit("hey", .t, 1.5); raise("boom");']));
  const event = { id: 0xffff, type: 8, value: { scope: '@collection:stuff', id, event: 'hey', args: [{ '#': 3, x: 1 }, 1.5] } };
  assert.equal(await a.next(), event);
  assert.equal(await a.next(), { id: 4, type: 19, value: { error_code: -100, error_msg: 'boom' } });
  assert.equal(await b.next(), event);
  assert.equal(await outside.ask(5, 32), { id: 5, type: 16, value: undefined });
  assert.ok(outside.inbox.drained, 'a connection outside the room heard nothing');
});

test('hostile queries are refused with a code and cost no one else: nesting (-52), a string doubled past 20 MiB (-57), an answer or an emit past 20 MiB (-6)', async (ctx) => {
  const [c, other] = [await loggedIn(ctx), await loggedIn(ctx)];
  assert.equal(await q(c, `${'['.repeat(50_000)}${']'.repeat(50_000)};`), refused(-52, 'query syntax has reached the maximum recursion depth of 500'));
  assert.equal(await q(c, `x = "${'a'.repeat(1024)}"; ${'x = x + x; '.repeat(15)}x;`), refused(-57, "a string of 33554432 characters is over the stand-alone endpoint's limit of 20971520"));
  // 400 references to one 64 KiB string: 26 MB to pack, from a 70 kB query.
  const big = `a = "${'x'.repeat(65_536)}"; c = [${Array(400).fill('a').join(', ')}];`;
  const tooMuch = refused(-6, 'too much data to return; try to use a lower `deep` value and/or `wrap` things to reduce the data size; see https://docs.thingsdb.io/v1/data-types/thing/wrap');
  const slow = async (code: string): Promise<unknown> => {
    c.send(pkg(2, 34, ['//stuff', code]));
    return c.next(10_000);
  };
  assert.equal(await slow(`${big} c;`), tooMuch);
  await q(c, '.r = room(); .r.set_name("big");');
  assert.equal((await c.ask(3, 38, ['//stuff', 'big'])).type, 18);
  assert.equal((await c.next()).type, 6);
  assert.equal(await slow(`${big} .r.emit("big", c);`), tooMuch);
  assert.equal(await q(other, '1 + 1;'), 2);
  assert.equal(await q(c, 'x = {}; x.self = x; return x, 2;'), { self: { self: {} } });
  assert.ok(c.inbox.drained, 'the emit that could not be packed reached no one');
});

test.run();
