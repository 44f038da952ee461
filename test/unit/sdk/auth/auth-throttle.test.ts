import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addressKey, AttemptThrottle } from '../../../../src/sdk/auth/attempt-throttle.js';

const config = { burst: 3, refill_ms: 6000, max_addresses: 100 };

test('an address has burst checks, then one every refill_ms, told as whole seconds to wait', () => {
  const t = new AttemptThrottle(config);
  assert.equal([t.take('10.0.0.1', 0), t.take('10.0.0.1', 0), t.take('10.0.0.1', 0)], [undefined, undefined, undefined]);
  assert.is(t.take('10.0.0.1', 0), 6);
  assert.is(t.take('10.0.0.1', 1500), 5);
  assert.is(t.take('10.0.0.1', 5999), 1);
  assert.is(t.take('10.0.0.1', 6000), undefined);
  assert.is(t.take('10.0.0.1', 6000), 6);
  assert.is(t.take('10.0.0.2', 6000), undefined, 'another address has its own bucket');
});

test('a success gives its check back: a user who logs in often is never throttled, and the bucket never grows past burst', () => {
  const t = new AttemptThrottle(config);
  for (let i = 0; i < 50; i++) {
    assert.is(t.take('10.0.0.1', i), undefined);
    t.refund('10.0.0.1', i);
  }
  t.refund('10.0.0.1', 100);
  assert.equal([t.take('10.0.0.1', 100), t.take('10.0.0.1', 100), t.take('10.0.0.1', 100), t.take('10.0.0.1', 100)], [undefined, undefined, undefined, 6]);
});

test('checks in flight count: concurrent guesses cannot all start before the first one fails', () => {
  const t = new AttemptThrottle(config);
  const answers = Array.from({ length: 100 }, () => t.take('10.0.0.1', 0));
  assert.is(answers.filter((a) => a === undefined).length, 3);
});

test('memory is bounded: past max_addresses the address unseen the longest is forgotten', () => {
  const t = new AttemptThrottle({ ...config, max_addresses: 2 });
  for (let i = 0; i < 3; i++) t.take('10.0.0.1', 0);
  t.take('10.0.0.2', 0);
  t.take('10.0.0.1', 0); // seen again: now the most recent
  t.take('10.0.0.3', 0);
  assert.is(t.size, 2);
  assert.is(t.take('10.0.0.1', 0), 6, 'still remembered');
  assert.is(t.take('10.0.0.2', 0), undefined, 'forgotten: a fresh bucket');
  for (let i = 0; i < 10_000; i++) t.take(`10.1.${i >> 8}.${i & 255}`, 0);
  assert.is(t.size, 2);
});

test('an IPv6 address is throttled by its /64, an IPv4-mapped one as IPv4', () => {
  assert.is(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.is(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
  assert.is(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.is(addressKey('::1'), '0:0:0:0::/64');
  assert.is(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.is(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.is(addressKey('64:ff9b::192.0.2.7'), '64:ff9b:0:0::/64');
  assert.is(addressKey('192.0.2.7'), '192.0.2.7');
  assert.is(addressKey(''), '');
  const t = new AttemptThrottle(config);
  for (let i = 0; i < 3; i++) t.take(`2001:db8:1:2::${i + 1}`, 0);
  assert.is(t.take('2001:db8:1:2:ffff::9', 0), 6, 'another address of the same /64');
  assert.is(t.take('2001:db8:1:3::1', 0), undefined, 'the next /64');
});

test.run();
