import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../../../src/lang/expr/index.js';
import { ctx, evalError, run } from './helpers.js';

const event = {
  user: { name: 'Alice', tags: ['a', 'b', 'c'], 'odd key': 1 },
  list: [10, 20, 30],
  n: 5,
  s: 'hello',
  bytes: Buffer.from([1, 2, 3]),
};
const c = ctx(event, { meta: { ws_server: { peer: { port: 8080, host: '::1' } } }, args: { delay: 10, limit: 3 } });

// Paths

test('a path reads nested fields of the event, the metadata and the args', () => {
  assert.is(run('event.user.name', c), 'Alice');
  assert.is(run('event.user["odd key"]', c), 1);
  assert.is(run('$.ws_server.peer.port', c), 8080);
  assert.is(run('$["ws_server"].peer.host', c), '::1');
  assert.is(run('args.delay', c), 10);
  assert.is(run('event.user.tags[1]', c), 'b');
});

test('paths beyond the pools of read sites still each read their own field, at every root and depth', () => {
  // More distinct one- and two-name paths than src/lang/expr/path-sites.ts has sites, so sites are shared.
  const names = Array.from({ length: 80 }, (_, i) => `f${i}`);
  const data = Object.fromEntries(names.map((n, i) => [n, { v: i, [n]: -i }]));
  const meta = Object.fromEntries(names.map((n, i) => [n, i * 2]));
  const scope = ctx(data, { meta, args: { ...meta }, group: data, state: data });
  for (const [i, n] of names.entries()) {
    assert.is(run(`event.${n}.v`, scope), i, `event.${n}.v`);
    assert.is(run(`event.${n}.${n}`, scope), -i, `event.${n}.${n}`);
    assert.is(run(`$.${n}`, scope), i * 2, `$.${n}`);
    assert.is(run(`args.${n}`, scope), i * 2, `args.${n}`);
    assert.is(run(`group.${n}.v`, scope), i, `group.${n}.v`);
    assert.is(run(`state.${n}.v`, scope), i, `state.${n}.v`);
    assert.is(run(`event.${n}.missing`, scope), null, `event.${n}.missing`);
  }
  // The same path on another record reads that record: a site keeps no value, only its place in the source.
  assert.is(run('event.f3.v', ctx({ f3: { v: 'other' } })), 'other');
  assert.is(run('event.f3', ctx('not a record')), null);
});

test('a missing path evaluates to null and never throws', () => {
  assert.is(run('event.nope', c), null);
  assert.is(run('event.nope.deeper.still', c), null);
  assert.is(run('event.n.x', c), null);
  assert.is(run('event.s.x', c), null);
  assert.is(run('event.list.x', c), null);
  assert.is(run('event.list[7]', c), null);
  assert.is(run('event.nope[0]', c), null);
  assert.is(run('$.nope.x', c), null);
  assert.is(run('args.nope', c), null);
  assert.is(run('event.a.b.c.d.e', ctx({ a: { b: { c: {} } } })), null);
});

test('state and group are null when absent', () => {
  assert.is(run('state'), null);
  assert.is(run('state.count'), null);
  assert.is(run('group'), null);
  assert.is(run('state.count', ctx(null, { state: { count: 2 } })), 2);
  assert.equal(run('group[0]', ctx(null, { group: ['k', 1] })), 'k');
});

test('an undefined value reads as null', () => {
  assert.is(run('event.a', ctx({ a: undefined })), null);
  assert.is(run('event', ctx(undefined)), null);
  assert.is(run('event[0]', ctx([undefined])), null);
});

test('negative positions count from the end', () => {
  assert.is(run('event.list[-1]', c), 30);
  assert.is(run('event.list[-3]', c), 10);
  assert.is(run('event.list[-4]', c), null);
  assert.is(run('event[0]', ctx(['x'])), 'x');
});

test('a fractional position or a number on a record reads null', () => {
  assert.is(run('event.list[0.5]', c), null);
  assert.is(run('event.user[0]', c), null);
});

test('a string key on an array reads null, even a numeric one', () => {
  assert.is(run('event.list["0"]', c), null);
  assert.is(run('event.list["length"]', c), null);
});

test('JavaScript properties of values never leak into paths', () => {
  assert.is(run('event.constructor', c), null);
  assert.is(run('event.toString', c), null);
  assert.is(run('event.__proto__', c), null);
  assert.is(run('event.hasOwnProperty', c), null);
  assert.is(run('event.list.length', c), null);
  assert.is(run('event.list.map', c), null);
  assert.is(run('event.s.length', c), null);
  assert.is(run('event.bytes.length', c), null);
  assert.is(run('event.bytes.buffer', c), null);
  assert.is(run('event["constructor"]', c), null);
  assert.is(run('event[event.k]', ctx({ k: 'toString' })), null);
});

test('record keys named like JavaScript properties are read as data', () => {
  const data = ctx({ constructor: 1, length: 2, toString: 'x', nested: { __proto__: null, valueOf: 3 } });
  assert.is(run('event.constructor', data), 1);
  assert.is(run('event.length', data), 2);
  assert.is(run('event.toString', data), 'x');
  assert.is(run('event.nested.valueOf', data), 3);
});

test('bytes can be read by position', () => {
  assert.is(run('event.bytes[0]', c), 1);
  assert.is(run('event.bytes[-1]', c), 3);
});

test('a computed index reads a field by string or a position by number', () => {
  assert.is(run('event.list[event.i]', ctx({ list: [1, 2], i: 1 })), 2);
  assert.is(run('event[event.k]', ctx({ k: 'a', a: 'found' })), 'found');
  assert.is(run('event.list[event.missing]', ctx({ list: [1] })), null);
  assert.is(run('event.list[1 + 1]', c), 30);
  assert.is(run('event["us" + "er"].name', c), 'Alice');
});

test('an index of another type is an evaluation error', () => {
  evalError('event.list[event.b]', 'cannot index with bool, only with a string or a number in "event.list[event.b]"', ctx({ list: [1], b: true }));
});

test('postfix access works on any operand', () => {
  assert.is(run('[1, 2, 3][-1]'), 3);
  assert.is(run('{"a": {"b": 2}}.a.b'), 2);
  assert.is(run('(event.user).name', c), 'Alice');
  assert.is(run('split("a,b", ",")[1]'), 'b');
});

// Compilation

test('an expression reading no event, metadata, state or group is constant', () => {
  assert.is(compile('1 + 2').constant, true);
  assert.is(compile('args.delay * 2').constant, true);
  assert.is(compile('lowercase("A")').constant, true);
  assert.is(compile('event.a').constant, false);
  assert.is(compile('$.a').constant, false);
  assert.is(compile('state.a').constant, false);
  assert.is(compile('group').constant, false);
  assert.is(compile('now()').constant, false);
  assert.is(compile('[1, event]').constant, false);
});

test('constant sub-expressions are folded into shared frozen values', () => {
  const expr = compile('{"a": [1, 2 + 3], "b": upper}'.replace('upper', 'uppercase("x")'));
  const first = expr.evaluate(ctx());
  assert.equal(first, { a: [1, 5], b: 'X' });
  assert.is(expr.evaluate(ctx()), first);
  assert.ok(Object.isFrozen(first));
  assert.ok(Object.isFrozen((first as { a: unknown }).a));
});

test('a record or array built from the event is new at every evaluation', () => {
  const expr = compile('{"n": event.n}');
  const a = expr.evaluate(c);
  const b = expr.evaluate(c);
  assert.equal(a, b);
  assert.is.not(a, b);
  assert.not.ok(Object.isFrozen(a));
});

test('records of every size built from the event have their keys in order', () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  for (let size = 1; size <= keys.length; size++) {
    const source = `{${keys.slice(0, size).map((k, i) => `"${k}": event.n + ${i}`).join(', ')}}`;
    assert.equal(run(source, c), Object.fromEntries(keys.slice(0, size).map((k, i) => [k, 5 + i])), source);
  }
});

test('a "__proto__" key of a record built from the event is an own key, at any size', () => {
  for (const source of ['{"__proto__": event.n}', '{"x": 1, "__proto__": event.user}', '{"a": 1, "b": 2, "c": 3, "__proto__": event.n}']) {
    const r = run(source, c) as Record<string, unknown>;
    assert.is(Object.getPrototypeOf(r), Object.prototype, source);
    assert.ok(Object.keys(r).includes('__proto__'), source);
  }
});

test('a constant that fails is reported when evaluated, not when compiled', () => {
  const expr = compile('1 < "a"');
  assert.is(expr.constant, true);
  assert.throws(() => expr.evaluate(ctx()), (err: Error) => err.message === 'cannot compare number with string in "1 < \\"a\\""');
});

test('an error message names the smallest failing sub-expression as written', () => {
  evalError('(event.s + 1) > 2 and true', 'cannot compare string with number in "(event.s + 1) > 2"', c);
});

test('evaluation never changes the event, metadata or args', () => {
  const data = { a: { b: [1, 2] }, s: 'x' };
  const meta = { m: { n: 1 } };
  const args = { l: [1] };
  const before = structuredClone({ data, meta, args });
  run('{"a": event.a, "l": args.l + [2], "m": merge($.m, {"o": 2}), "s": event.s + "y", "k": keys(event.a)}', ctx(data, { meta, args }));
  assert.equal({ data, meta, args }, before);
});

test.run();
