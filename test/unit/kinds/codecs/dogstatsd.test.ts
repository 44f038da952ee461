import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dogstatsd } from '../../../../src/kinds/codecs/dogstatsd.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

const codec = codecOf(dogstatsd);

const roundTrips = (line: string, value: unknown): void => {
  assert.equal(decode(codec, line), value);
  assert.is(encodeText(codec, value), line);
};

test('a metric with sample rate, tags and container id (Tremor\'s complete payload)', () => {
  roundTrips('dog:111|g|@0.5|#foo:bar,fizz:buzz|c:123abc', {
    metric: { metric: 'dog', values: [111], type: 'g', sample_rate: 0.5, tags: ['foo:bar', 'fizz:buzz'], container_id: '123abc' },
  });
});

test('several values in one metric line, and the distribution type', () => {
  roundTrips('dog:111:222:333:4.44|d', { metric: { metric: 'dog', values: [111, 222, 333, 4.44], type: 'd' } });
});

test('counters and timings without options', () => {
  roundTrips('dog:1|c', { metric: { metric: 'dog', values: [1], type: 'c' } });
  roundTrips('dog:320|ms', { metric: { metric: 'dog', values: [320], type: 'ms' } });
});

test('an event with every optional field (Tremor\'s complete event)', () => {
  roundTrips('_e{4,6}:Test|A Test|d:1663016695|h:test.example.com|k:a1b2c3|p:normal|s:test|t:warning|#err_type:bad_file|c:123abc', {
    event: {
      title: 'Test',
      text: 'A Test',
      timestamp: 1663016695,
      hostname: 'test.example.com',
      aggregation_key: 'a1b2c3',
      priority: 'normal',
      source: 'test',
      type: 'warning',
      tags: ['err_type:bad_file'],
      container_id: '123abc',
    },
  });
});

test('event title and text lengths count UTF-8 bytes, and may contain "|"', () => {
  roundTrips('_e{6,3}:héllo|a|b', { event: { title: 'héllo', text: 'a|b' } });
});

test('a service check; the message is written last, as Datadog requires', () => {
  roundTrips('_sc|Redis connection|2|#env:dev|m:Redis connection timed out after 10s', {
    service_check: { name: 'Redis connection', status: 2, tags: ['env:dev'], message: 'Redis connection timed out after 10s' },
  });
  const tremorOrder = '_sc|Redis|2|d:1663016695|h:test.example.com|#env:dev|m:timed out|c:123abc';
  const value = decode(codec, tremorOrder);
  assert.equal(value, { service_check: { name: 'Redis', status: 2, timestamp: 1663016695, hostname: 'test.example.com', tags: ['env:dev'], message: 'timed out', container_id: '123abc' } });
  assert.is(encodeText(codec, value), '_sc|Redis|2|d:1663016695|h:test.example.com|#env:dev|c:123abc|m:timed out');
});

test('unknown sections are skipped, as the Datadog agent does', () => {
  assert.equal(decode(codec, 'dog:1|c|T1663016695|e:ext'), { metric: { metric: 'dog', values: [1], type: 'c' } });
});

test('malformed datagrams are errors saying what was expected', () => {
  assert.is(thrown(() => decode(codec, 'dog:111')), 'dogstatsd: missing "|" and a type after the value; expected name:value[:value...]|type[|@rate][|#tags][|c:container]');
  assert.is(thrown(() => decode(codec, 'dog:1|x')), 'dogstatsd: unknown type "x" (one of c, g, ms, h, s, d); expected name:value[:value...]|type[|@rate][|#tags][|c:container]');
  assert.is(
    thrown(() => decode(codec, '_e{4,6}:Test')),
    'dogstatsd: event of 12 bytes is shorter than its title and text lengths say (19); expected _e{title_length,text_length}:title|text[|d:..][|h:..][|k:..][|p:..][|s:..][|t:..][|#tags][|c:..]',
  );
  assert.is(thrown(() => decode(codec, '_sc|Redis connection')), 'dogstatsd: missing name or status; expected _sc|name|status[|d:..][|h:..][|#tags][|c:..][|m:message]');
  assert.is(thrown(() => decode(codec, '_sc|Redis|7')), 'dogstatsd: status "7" is not 0, 1, 2 or 3; expected _sc|name|status[|d:..][|h:..][|#tags][|c:..][|m:message]');
});

test('encode errors name the field', () => {
  assert.is(thrown(() => codec.encode({ other: 1 }, {})), 'dogstatsd: expected a record with "metric", "event" or "service_check", got {"other":1}');
  assert.is(thrown(() => codec.encode({ metric: { metric: 'm', values: [], type: 'c' } }, {})), 'dogstatsd: "values" must be a non-empty array of numbers, got []');
  assert.is(thrown(() => codec.encode({ metric: { metric: 'm', values: [1], type: 'c', tags: ['a,b'] } }, {})), 'dogstatsd: "tags" must be an array of strings without ",", "|" or line breaks, got ["a,b"]');
  assert.is(thrown(() => codec.encode({ service_check: { name: 'a|b', status: 0 } }, {})), 'dogstatsd: "name" must not contain "|", got "a|b"');
});

test.run();
