import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throttle } from '../../../../src/kinds/operators/throttle.js';
import { runOperator } from './support.js';
import { subscribed, virtualTime } from './virtual-time.js';

test('events over the rate wait in order and leave one per token as tokens come back', () => {
  const time = virtualTime();
  const h = runOperator(throttle, { rate: 10, burst: 2 }, { scheduler: time.scheduler });
  const log: string[] = [];
  // What has left on `out` by then, as `time: data,...`.
  const seen = (): void => void log.push(`${time.scheduler.now()}: ${h.data().join(',')}`);
  time.at(0, () => [1, 2, 3, 4, 5].forEach((n) => h.push(n)));
  // Looked at just before and after each 100 ms, when a token comes back.
  for (const t of [0, 99, 101, 199, 201, 299, 301, 400]) time.at(t, seen);
  time.runTo(400);
  assert.equal(log.join(' | '), '0: 1,2 | 99: 1,2 | 101: 1,2,3 | 199: 1,2,3 | 201: 1,2,3,4 | 299: 1,2,3,4 | 301: 1,2,3,4,5 | 400: 1,2,3,4,5');
  assert.is(time.pending, 0, 'no timer once nothing waits');
});

test('burst defaults to rate: after a quiet spell that many pass at once', () => {
  const time = virtualTime();
  const h = runOperator(throttle, { rate: 3 }, { scheduler: time.scheduler });
  time.at(0, () => [1, 2, 3, 4].forEach((n) => h.push(n)));
  time.runTo(0);
  assert.equal(h.data(), [1, 2, 3]);
  time.runTo(334); // a token every 333.3 ms, on whole milliseconds
  assert.equal(h.data(), [1, 2, 3, 4]);
});

test('an event that finds others waiting waits behind them', () => {
  const time = virtualTime();
  const h = runOperator(throttle, { rate: 1, burst: 1 }, { scheduler: time.scheduler });
  time.at(0, () => ['a', 'b'].forEach((n) => h.push(n)));
  time.at(1500, () => h.push('c'));
  time.runTo(1500);
  assert.equal(h.data(), ['a', 'b']);
  time.runTo(2000);
  assert.equal(h.data(), ['a', 'b', 'c']);
});

test('past max_queue waiting events, events go to overflow at once', () => {
  const time = virtualTime();
  const h = runOperator(throttle, { rate: 1, burst: 1, max_queue: 2 }, { scheduler: time.scheduler });
  time.at(0, () => [1, 2, 3, 4, 5].forEach((n) => h.push(n)));
  time.runTo(0);
  assert.equal([h.data(), h.data('overflow')], [[1], [4, 5]]);
  time.runTo(2000);
  assert.equal([h.data(), h.data('overflow')], [[1, 2, 3], [4, 5]]);
});

test('completing the input releases every waiting event at once, in order, then completes', () => {
  const time = virtualTime();
  const h = runOperator(throttle, { rate: 1, burst: 1 }, { scheduler: time.scheduler });
  time.at(0, () => [1, 2, 3].forEach((n) => h.push(n)));
  time.at(10, () => h.input.complete());
  time.runTo(10);
  assert.equal(h.data(), [1, 2, 3]);
  assert.ok(h.completed.value);
  assert.is(time.pending, 0);
});

test('unsubscribing cancels the release timer and drops what waits', () => {
  const time = virtualTime();
  const op = subscribed(throttle, { rate: 1, burst: 1 }, time);
  for (const n of [1, 2]) op.input.next({ data: n, meta: {}, origins: [], ingestNs: 0n, id: n });
  assert.is(time.pending, 1);
  op.subscription.unsubscribe();
  assert.is(time.pending, 0);
  time.runTo(5000);
  assert.equal(op.out.map((e) => e.data), [1]);
});

test('a rate that is not positive, a burst under 1 or a max_queue that is not a positive integer is refused', () => {
  const issues = (config: unknown) => throttle.config.safeParse(config).error?.issues.map((i) => [i.path, i.message]);
  assert.equal(issues({ rate: 0, burst: 0.5 }), [
    [['rate'], 'Too small: expected number to be >0'],
    [['burst'], 'Too small: expected number to be >=1'],
  ]);
  assert.equal(issues({ rate: 1, max_queue: 0 }), [[['max_queue'], 'Too small: expected number to be >0']]);
  assert.equal(issues({}), [[['rate'], 'Invalid input: expected number, received undefined']]);
});

test.run();
