import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCode, runQuery, type Thing, type Value } from '../thingsdb-code.js';
import { packRoomEmit, packValue } from '../../../packages/thingsdb/thingsdb-pack.js';
import { parseScope } from '../../../packages/thingsdb/thingsdb-scope.js';
import { Store } from '../../../packages/thingsdb/thingsdb-store.js';

const run = (code: string, root: Thing | undefined = {}, vars: Record<string, Value> = {}): Value => runCode(code, { root, vars });

/** The error `code` fails with; `root` undefined is a scope with no collection. */
function refused(code: string, root: Thing | undefined): [number, string] {
  try {
    runCode(code, { root, vars: {} });
  } catch (err) {
    return [(err as { code: number }).code, (err as Error).message];
  }
  throw new Error(`${code} ran`);
}

const values: [string, Value][] = [
  ['1 + 1;', 2n],
  ['2 + 3 * 4 - 10 / 4;', 12n],
  ['-7 / 2;', -3n],
  ['7 % 3 + 1.5;', 2.5],
  ['(2 + 3) * 4;', 20n],
  ['1.0;', 1],
  ['2 * 1.5;', 3],
  ['9007199254740993;', 9007199254740993n],
  ['9223372036854775806 + 1;', 9223372036854775807n],
  ['1 == 1.0;', true],
  ["'it''s' + \" a \"\"test\"\"\";", 'it\'s a "test"'],
  ['[1, "two", nil, true, {a: [2]}];', [1n, 'two', null, true, { a: [2n] }]],
  ['1 < 2 && "b" >= "a" && !(1 == 2);', true],
  ['false && nope;', false],
  ['true || nope;', true],
  ['[1, 2] == [1, 2];', true],
  ['// a comment\n x = 2; // another\n x * x;', 4n],
  ['', null],
  [';;', null],
];
for (const [code, value] of values) {
  test(`${JSON.stringify(code)} is ${typeof value === 'bigint' ? `the int ${value}` : typeof value === 'number' ? `the float ${value}` : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`, () => assert.equal(run(code), value));
}

test('properties of the root are read and written, nested things too, and an assignment is worth its value', () => {
  const root: Thing = { greeting: 'hi' };
  assert.equal(run('.n = 1; .t = {a: {b: 1}}; .t.a.b = .n + 1;', root), 2n);
  assert.equal(root, { greeting: 'hi', n: 1n, t: { a: { b: 2n } } });
  assert.equal(run('.t.a;', root), { b: 2n });
});

test('a property or a variable named __proto__ is data like any other, and no prototype changes', () => {
  const root: Thing = {};
  assert.equal(run('.__proto__ = {polluted: 1}; __proto__ = 2; [.__proto__, __proto__];', root), [{ polluted: 1n }, 2n]);
  assert.is(Object.getPrototypeOf(root), Object.prototype);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('variables come from vars and from assignments', () => {
  assert.equal(run('y = x * 2; y + 1;', {}, { x: 20n }), 41n);
});

const errors: [string, number, string][] = [
  ['1 +;', -52, 'error at line 1, position 3, unexpected `;`'],
  ['1\n+ 2 3;', -52, 'error at line 2, position 4, unexpected `3`'],
  ['(1 + 2', -52, 'error at line 1, position 6, unexpected end of query'],
  ['"open', -52, 'error at line 1, position 0, unterminated string'],
  ['1 # 2;', -52, 'error at line 1, position 2, unexpected character `#`'],
  ['1 / 0;', -58, 'division or modulo by zero'],
  ['1.5 % 1;', -61, '`%` not supported between `float` and `int`'],
  ['"a" - "b";', -61, '`-` not supported between `str` and `str`'],
  ['nil < 1;', -61, '`<` not supported between `nil` and `int`'],
  ['-"a";', -61, '`-` not supported by type `str`'],
  ['9223372036854775807 + 1;', -59, 'integer overflow'],
  ['9223372036854775808;', -59, 'integer overflow'],
  ['bytes("ab");', -54, "function `bytes` is undefined in tremolo's stand-alone endpoint, which answers a small part of ThingsDB's language (docs/thingsdb.md); put flows/thingsdb-gateway.json5 in front of a ThingsDB node for all of it"],
  ['x;', -54, 'variable `x` is undefined'],
  ['.nope;', -54, 'thing `#0` has no property `nope`'],
  ['x = 1; x.y;', -61, 'type `int` has no properties'],
  ['x = 1; x.y = 2;', -61, 'type `int` has no properties'],
];
for (const [code, errorCode, message] of errors) {
  test(`${JSON.stringify(code)} is refused ${errorCode}: ${message}`, () => assert.equal(refused(code, {}), [errorCode, message]));
}

test('without a collection (the @thingsdb scope) there are no properties', () => {
  assert.equal(refused('.x = 1;', undefined), [-54, 'this scope has no root thing; properties need a collection scope']);
});

const nestings: [string, string][] = [
  ['parentheses', `${'('.repeat(100_000)}1${')'.repeat(100_000)};`],
  ['lists', `${'['.repeat(100_000)}${']'.repeat(100_000)};`],
  ['things', `${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)};`],
  ['unary operators', `${'!'.repeat(100_000)}1;`],
  ['closures', `${'|x| '.repeat(100_000)}1;`],
];
for (const [what, code] of nestings) {
  test(`${what} nested 100000 deep are refused -52 as past the node's limit, not with a stack overflow`, () =>
    assert.equal(refused(code, {}), [-52, 'query syntax has reached the maximum recursion depth of 500']));
}

test('a string doubled past 20 MiB is refused -57 before it is built', () => {
  const code = `x = "${'a'.repeat(1024)}"; ${'x = x + x; '.repeat(15)}x;`;
  assert.equal(refused(code, {}), [-57, "a string of 33554432 characters is over the stand-alone endpoint's limit of 20971520"]);
});

test('an answer that would pack past 20 MiB (a list of lists of the same list) is refused -6 as by the node, in bounded work', () => {
  const value = runCode(`a = [${Array(100).fill(`"${'x'.repeat(30)}"`).join(', ')}]; b = [${Array(100).fill('a').join(', ')}]; [${Array(100).fill('b').join(', ')}];`, { root: {}, vars: {} });
  try {
    packValue(value);
    assert.unreachable('it was packed');
  } catch (err) {
    assert.equal([(err as { code: number }).code, (err as Error).message], [-6, 'too much data to return; try to use a lower `deep` value and/or `wrap` things to reduce the data size; see https://docs.thingsdb.io/v1/data-types/thing/wrap']);
  }
});

test('a thing that holds itself is stored once, and packs to the depth asked, no further', () => {
  const store = new Store(['stuff']);
  const node = { store, scope: parseScope('//stuff') };
  const root = store.add('stuff').root;
  const answer = runQuery('x = {}; x.self = x; .c = x; return .c, 3;', { root, vars: {}, node });
  assert.equal(answer.deep, 3);
  // {"#": 2, "self": {"#": 2, "self": {"#": 2, "self": {"#": 2}}}}
  assert.is(packValue(answer.value, answer.deep).toString('hex'), '82a12302a473656c6682a12302a473656c6682a12302a473656c6681a12302');
  assert.is(runCode('.c.id();', { root, vars: {}, node }), 2n);
  assert.is(store.add('stuff').nextId, 3);
});

test('a room event packed around its packed args is the very map the node packs, at every depth', () => {
  const store = new Store(['stuff']);
  const node = { store, scope: parseScope('//stuff') };
  const root = store.add('stuff').root;
  const answer = runQuery('x = {name: "x"}; x.self = x; .c = x; return [.c, 1.0, 7, "s", [x]], 1;', { root, vars: {}, node });
  const args = answer.value as Value[];
  for (const deep of [0, 1, 2, 3]) {
    for (const id of [5, 300, 70000, 2 ** 40]) {
      const whole = packValue({ scope: '@collection:stuff', id: BigInt(id), event: 'ev', args: [...args] }, deep + 1);
      assert.is(packRoomEmit('@collection:stuff', id, 'ev', packValue([...args], deep)).toString('hex'), whole.toString('hex'), `deep ${deep}, id ${id}`);
    }
  }
});

test('procedures that call themselves, or each other, end at the node\'s recursion depth with -63, not a stack overflow', () => {
  const store = new Store(['stuff']);
  const scope = { root: store.add('stuff').root, vars: {}, node: { store, scope: parseScope('//stuff') } };
  runCode('new_procedure("rec", |n| run("rec", n + 1)); new_procedure("a", |n| run("b", n)); new_procedure("b", |n| run("a", n));', scope);
  for (const call of ['run("rec", 0);', 'run("a", 0);']) {
    try {
      runCode(call, scope);
      assert.unreachable(`${call} ended`);
    } catch (err) {
      assert.equal([(err as { code: number }).code, (err as Error).message], [-63, 'maximum recursion depth exceeded; see https://docs.thingsdb.io/v1/data-types/closure']);
    }
  }
  // The depth is given back: the procedure runs again.
  assert.is(runCode('new_procedure("once", |n| n * 2); run("once", 21);', scope), 42n);
});

test('seeded ids a room took before the first query (a JOIN with create_rooms) are not given twice: those things get the next free ids', () => {
  const store = new Store(['stuff']);
  const room = store.rooms.byName('stuff', 'early', true)!;
  assert.is(room.id, 2);
  store.seed({}, { stuff: { '#': 2, t: { '#': 3, x: 1 } } });
  const root = store.add('stuff').root;
  const node = { store, scope: parseScope('//stuff') };
  assert.equal(runCode('[.id(), .t.id()];', { root, vars: {}, node }), [1n, 3n]);
  assert.is(runCode('.n = {}; .n.id();', { root, vars: {}, node }), 4n);
});

test('a query cannot choose the id of a thing it stores: a `#` key in its code is a property', () => {
  const store = new Store(['stuff']);
  const node = { store, scope: parseScope('//stuff') };
  const root = store.add('stuff').root;
  assert.is(runCode('.t = {"#": 99}; .t.id();', { root, vars: {}, node }), 2n);
});

test.run();
