import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { textualLengthPrefixed } from '../../../../src/kinds/processors/textual-length-prefixed.js';
import { post, pre } from './support.js';

test('out: the length in ASCII digits and a space go before each frame (RFC 5425)', () => {
  assert.equal(post(textualLengthPrefixed).feed(['<13>1 - - - - - - hi', '']).texts, ['20 <13>1 - - - - - - hi', '0 ']);
});

test('in: frames split across reads and several frames in one read come out whole', () => {
  const run = pre(textualLengthPrefixed).feed(['1', '1 hello', ' world5 ab', 'cde0 3 xyz']).finish();
  assert.equal(run.texts, ['hello world', 'abcde', '', 'xyz']);
  assert.equal(run.errors, []);
});

test('a length over max_length is refused as soon as it is read', () => {
  const run = pre(textualLengthPrefixed, { max_length: 100 }).feed(['101 ']);
  assert.equal(run.messages, ['ERR_PROCESSOR_MAX_LENGTH textual-length-prefixed: frame of 101 bytes exceeds max_length 100; the rest of this read is dropped']);
});

test('more digits than max_length has is refused before the space arrives (no unbounded buffering)', () => {
  const run = pre(textualLengthPrefixed, { max_length: 100 }).feed(['1', '23', '4']);
  assert.equal(run.messages, ['ERR_PROCESSOR_MAX_LENGTH textual-length-prefixed: a frame length of more than 3 digits exceeds max_length 100; the rest of this read is dropped']);
});

test('something other than digits and a space is an error naming the byte', () => {
  assert.equal(pre(textualLengthPrefixed).feed(['12x hello']).messages, ['ERR_PROCESSOR_FAILED textual-length-prefixed: expected the frame length in ASCII digits and a space, found byte 0x78 at 2; the rest of this read is dropped']);
  assert.equal(pre(textualLengthPrefixed).feed([' 1 a']).messages, ['ERR_PROCESSOR_FAILED textual-length-prefixed: expected the frame length in ASCII digits and a space, found byte 0x20 at 0; the rest of this read is dropped']);
});

test('a stream that ends inside a frame is an error at finish', () => {
  assert.equal(pre(textualLengthPrefixed).feed(['5 ab']).finish().messages, ['ERR_PROCESSOR_FAILED textual-length-prefixed: the stream ended 2 bytes into a frame of 5 bytes']);
});

test.run();
