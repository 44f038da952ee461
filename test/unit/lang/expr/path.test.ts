import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compilePath } from '../../../../src/lang/expr/index.js';
import { RuntimeError } from '../../../../src/sdk/errors.js';
import { ctx, throws } from './helpers.js';

const data = () => ({ a: { b: 1, c: [1, 2, { d: 'x' }] }, keep: { deep: true }, 'odd key': 0 });

test('a path knows its root and segments', () => {
  const p = compilePath('event.a["odd key"][0][-1]');
  assert.is(p.source, 'event.a["odd key"][0][-1]');
  assert.is(p.root, 'event');
  assert.equal(p.segments, ['a', 'odd key', 0, -1]);
  assert.is(compilePath('$.ws_server.peer').root, 'meta');
  assert.equal(compilePath('$["ws_server"]').segments, ['ws_server']);
  assert.equal(compilePath('event').segments, []);
});

test('get reads the path from the event or the metadata, null when missing', () => {
  const c = ctx(data(), { meta: { x: { y: 2 } } });
  assert.is(compilePath('event.a.c[-1].d').get(c), 'x');
  assert.is(compilePath('$.x.y').get(c), 2);
  assert.is(compilePath('event.a.nope.z').get(c), null);
  assert.is(compilePath('event.a.c[9]').get(c), null);
});

test('set returns a new root and leaves the input unchanged', () => {
  const input = data();
  const before = structuredClone(input);
  const out = compilePath('event.a.b').set(input, 2) as ReturnType<typeof data>;
  assert.equal(out, { ...before, a: { ...before.a, b: 2 } });
  assert.equal(input, before);
});

test('set copies only the records along the path and shares the rest', () => {
  const input = data();
  const out = compilePath('event.a.b').set(input, 2) as ReturnType<typeof data>;
  assert.is.not(out, input);
  assert.is.not(out.a, input.a);
  assert.is(out.keep, input.keep);
  assert.is(out.a.c, input.a.c);
});

test('set keeps the order of existing keys and appends new ones', () => {
  const out = compilePath('event.a').set({ a: 1, b: 2 }, 3);
  assert.equal(Object.keys(out as object), ['a', 'b']);
  assert.equal(Object.keys(compilePath('event.z').set({ a: 1 }, 0) as object), ['a', 'z']);
});

test('set creates missing records along the way', () => {
  assert.equal(compilePath('event.x.y.z').set({ a: 1 }, true), { a: 1, x: { y: { z: true } } });
  assert.equal(compilePath('event.x').set(null, 1), { x: 1 });
  assert.equal(compilePath('$.ws.peer').set({}, 'p'), { ws: { peer: 'p' } });
});

test('set writes array positions by copy, negative from the end, one past the end appending', () => {
  const input = data();
  const before = structuredClone(input);
  const p0 = compilePath('event.a.c[0]').set(input, 'first') as ReturnType<typeof data>;
  assert.equal(p0.a.c, ['first', 2, { d: 'x' }]);
  const last = compilePath('event.a.c[-1].d').set(input, 'y') as ReturnType<typeof data>;
  assert.equal(last.a.c, [1, 2, { d: 'y' }]);
  const appended = compilePath('event.a.c[3]').set(input, 4) as ReturnType<typeof data>;
  assert.equal(appended.a.c, [1, 2, { d: 'x' }, 4]);
  assert.equal(compilePath('event.list[0]').set({}, 'a'), { list: ['a'] });
  assert.equal(input, before);
});

test('set of the root itself replaces it', () => {
  assert.equal(compilePath('event').set({ a: 1 }, { b: 2 }), { b: 2 });
});

test('set keeps a "__proto__" key as data', () => {
  const out = compilePath('event["__proto__"]').set({}, { polluted: true }) as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(out), Object.prototype);
  assert.equal(Object.keys(out), ['__proto__']);
});

test('set through a value that is not a record or an array is an evaluation error', () => {
  throws(() => compilePath('event.a.b.x').set(data(), 1), 'ERR_EXPR_EVAL', 'cannot set event.a.b.x: event.a.b is number, not a record');
  throws(() => compilePath('event.a[0]').set(data(), 1), 'ERR_EXPR_EVAL', 'cannot set event.a[0]: event.a is record, not an array');
  throws(() => compilePath('$.x').set('text', 1), 'ERR_EXPR_EVAL', 'cannot set $.x: $ is string, not a record');
});

test('set past the end of an array is an evaluation error', () => {
  throws(
    () => compilePath('event.a.c[5]').set(data(), 1),
    'ERR_EXPR_EVAL',
    'cannot set event.a.c[5]: position 5 is outside event.a.c, which has 3 elements',
  );
  throws(() => compilePath('event[-2]').set([1], 1), 'ERR_EXPR_EVAL', 'cannot set event[-2]: position -2 is outside event, which has 1 element');
});

test('remove returns a new root without the key and leaves the input unchanged', () => {
  const input = data();
  const before = structuredClone(input);
  const out = compilePath('event.a.b').remove(input) as ReturnType<typeof data>;
  assert.equal(out, { a: { c: [1, 2, { d: 'x' }] }, keep: { deep: true }, 'odd key': 0 });
  assert.equal(input, before);
  assert.is(out.keep, input.keep);
});

test('remove takes an array element out by copy', () => {
  const input = data();
  const before = structuredClone(input);
  assert.equal((compilePath('event.a.c[1]').remove(input) as ReturnType<typeof data>).a.c, [1, { d: 'x' }]);
  assert.equal((compilePath('event.a.c[-1].d').remove(input) as ReturnType<typeof data>).a.c, [1, 2, {}]);
  assert.equal((compilePath('event.a.c[-1]').remove(input) as ReturnType<typeof data>).a.c, [1, 2]);
  assert.equal(input, before);
});

test('remove of an absent path returns the very same root', () => {
  const input = data();
  assert.is(compilePath('event.nope').remove(input), input);
  assert.is(compilePath('event.a.nope.x').remove(input), input);
  assert.is(compilePath('event.a.b.x').remove(input), input);
  assert.is(compilePath('event.a.c[7]').remove(input), input);
  assert.is(compilePath('event.a[0]').remove(input), input);
  assert.is(compilePath('event.toString').remove(input), input);
  assert.is(compilePath('$.x').remove(null), null);
});

test('remove of the root itself leaves null', () => {
  assert.is(compilePath('event').remove({ a: 1 }), null);
});

test('only event and $ paths with literal positions are assignable', () => {
  const syntax = (source: string, message: string, offset: number): void => {
    let err: unknown;
    try {
      compilePath(source);
    } catch (e) {
      err = e;
    }
    assert.instance(err, RuntimeError);
    assert.is((err as RuntimeError).code, 'ERR_EXPR_SYNTAX');
    assert.is((err as RuntimeError).message, message);
    assert.equal((err as RuntimeError).details, { offset });
  };
  syntax('args.x', 'cannot assign to args at 0; a path starts with event or $', 0);
  syntax('state.count', 'cannot assign to state at 0; a path starts with event or $', 0);
  syntax('event.a[event.i]', 'a path position must be a literal integer or string, not "event.i" at 8', 8);
  syntax('event.a[1.5]', 'a path position must be a literal integer or string, not "1.5" at 8', 8);
  syntax('event.a + 1', 'expected a path such as event.a.b or $.a at 0, starting with event or $', 0);
  syntax('lowercase(event.a).b', 'expected a path such as event.a.b or $.a at 0, starting with event or $', 0);
  syntax('evnt.a', 'unknown root "evnt" at 0; expected one of event, $, args, state, group', 0);
  syntax('event.', 'unexpected end of expression at 6, expected a field name after "."', 6);
});

test.run();
