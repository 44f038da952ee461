import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../../../src/lang/expr/index.js';
import { ctx, evalError, run, syntaxError } from './helpers.js';

test('a comprehension makes one value per item of an array, binding the item', () => {
  assert.equal(run('[x * 2 for x in [1, 2, 3]]'), [2, 4, 6]);
  assert.equal(run('[x for x in []]'), []);
});

test('with two names the first is the index of an array item, or the key of a record field', () => {
  assert.equal(run('[{"i": i, "d": d} for i, d in [1, 2]]'), [
    { i: 0, d: 1 },
    { i: 1, d: 2 },
  ]);
  assert.equal(run('[k + "=" + string(v) for k, v in event]', ctx({ a: 1, b: 2 })), ['a=1', 'b=2']);
  assert.equal(run('[v for v in event]', ctx({ a: 1, b: 2 })), [1, 2]);
});

test('"if" keeps the items its test holds for, and reads the bound names', () => {
  assert.equal(run('[x for x in event.list if x > 1]', ctx({ list: [1, 2, 3] })), [2, 3]);
  assert.equal(run('[k for k, v in event if v]', ctx({ a: true, b: false, c: null })), ['a']);
});

test('comprehensions nest, and an inner one reads the names of the outer one', () => {
  assert.equal(run('[[x + y for x in [1, 2]] for y in [10, 20]]'), [
    [11, 12],
    [21, 22],
  ]);
  assert.equal(run('[[x for x in row if x != skip] for skip, row in [[0, 1], [0, 1]]]'), [[1], [0]]);
});

test('a comprehension is evaluated afresh for each event, and sibling ones keep their own names', () => {
  const expr = compile('[[x for x in event.a], [x for x in event.b]]');
  assert.equal(expr.evaluate(ctx({ a: [1], b: [2, 3] })), [[1], [2, 3]]);
  assert.equal(expr.evaluate(ctx({ a: [4], b: [] })), [[4], []]);
  assert.is(expr.constant, false);
});

test('a missing iterable is null and gives an empty array', () => {
  assert.equal(run('[x for x in event.missing]', ctx({})), []);
});

test('iterating over anything but an array or a record fails with the expression in the message', () => {
  evalError('[x for x in event]', 'a comprehension iterates over an array or a record, got string in "[x for x in event]"', ctx('text'));
  evalError('[x for x in [1] if x]', 'the "if" of a comprehension must be a boolean or null, got number in "[x for x in [1] if x]"');
});

test('a name no comprehension binds is an unknown root where it is read, also inside an array', () => {
  syntaxError('[x for x in y]', 'unknown root "y" at 12; expected one of event, $, args, state, group', 12);
  syntaxError('[x, 1]', 'unknown root "x" at 1; expected one of event, $, args, state, group', 1);
  syntaxError('[x for x in [x]]', 'unknown root "x" at 13; expected one of event, $, args, state, group', 13);
  syntaxError('[[y] for x in [1]]', 'unknown root "y" at 2; expected one of event, $, args, state, group', 2);
});

test('the names after "for" are one or two new names, followed by "in"', () => {
  syntaxError('[a for a, a in []]', '"a" at 10 is bound twice', 10);
  syntaxError('[x for]', 'unexpected "]" at 6, expected a name to bind after "for"', 6);
  syntaxError('[x for event in []]', 'unexpected "event" at 7, expected a name to bind after "for"', 7);
  syntaxError('[x for x of []]', 'unexpected "of" at 9, expected "," or "in" after the name', 9);
  syntaxError('[x for k, v, w in []]', 'unexpected "," at 11, expected "in" after the names', 11);
});

test.run();
