import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nullCodec } from '../../../../src/kinds/codecs/null.js';
import { codecOf, decode } from './support.js';

const codec = codecOf(nullCodec);

test('is registered under Tremor\'s name "null"', () => {
  assert.is(nullCodec.name, 'null');
});

test('decodes any frame to nothing', () => {
  assert.is(decode(codec, 'anything at all'), undefined);
  assert.is(decode(codec, Buffer.from([0xff, 0x00])), undefined);
});

test('encodes any value to empty bytes', () => {
  const frame = codec.encode({ a: 1 }, {});
  assert.ok(Buffer.isBuffer(frame));
  assert.is(frame.length, 0);
});

test.run();
