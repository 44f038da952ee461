import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { json } from '../../../../src/kinds/codecs/json.js';
import { codecOf, decode, encodeText } from './support.js';

const c = codecOf(json);
const sorted = codecOf(json, { mode: 'sorted' });

test('a float written with a fraction of zeros is written back as a float, in objects and arrays, at any depth', () => {
  for (const text of ['{"":null,"NaN":42.0}', '[1.0,2,-3.00,{"a":[0.0,7]}]', '{"big":9007199254740993,"f":1.0,"s":"1.0"}']) {
    const expected = text.replace('-3.00', '-3.0');
    assert.is(encodeText(c, decode(c, text)), expected);
  }
});

test('the decoded value is a plain number: it compares and computes as one', () => {
  const value = decode(c, '{"x":42.0}') as { x: number };
  assert.is(value.x, 42);
  assert.is(typeof value.x, 'number');
});

test('sorted mode keeps the form of floats', () => {
  assert.is(encodeText(sorted, decode(c, '{"b":2.0,"a":{"d":1,"c":3.0}}')), '{"a":{"c":3.0,"d":1},"b":2.0}');
});

test('a value changed on the way is written as any number; a new object knows no floats', () => {
  const value = decode(c, '{"x":42.0,"y":1.0}') as { x: number; y: number };
  value.x = 7;
  assert.is(encodeText(c, value), '{"x":7,"y":1.0}');
  assert.is(encodeText(c, { ...value }), '{"x":7,"y":1}');
});

test('a decoded value moved into a new array or record keeps its floats: a window’s collected events, a select’s record', () => {
  const first = decode(c, '{"asdf":null,"NaN":42.0}');
  const second = decode(c, '[1.0,"x"]');
  assert.is(encodeText(sorted, [first, ['snot'], second, 'exit']), '[{"NaN":42.0,"asdf":null},["snot"],[1.0,"x"],"exit"]');
  assert.is(encodeText(c, { event: { inner: first }, meta: {} }), '{"event":{"inner":{"asdf":null,"NaN":42.0}},"meta":{}}');
  assert.is(encodeText(c, [{ plain: 1 }, [2]]), '[{"plain":1},[2]]');
  // Deeper than two levels, encode does not look (a walk of every value would cost each encode a second pass).
  assert.is(encodeText(c, { a: { b: { c: first } } }), '{"a":{"b":{"c":{"asdf":null,"NaN":42}}}}');
});

test('a key given twice keeps its last value and form, as JSON.parse reads it', () => {
  assert.is(encodeText(c, decode(c, '{"x":1.0,"x":1}')), '{"x":1}');
  assert.is(encodeText(c, decode(c, '{"x":1,"x":1.0}')), '{"x":1.0}');
});

test('a number only, or a fraction that is not zeros, is written as JavaScript writes it', () => {
  assert.is(encodeText(c, decode(c, '42.0')), '42');
  assert.is(encodeText(c, decode(c, '{"x":1.50,"y":"a.0"}')), '{"x":1.5,"y":"a.0"}');
});

test.run();
