import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { graphitePlaintext } from '../../../../src/kinds/codecs/graphite-plaintext.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

const codec = codecOf(graphitePlaintext);
const FORMAT = 'expected metric.path[;tag=value...] value timestamp';

test('is registered under Tremor\'s name graphite-plaintext', () => {
  assert.is(graphitePlaintext.name, 'graphite-plaintext');
});

test('decodes path, value and timestamp and encodes them back (Tremor\'s case)', () => {
  assert.equal(decode(codec, 'beep.boop 7 1620649445'), { metric: 'beep.boop', value: 7, timestamp: 1620649445 });
  assert.is(encodeText(codec, { metric: 'beep.boop', value: 7, timestamp: 1620649445 }), 'beep.boop 7 1620649445');
});

test('tags after the path go to tags', () => {
  const value = { metric: 'disk.used', value: 42.5, timestamp: 1620649445, tags: { host: 'a1', dc: 'eu' } };
  assert.equal(decode(codec, 'disk.used;host=a1;dc=eu 42.5 1620649445'), value);
  assert.is(encodeText(codec, value), 'disk.used;host=a1;dc=eu 42.5 1620649445');
});

test('a timestamp of -1 means now, in seconds', () => {
  const before = Math.floor(Date.now() / 1000);
  const { timestamp } = decode(codec, 'beep.boop 320.0 -1') as { timestamp: number };
  assert.ok(timestamp >= before && timestamp <= Math.floor(Date.now() / 1000));
});

test('a record without a timestamp is written with -1 (now, to carbon)', () => {
  assert.is(encodeText(codec, { metric: 'a.b', value: 1 }), 'a.b 1 -1');
});

test('malformed lines are errors saying what was expected', () => {
  assert.is(thrown(() => decode(codec, '')), `graphite-plaintext: empty line; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'metric.with.measure.no.timestamp 320.0')), 'graphite-plaintext: 2 space-separated parts; expected 3: metric.path[;tag=value...] value timestamp');
  assert.is(thrown(() => decode(codec, 'a.b x 1')), `graphite-plaintext: value "x" is not a number; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'a.b 1 1.5')), `graphite-plaintext: timestamp "1.5" is not whole seconds since the epoch (or -1); ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'a.b;tag 1 1')), `graphite-plaintext: tag "tag" is not name=value; ${FORMAT}`);
});

test('encode errors name the field', () => {
  assert.is(thrown(() => codec.encode({ metric: 'a b', value: 1 }, {})), 'graphite-plaintext: "metric" must not contain " ", got "a b"');
  assert.is(thrown(() => codec.encode({ metric: 'a', value: 'x' }, {})), 'graphite-plaintext: "value" must be a finite number, got "x"');
  assert.is(thrown(() => codec.encode({ metric: 'a', value: 1, timestamp: 1.5 }, {})), 'graphite-plaintext: "timestamp" must be whole seconds since the epoch (or -1 for now), got 1.5');
});

test.run();
