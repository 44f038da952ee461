import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Backoff, ReconnectSchema } from '../../../src/engine/reconnect.js';

const retry = (r: Record<string, unknown>) => ReconnectSchema.parse({ retry: r });

test('waits grow by growth_rate from interval_ms, and max_retries counts the first failure', () => {
  const b = new Backoff(retry({ interval_ms: 100, growth_rate: 2, randomized: false, max_retries: 4 }));
  assert.equal([b.failed(), b.failed(), b.failed(), b.failed()], [100, 200, 400, undefined]);
  assert.is(b.failures, 4);
});

test('randomized waits fall between the previous wait and the previous times growth_rate', () => {
  const draws = [0, 1, 0.5];
  const b = new Backoff(retry({ interval_ms: 100, growth_rate: 2 }), () => draws.shift()!);
  assert.equal([b.failed(), b.failed(), b.failed(), b.failed()], [100, 100, 200, 300]);
});

test('max_interval_ms caps every wait', () => {
  const b = new Backoff(retry({ interval_ms: 100, growth_rate: 10, randomized: false, max_interval_ms: 250 }));
  assert.equal([b.failed(), b.failed(), b.failed()], [100, 250, 250]);
});

test('without max_retries (or with null) it never gives up', () => {
  for (const max of [undefined, null]) {
    const b = new Backoff(retry({ interval_ms: 1, growth_rate: 1, randomized: false, ...(max === null ? { max_retries: null } : {}) }));
    for (let i = 0; i < 1000; i++) assert.is(b.failed(), 1);
  }
});

test('a connection that lived at least interval_ms starts over with an immediate attempt', () => {
  const b = new Backoff(retry({ interval_ms: 100, growth_rate: 2, randomized: false, max_retries: 3 }));
  b.failed();
  b.failed();
  b.succeeded();
  assert.is(b.lost(150), 0);
  assert.is(b.failures, 0);
  assert.equal([b.failed(), b.failed(), b.failed()], [100, 200, undefined]);
});

test('a connection dropped sooner than interval_ms counts as a failed attempt, so a flapping server is backed off', () => {
  const b = new Backoff(retry({ interval_ms: 100, growth_rate: 2, randomized: false, max_retries: 3 }));
  b.succeeded();
  assert.is(b.lost(5), 100);
  b.succeeded();
  assert.is(b.lost(5), 200);
  b.succeeded();
  assert.is(b.lost(5), undefined);
});

test('"none" retries nothing after a failed connect, and a lost connection once after 1 s', () => {
  const b = new Backoff('none');
  assert.is(b.failed(), undefined);
  b.succeeded();
  assert.is(b.lost(10_000), 1000);
  assert.is(b.lost(10_000), undefined);
  b.succeeded();
  assert.is(b.lost(10_000), 1000);
});

test('the policy defaults are Tremor’s', () => {
  assert.equal(retry({ interval_ms: 5 }), { retry: { interval_ms: 5, growth_rate: 1.5, randomized: true } });
  assert.is(ReconnectSchema.parse(undefined), 'none');
});

test.run();
