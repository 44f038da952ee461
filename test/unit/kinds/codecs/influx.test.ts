import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { influx } from '../../../../src/kinds/codecs/influx.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

const codec = codecOf(influx);
const bigints = codecOf(influx, { integers: 'bigint' });
const FORMAT = 'expected measurement[,tag=value...] field=value[,field=value...] [timestamp]';

test('decodes a line to {measurement, tags, fields, timestamp} (Tremor\'s example)', () => {
  assert.equal(decode(codec, 'weather,location=us-midwest temperature=82 1465839830100400200'), {
    measurement: 'weather',
    tags: { location: 'us-midwest' },
    fields: { temperature: 82 },
    timestamp: 1465839830100400200n,
  });
});

test('a missing timestamp is null and no tags are an empty record', () => {
  assert.equal(decode(codec, 'cpu usage=0.5'), { measurement: 'cpu', tags: {}, fields: { usage: 0.5 }, timestamp: null });
});

test('a timestamp within 2^53 is a number', () => {
  assert.equal((decode(codec, 'cpu usage=0.5 1465839830') as { timestamp: unknown }).timestamp, 1465839830);
});

test('escapes: measurement comma and space, tag and field keys and tag values comma, equals and space', () => {
  assert.equal(decode(codec, 'wea\\,ther\\ now,loc\\ at\\=ion=us\\,mid\\ west temp\\=erature=82 1'), {
    measurement: 'wea,ther now',
    tags: { 'loc at=ion': 'us,mid west' },
    fields: { 'temp=erature': 82 },
    timestamp: 1,
  });
});

test('string fields: \\" and \\\\ are escapes, other backslashes stay (Tremor\'s cases 5 and 8)', () => {
  assert.equal((decode(codec, 'w s="too\\ hot\\cold"') as { fields: unknown }).fields, { s: 'too\\ hot\\cold' });
  assert.equal((decode(codec, 'w s="too hot\\\\\\cold"') as { fields: unknown }).fields, { s: 'too hot\\\\cold' });
  assert.equal((decode(codec, 'w s="say \\"hi\\", a=b c"') as { fields: unknown }).fields, { s: 'say "hi", a=b c' });
});

test('integers (i), unsigned (u), floats and every boolean spelling', () => {
  const line = 'm i=-42i,u=42u,f=-1.5e3,t1=t,t2=T,t3=true,t4=True,t5=TRUE,f1=f,f2=F,f3=false,f4=False,f5=FALSE';
  assert.equal((decode(codec, line) as { fields: unknown }).fields, {
    i: -42, u: 42, f: -1500, t1: true, t2: true, t3: true, t4: true, t5: true, f1: false, f2: false, f3: false, f4: false, f5: false,
  });
});

test('an integer beyond 2^53 decodes to a bigint; with integers: bigint every integer does', () => {
  assert.equal((decode(codec, 'm a=9007199254740993i,b=18446744073709551615u,c=1i') as { fields: unknown }).fields, { a: 9007199254740993n, b: 18446744073709551615n, c: 1 });
  assert.equal((decode(bigints, 'm a=1i,b=2u,c=3') as { fields: unknown }).fields, { a: 1n, b: 2n, c: 3 });
});

test('encodes with the escaping rules (Tremor\'s mixed bag)', () => {
  const value = { measurement: 'wea,\\ ther', tags: {}, fields: { 'temp=erature': 82.5, 'too\\ \\\\\\"hot"': true }, timestamp: 1465839830100400200n };
  assert.is(encodeText(codec, value), 'wea\\,\\\\\\ ther temp\\=erature=82.5,too\\\\\\ \\\\\\\\\\\\"hot"=true 1465839830100400200');
  assert.equal(decode(codec, encodeText(codec, value)), value);
});

test('integral numbers encode with i, others as floats; bigints with i, or u beyond the signed range', () => {
  assert.is(encodeText(codec, { measurement: 'm', fields: { a: 82, b: 0.5, c: 2n ** 63n, d: -5n, e: 2 ** 60 } }), 'm a=82i,b=0.5,c=9223372036854775808u,d=-5i,e=1152921504606847000');
});

test('with integers: bigint, numbers always encode as floats, so a float field stays a float', () => {
  assert.is(encodeText(bigints, { measurement: 'm', fields: { a: 82, b: 82n } }), 'm a=82,b=82i');
  const line = 'kafka,dc=iad1 In=0i,Out=1993153i,Load=82 1562179275506000000';
  assert.is(encodeText(bigints, decode(bigints, line)), line);
});

test('round-trips Tremor\'s live use case byte for byte', () => {
  const line =
    'kafka_BrokerTopicMetrics,agent=jmxtrans,dc=iad1,host_name=kafka-iad1-g4-1,junk=kafka_topic,kafka_type=server,metric_type=counter,topic_name=customerEmailServiceMessage BytesInPerSec=0i,BytesOutPerSec=0i,FailedFetchRequestsPerSec=0i,FetchMessageConversionsPerSec=0i,TotalFetchRequestsPerSec=1993153i 1562179275506000000';
  assert.is(encodeText(codec, decode(codec, line)), line);
});

test('null fields are left out; a line with no field left is an error', () => {
  assert.is(encodeText(codec, { measurement: 'm', fields: { a: null, b: 'x' }, timestamp: null }), 'm b="x"');
  assert.is(thrown(() => codec.encode({ measurement: 'm', fields: { a: null } }, {})), 'influx: a line needs at least one field that is not null');
});

test('comment and blank lines carry nothing', () => {
  assert.is(decode(codec, '# a comment'), undefined);
  assert.is(decode(codec, ''), undefined);
});

test('a line without fields is an error saying where and what was expected', () => {
  assert.is(thrown(() => decode(codec, 'weather')), `influx: missing space and fields after the measurement and tags at character 7; ${FORMAT}`);
});

test('a bad field value is an error naming the field and the types it may have', () => {
  assert.is(
    thrown(() => decode(codec, 'weather temperature=82x')),
    `influx: field "temperature" value "82x" is not a float, an integer (42i), an unsigned (42u), a boolean or a "string" at character 20; ${FORMAT}`,
  );
});

test('an unclosed string, an empty tag value and a bad timestamp are errors', () => {
  assert.is(thrown(() => decode(codec, 'w s="abc')), `influx: string field value not closed by a double quote at character 4; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'w,t= v=1')), `influx: empty value for tag "t" at character 4; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'w v=1 12x')), `influx: timestamp "12x" is not an integer of nanoseconds at character 6; ${FORMAT}`);
});

test('an integer out of the 64-bit range is an error', () => {
  assert.is(thrown(() => decode(codec, 'w v=9223372036854775808i')), `influx: field "v" value 9223372036854775808i is out of range for a signed 64-bit integer at character 4; ${FORMAT}`);
  assert.is(thrown(() => decode(codec, 'w v=-1u')), `influx: field "v" value -1u is out of range for an unsigned 64-bit integer at character 4; ${FORMAT}`);
});

test('encode errors name the part that cannot be written', () => {
  assert.is(thrown(() => codec.encode({ measurement: '', fields: { a: 1 } }, {})), 'influx: "measurement" must be a non-empty string without line breaks, got ""');
  assert.is(thrown(() => codec.encode({ measurement: '#m', fields: { a: 1 } }, {})), 'influx: "measurement" must not start with "#" (that line would be a comment), got "#m"');
  assert.is(thrown(() => codec.encode({ measurement: 'm', fields: { a: NaN } }, {})), 'influx: field "a" must be a finite number, a 64-bit integer, a string or a boolean, got NaN');
  assert.is(thrown(() => codec.encode({ measurement: 'm', fields: { a: 1 }, timestamp: 1.5 }, {})), 'influx: "timestamp" must be an integer of nanoseconds (a bigint beyond 2^53) or null, got 1.5');
  assert.is(thrown(() => codec.encode('m a=1', {})), 'influx: expected {measurement, tags?, fields, timestamp?}, got "m a=1"');
});

test.run();
