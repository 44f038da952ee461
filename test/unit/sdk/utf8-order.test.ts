import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareUtf8 } from '../../../src/sdk/utf8-order.js';

// One string of each range that UTF-16 and UTF-8 order differently, with prefixes of each other.
const SAMPLES = ['', 'a', 'ab', 'b', 'B', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '\ud7ff', '\ue000', '｡', '\uffff', '😀', '😀a', '\u{10000}', '\u{10ffff}', 'a😀', 'a\uffff'];

test('orders every pair of strings as their UTF-8 bytes order, where code units would not', () => {
  for (const a of SAMPLES) {
    for (const b of SAMPLES) {
      const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
      assert.is(Math.sign(compareUtf8(a, b)), bytes, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  }
  assert.ok('\uffff' > '😀' && compareUtf8('\uffff', '😀') < 0, 'U+FFFF comes before U+1F600 in UTF-8, after it in UTF-16');
});

test('a prefix comes first, and only equal strings compare equal', () => {
  assert.ok(compareUtf8('ab', 'abc') < 0);
  assert.ok(compareUtf8('abc', 'ab') > 0);
  assert.is(compareUtf8('😀', '😀'), 0);
  assert.ok(compareUtf8('\ud800', '\ufffd') !== 0, 'a lone surrogate is not the replacement character');
});

test.run();
