import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rateLimit } from '../../../../src/kinds/operators/rate-limit.js';
import { runOperator } from './support.js';
import { virtualTime } from './virtual-time.js';

test('events over the rate go to overflow at once, never delayed, and the bucket refills with time', () => {
  const time = virtualTime();
  const h = runOperator(rateLimit, { rate: 2, burst: 2 }, { scheduler: time.scheduler });
  time.at(0, () => ['a', 'b', 'c'].forEach((n) => h.push(n)));
  time.at(500, () => h.push('d'));
  time.at(600, () => h.push('e'));
  time.at(1000, () => h.push('f'));
  time.at(2500, () => ['g', 'h', 'i'].forEach((n) => h.push(n)));
  time.runTo(3000);
  assert.equal(h.data(), ['a', 'b', 'd', 'f', 'g', 'h']);
  assert.equal(h.data('overflow'), ['c', 'e', 'i']);
});

test('it never holds a timer', () => {
  const time = virtualTime();
  const h = runOperator(rateLimit, { rate: 1 }, { scheduler: time.scheduler });
  for (let n = 0; n < 5; n++) h.push(n);
  assert.is(time.pending, 0);
  assert.equal([h.data(), h.data('overflow')], [[0], [1, 2, 3, 4]]);
});

test('a rate under one per second still lets one event through, then one per 1/rate seconds', () => {
  const time = virtualTime();
  const h = runOperator(rateLimit, { rate: 0.5 }, { scheduler: time.scheduler });
  for (const t of [0, 1000, 1999, 2000, 3000, 4000]) time.at(t, () => h.push(t));
  time.runTo(4000);
  assert.equal(h.data(), [0, 2000, 4000]);
  assert.equal(h.data('overflow'), [1000, 1999, 3000]);
});

test('completing the input completes the operator', () => {
  const h = runOperator(rateLimit, { rate: 1 });
  h.input.complete();
  assert.ok(h.completed.value);
});

test('a rate that is not positive or a burst under 1 is refused', () => {
  const issues = (config: unknown) => rateLimit.config.safeParse(config).error?.issues.map((i) => [i.path, i.message]);
  assert.equal(issues({ rate: -1 }), [[['rate'], 'Too small: expected number to be >0']]);
  assert.equal(issues({ rate: 5, burst: 0 }), [[['burst'], 'Too small: expected number to be >=1']]);
  assert.equal(issues({ rate: 5, max_queue: 3 }), [[[], 'Unrecognized key: "max_queue"']]);
});

test.run();
