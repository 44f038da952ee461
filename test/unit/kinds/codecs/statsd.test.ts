import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statsd } from '../../../../src/kinds/codecs/statsd.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

const codec = codecOf(statsd);
const FORMAT = 'expected name:value|type[|@rate]';

const roundTrips = (line: string, value: unknown): void => {
  assert.equal(decode(codec, line), value);
  assert.is(encodeText(codec, value), line);
};

test('counter, timing, gauge, set and histogram lines decode and encode back (Tremor\'s cases)', () => {
  roundTrips('gorets:1|c', { metric: 'gorets', value: 1, type: 'c' });
  roundTrips('glork:320|ms', { metric: 'glork', value: 320, type: 'ms' });
  roundTrips('gaugor:333|g', { metric: 'gaugor', value: 333, type: 'g' });
  roundTrips('uniques:765|s', { metric: 'uniques', value: 765, type: 's' });
  roundTrips('horst:42.23|h', { metric: 'horst', value: 42.23, type: 'h' });
  roundTrips('foo:1620649445.3351967|h', { metric: 'foo', value: 1620649445.3351967, type: 'h' });
});

test('a sample rate is kept as sample_rate', () => {
  roundTrips('sam:7|c|@0.1', { metric: 'sam', value: 7, type: 'c', sample_rate: 0.1 });
});

test('a signed gauge is a delta: + is action add, - is action sub with the magnitude as value', () => {
  roundTrips('addy:+123|g', { metric: 'addy', value: 123, type: 'g', action: 'add' });
  roundTrips('subastian:-234|g', { metric: 'subastian', value: 234, type: 'g', action: 'sub' });
});

test('a negative counter keeps its sign', () => {
  roundTrips('errors:-3|c', { metric: 'errors', value: -3, type: 'c' });
});

test('an integer beyond 2^53 decodes to a bigint and writes back exactly', () => {
  roundTrips('big:12345678901234567890|c', { metric: 'big', value: 12345678901234567890n, type: 'c' });
});

test('trailing line break is allowed, a second line is not', () => {
  assert.equal(decode(codec, 'a:1|c\n'), { metric: 'a', value: 1, type: 'c' });
  assert.is(thrown(() => decode(codec, 'a:1|c\nb:2|c')), 'statsd: line break at character 5; expected one record per frame (split lines with the separate preprocessor)');
});

test('malformed lines are errors saying what was expected', () => {
  assert.is(thrown(() => decode(codec, 'gorets')), `statsd: missing ":" after the metric name; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, ':1|c')), `statsd: empty metric name; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'a:1')), `statsd: missing "|" and a type after the value; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'a:x|c')), `statsd: value "x" is not a number; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'a:1|q')), 'statsd: unknown type "q"; expected one of c, g, ms, h, s');
  assert.is(thrown(() => decode(codec, 'a:1|c|@x')), `statsd: sample rate "@x" is not a number; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'a:1|c|#tag')), `statsd: unexpected section "#tag"; ${FORMAT} (tags need the dogstatsd codec)`);
});

test('encode errors name the field', () => {
  assert.is(thrown(() => codec.encode({ metric: 'a', value: 1, type: 'x' }, {})), 'statsd: "type" must be one of c, g, ms, h, s, got "x"');
  assert.is(thrown(() => codec.encode({ metric: 'a:b', value: 1, type: 'c' }, {})), 'statsd: "metric" must not contain ":", got "a:b"');
  assert.is(thrown(() => codec.encode({ metric: 'a', value: '1', type: 'c' }, {})), 'statsd: "value" must be a finite number, got "1"');
  assert.is(thrown(() => codec.encode({ metric: 'a', value: 1, type: 'c', action: 'add' }, {})), 'statsd: "action" applies to gauges (type g) only, got type "c"');
  assert.is(thrown(() => codec.encode({ metric: 'a', value: -1, type: 'g' }, {})), 'statsd: a gauge cannot be set to a negative value (-1); use action "sub" for a decrement');
  assert.is(thrown(() => codec.encode({ metric: 'a', value: -1, type: 'g', action: 'sub' }, {})), 'statsd: a gauge decrement must not be negative, got -1');
});

test.run();
