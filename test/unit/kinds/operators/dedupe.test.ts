import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dedupe } from '../../../../src/kinds/operators/dedupe.js';
import { runOperator } from './support.js';
import { virtualTime } from './virtual-time.js';

test('by default the whole event is the key, compared deeply: duplicates go to duplicate', () => {
  const time = virtualTime();
  const h = runOperator(dedupe, { window_ms: 1000 }, { scheduler: time.scheduler });
  h.push({ a: 1, b: [1, 2] });
  h.push({ b: [1, 2], a: 1 });
  h.push({ a: 1, b: [2, 1] });
  h.push('x');
  h.push('x');
  h.push(1);
  h.push(1n);
  h.push('1');
  assert.equal(h.data(), [{ a: 1, b: [1, 2] }, { a: 1, b: [2, 1] }, 'x', 1, '1']);
  assert.equal(h.data('duplicate'), [{ b: [1, 2], a: 1 }, 'x', 1n]);
});

test('a key passes at most once per window_ms, counted from when it passed, not from its last duplicate', () => {
  const time = virtualTime();
  const h = runOperator(dedupe, { key: 'event.id', window_ms: 100 }, { scheduler: time.scheduler });
  for (const t of [0, 50, 99, 100, 150, 199, 200]) time.at(t, () => h.push({ id: 'k', t }));
  time.runTo(200);
  assert.equal(h.data().map((e) => (e as { t: number }).t), [0, 100, 200]);
  assert.equal(h.data('duplicate').map((e) => (e as { t: number }).t), [50, 99, 150, 199]);
});

test('a string that looks like an encoded record is not mistaken for that record', () => {
  const h = runOperator(dedupe, { window_ms: 100 });
  h.push({ a: 1 });
  h.push('\u0001{"a":1}');
  h.push(new Uint8Array([1, 2]));
  h.push(new Uint8Array([1, 2]));
  assert.equal(h.data().length, 3);
  assert.equal(h.data('duplicate'), [new Uint8Array([1, 2])]);
});

test('when max_keys keys are remembered, the oldest is forgotten first', () => {
  const h = runOperator(dedupe, { key: 'event', window_ms: 10_000, max_keys: 2 });
  for (const k of ['a', 'b', 'a', 'c', 'b', 'a']) h.push(k);
  // a, b remembered; a is a duplicate; c makes room by forgetting a; b is still a duplicate; a passes again.
  assert.equal(h.data(), ['a', 'b', 'c', 'a']);
  assert.equal(h.data('duplicate'), ['a', 'b']);
});

test('a key expression that fails sends the event to err, and the operator goes on', () => {
  const h = runOperator(dedupe, { key: 'event.n * 2', window_ms: 100 });
  h.push({ n: 1 });
  const bad = h.push({ n: 'x' });
  h.push({ n: 1 });
  h.push({ n: 2 });
  assert.equal(h.errors.map((e) => [e.event, e.code, e.message]), [[bad, 'ERR_EXPR_EVAL', 'cannot apply "*" to string and number in "event.n * 2"']]);
  assert.equal(h.data(), [{ n: 1 }, { n: 2 }]);
  assert.equal(h.data('duplicate'), [{ n: 1 }]);
});

test('a missing window_ms, a bad key expression or a max_keys that is not a positive integer is refused', () => {
  const issues = (config: unknown) => dedupe.config.safeParse(config).error?.issues.map((i) => [i.path, i.message]);
  assert.equal(issues({}), [[['window_ms'], 'Invalid input: expected number, received undefined']]);
  assert.equal(issues({ window_ms: 5, key: 'event.' }), [[['key'], 'invalid expression "event.": unexpected end of expression at 6, expected a field name after "."']]);
  assert.equal(issues({ window_ms: 5, max_keys: 0 }), [[['max_keys'], 'Too small: expected number to be >0']]);
});

test.run();
