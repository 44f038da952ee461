import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lengthPrefixed } from '../../../../src/kinds/processors/length-prefixed.js';
import { configProblems, hex, post, pre } from './support.js';

test('out: an 8-byte big-endian length goes before each frame', () => {
  const run = post(lengthPrefixed).feed(['snot', '']);
  assert.equal(run.frames.map((f) => f.toString('hex')), ['0000000000000004736e6f74', '0000000000000000']);
});

test('in: frames split across reads and several frames in one read come out whole', () => {
  const stream = hex('0000000000000004 736e6f74 0000000000000000 0000000000000006 626164676572');
  const run = pre(lengthPrefixed).feed([stream.subarray(0, 3), stream.subarray(3, 13), stream.subarray(13)]).finish();
  assert.equal(run.texts, ['snot', '', 'badger']);
  assert.equal(run.errors, []);
});

test('the metadata of the read that completes a frame goes with it', () => {
  const run = pre(lengthPrefixed);
  run.feed([hex('000000000000000261')], { n: 1 }).feed([hex('62')], { n: 2 });
  assert.equal(run.metas, [{ n: 2 }]);
});

test('a declared length over max_length is refused at once, and the rest of that read dropped', () => {
  const run = pre(lengthPrefixed, { max_length: 4 }).feed([hex('0000000000000005 6162636465 0000000000000001 61'), hex('0000000000000001 62')]);
  assert.equal(run.messages, ['ERR_PROCESSOR_MAX_LENGTH length-prefixed: frame of 5 bytes exceeds max_length 4; the rest of this read is dropped']);
  assert.equal(run.texts, ['b']);
});

test('a length beyond 2^53 is refused, not misread', () => {
  const run = pre(lengthPrefixed).feed([hex('ffffffffffffffff')]);
  assert.equal(run.messages, ['ERR_PROCESSOR_MAX_LENGTH length-prefixed: frame of 18446744073709551615 bytes exceeds max_length 16777216; the rest of this read is dropped']);
});

test('a stream that ends inside a frame or its header is an error at finish', () => {
  assert.equal(pre(lengthPrefixed).feed([hex('0000000000000004 6162')]).finish().messages, ['ERR_PROCESSOR_FAILED length-prefixed: the stream ended 2 bytes into a frame of 4 bytes']);
  assert.equal(pre(lengthPrefixed).feed([hex('000000')]).finish().messages, ['ERR_PROCESSOR_FAILED length-prefixed: the stream ended inside a frame header (3 bytes)']);
});

test('max_length must be a positive integer', () => {
  assert.equal(configProblems(lengthPrefixed, { max_length: 0 }), ['max_length: expected a number >= 1, received 0']);
});

test.run();
