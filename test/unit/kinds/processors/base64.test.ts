import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base64 } from '../../../../src/kinds/processors/base64.js';
import { post, pre } from './support.js';

test('out: encodes each frame to padded standard base64', () => {
  assert.equal(post(base64).feed(['snot', 'ab', '']).texts, ['c25vdA==', 'YWI=', '']);
});

test('in: decodes each chunk', () => {
  assert.equal(pre(base64).feed(['c25vdA==', 'YWI=', 'YmFkZ2Vy', '']).texts, ['snot', 'ab', 'badger', '']);
});

test('in: bytes outside the alphabet are an error naming the first one', () => {
  assert.equal(pre(base64).feed(['c25v*A==']).messages, ['ERR_PROCESSOR_FAILED base64: byte 0x2a at 4 is not in the base64 alphabet (A-Z, a-z, 0-9, +, /)']);
});

test('in: a length that is not a multiple of 4 is an error', () => {
  assert.equal(pre(base64).feed(['c25vdA']).messages, ['ERR_PROCESSOR_FAILED base64: length 6 is not a multiple of 4 (missing "=" padding?)']);
});

test('in: padding in the middle is an error', () => {
  assert.equal(pre(base64).feed(['YQ==YWI=']).messages, ['ERR_PROCESSOR_FAILED base64: "=" padding at 2 is not at the end']);
});

test.run();
