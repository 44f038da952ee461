import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deepEqual } from '../../../../src/lang/expr/values.js';
import { stableKey } from '../../../../src/kinds/operators/shared/stable-key.js';

// Small domains, so that equal values come up often: the key must agree with `==` both ways.
const scalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, 1, -0, 1.5, 'a', 'b', '', '\u0001', '\u0001"a"', '\u0001{"a":1}'),
  fc.constantFrom(0n, 1n, 2n ** 64n, 2n ** 64n + 1n, 2 ** 64),
  fc.integer({ min: -2, max: 2 }),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('record'), tie('bytes')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  record: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
  bytes: fc.uint8Array({ maxLength: 2, max: 2 }),
}));

test('two values have the same key exactly when == holds between them', () => {
  fc.assert(
    fc.property(value, value, (a, b) => {
      assert.is(stableKey(a) === stableKey(b), deepEqual(a, b), `${String(stableKey(a))} vs ${String(stableKey(b))}`);
    }),
    { numRuns: 2000 },
  );
});

test('record key order, and a key whose value is undefined, do not change the key', () => {
  assert.is(stableKey({ a: 1, b: [1, { c: 2, d: 3 }] }), stableKey({ b: [1, { d: 3, c: 2 }], a: 1 }));
  assert.is(stableKey({ a: 1, x: undefined }), stableKey({ a: 1 }));
});

test('a number and the bigint of the same value share a key; scalars are their own key', () => {
  assert.is(stableKey(1n), 1);
  assert.is(stableKey(2n ** 64n), 2 ** 64);
  assert.is(stableKey(2n ** 64n + 1n), 2n ** 64n + 1n); // no number holds it
  assert.is(stableKey('a'), 'a');
  assert.is(stableKey([1n]), stableKey([1]));
});

test.run();
