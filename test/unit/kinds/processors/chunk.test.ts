import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chunk } from '../../../../src/kinds/processors/chunk.js';
import { configProblems, post } from './support.js';

test('packs consecutive payloads up to max_bytes and emits when the next would not fit', () => {
  const run = post(chunk, { max_bytes: 10 }).feed(['aaa', 'bbb', 'ccc', 'dd', 'eee']);
  assert.equal(run.texts, ['aaabbbccc']);
  run.finish();
  assert.equal(run.texts, ['aaabbbccc', 'ddeee']);
});

test('a frame filled exactly is emitted at once', () => {
  assert.equal(post(chunk, { max_bytes: 6 }).feed(['abc', 'def']).texts, ['abcdef']);
});

test('a payload larger than max_bytes is emitted alone, after what was packed before it', () => {
  const run = post(chunk, { max_bytes: 4 }).feed(['ab', 'toolarge', 'cd']).finish();
  assert.equal(run.texts, ['ab', 'toolarge', 'cd']);
});

test('nothing packed, nothing emitted at finish', () => {
  assert.equal(post(chunk, { max_bytes: 4 }).finish().frames, []);
});

test('max_bytes is required and at least 1', () => {
  assert.equal(configProblems(chunk, undefined), ['max_bytes: missing; expected a number']);
  assert.equal(configProblems(chunk, {}), ['max_bytes: missing; expected a number']);
  assert.equal(configProblems(chunk, { max_bytes: 0 }), ['max_bytes: expected a number >= 1, received 0']);
});

test.run();
