import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collect } from '../../../../src/kinds/processors/collect.js';
import { post } from './support.js';

test('holds every frame and emits them as one buffer when the stream ends', () => {
  const run = post(collect).feed(['a', 'bc', '', 'def']);
  assert.equal(run.frames, []);
  run.finish();
  assert.equal(run.texts, ['abcdef']);
});

test('an empty stream emits nothing', () => {
  assert.equal(post(collect).finish().frames, []);
});

test.run();
