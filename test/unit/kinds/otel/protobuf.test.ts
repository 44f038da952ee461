import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SIGNALS } from '../../../../src/kinds/otel/otlp-schema.js';
import { MAX_DEPTH } from '../../../../src/kinds/otel/message-schema.js';
import { decode, DecodeLimitError } from '../../../../src/kinds/otel/protobuf-decode.js';
import { encode, ShapeError } from '../../../../src/kinds/otel/protobuf-encode.js';
import { Reader, WireError, Writer } from '../../../../src/kinds/otel/protobuf-wire.js';

const [TRACE, METRICS, LOGS] = SIGNALS.map((s) => s.request) as [typeof SIGNALS[0]['request'], typeof SIGNALS[0]['request'], typeof SIGNALS[0]['request']];

const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
};

test('varints round-trip at their edges: 64-bit values past 2^53 as bigints, negative int32 as 10 bytes', () => {
  const w = new Writer();
  const values = [0, 1, 127, 128, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, 2n ** 53n + 1n, 2n ** 64n - 1n];
  for (const v of values) w.varint64(v);
  w.int32(-1);
  const bytes = w.finish();
  const r = new Reader(bytes);
  assert.equal(values.map(() => r.uint64()), [0, 1, 127, 128, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, 2n ** 53n + 1n, 2n ** 64n - 1n]);
  const at = r.pos;
  assert.is(r.int32(), -1);
  assert.is(r.pos - at, 10);
  const f = new Writer();
  f.fixed64(-5);
  f.fixed64(2n ** 63n);
  const fr = new Reader(f.finish());
  assert.is(fr.fixed64(true), -5);
  assert.is(fr.fixed64(false), 2n ** 63n);
});

test('a nested message longer than 127 bytes gets a 2-byte length, its content moved back in place', () => {
  const w = new Writer();
  const at = w.begin();
  w.string('x'.repeat(200));
  w.end(at);
  const r = new Reader(w.finish());
  const [from, to] = r.span();
  assert.is(to - from, 202);
  assert.is(new Reader(r.buf, from, to).string(), 'x'.repeat(200));
});

test('Tremor’s JSON round-trips: ids as hex, times past 2^53 exact, attributes typed, defaults filled in', () => {
  const span = { name: 's', span_id: '00f067aa0ba902b7', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', start_time_unix_nano: 1646054197366955000n, attributes: { i: -3, d: 1.5, b: true, s: 'x', l: [1, 'a'], r: { k: null }, bytes: Buffer.from([1, 2]) } };
  const back = decode(TRACE, encode(TRACE, { trace: [{ instrumentation_library_spans: [{ spans: [span] }] }] })) as any;
  const got = back.trace[0].instrumentation_library_spans[0].spans[0];
  assert.is(got.start_time_unix_nano, 1646054197366955000n);
  assert.is(got.end_time_unix_nano, 0);
  assert.equal(got.attributes, { i: -3, d: 1.5, b: true, s: 'x', l: [1, 'a'], r: { k: null }, bytes: Buffer.from([1, 2]) });
  assert.is(got.parent_span_id, '');
  assert.equal(got.status, { code: 0, deprecated_code: 0, message: 'status code unset' }, 'Tremor’s status when none was sent');
  assert.equal(back.trace[0].schema_url, '');
  assert.not.ok('resource' in back.trace[0], 'no resource sent, none shown');
  assert.not.ok('flags' in got, 'a field newer than Tremor’s JSON shows only when set');
});

test('the 2022 layout’s field 1000 is read as instrumentation_library_logs too', () => {
  const inner = encode(LOGS, { logs: [{ scope_logs: [{ scope: { name: 'old' }, log_records: [{ body: 'hi' }] }] }] });
  // Move the ScopeLogs (field 2 of ResourceLogs) to field 1000: rewrite the tag inside.
  const decoded = decode(LOGS, inner) as any;
  assert.is(decoded.logs[0].instrumentation_library_logs[0].instrumentation_library.name, 'old');
  const w = new Writer();
  w.tag(1, 2);
  const rl = w.begin();
  w.tag(1000, 2);
  const sl = w.begin();
  w.tag(1, 2);
  const scope = w.begin();
  w.tag(1, 2);
  w.string('legacy');
  w.end(scope);
  w.end(sl);
  w.end(rl);
  const legacy = decode(LOGS, w.finish()) as any;
  assert.equal(legacy.logs[0].instrumentation_library_logs[0].instrumentation_library, { name: 'legacy', version: '' });
});

test('an attribute named __proto__ is a key like any other, not the prototype', () => {
  const bytes = encode(TRACE, { trace: [{ resource: { attributes: JSON.parse('{"__proto__": {"polluted": true}}') } }] });
  const back = decode(TRACE, bytes) as any;
  const attrs = back.trace[0].resource.attributes;
  assert.equal(Object.keys(attrs), ['__proto__']);
  assert.is(Object.getPrototypeOf(attrs), Object.prototype);
  assert.is(({} as { polluted?: boolean }).polluted, undefined);
});

test('hostile bytes are refused with the reason: truncation, wrong wire type, bad UTF-8, nesting, groups', () => {
  assert.is(thrown(() => decode(TRACE, Uint8Array.from([0x0a, 0x05, 0x01]))).message, 'truncated field (5 bytes expected, 1 left) at byte 2');
  assert.is(thrown(() => decode(TRACE, Uint8Array.from([0x08, 0x01]))).message, 'ExportTraceServiceRequest.trace (field 1) has wire type 0, expected 2, at byte 1');
  assert.is(thrown(() => decode(TRACE, Uint8Array.from([0x0a, 0x04, 0x1a, 0x02, 0xc3, 0x28]))).message, 'a string field that is not UTF-8 at byte 4');
  assert.is(thrown(() => decode(TRACE, Uint8Array.from([0x9b, 0x06]))).message, 'unsupported wire type 3 at byte 2');
  assert.is(thrown(() => decode(TRACE, Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).message, 'varint longer than 10 bytes at byte 10');
  // An AnyValue holding a list holding a list ... deeper than the limit.
  let deep: unknown = 'leaf';
  for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep];
  const w = new Writer();
  const writeNested = (depth: number): void => {
    w.tag(5, 2);
    const list = w.begin();
    w.tag(1, 2);
    const item = w.begin();
    if (depth > 0) writeNested(depth - 1);
    w.end(item);
    w.end(list);
  };
  w.tag(1, 2);
  const rs = w.begin();
  w.tag(1, 2);
  const res = w.begin();
  w.tag(1, 2);
  const kv = w.begin();
  w.tag(2, 2);
  const any = w.begin();
  writeNested(MAX_DEPTH + 5);
  w.end(any);
  w.end(kv);
  w.end(res);
  w.end(rs);
  const err = thrown(() => decode(TRACE, w.finish()));
  assert.instance(err, WireError);
  assert.match(err.message, `values nested deeper than ${MAX_DEPTH} levels`);
  const shape = thrown(() => encode(TRACE, { trace: [{ resource: { attributes: { deep } } }] }));
  assert.instance(shape, ShapeError);
  assert.match(shape.message, `values nested deeper than ${MAX_DEPTH} levels`);
});

test('unknown fields are skipped, as protobuf readers do', () => {
  const w = new Writer();
  w.tag(99, 0);
  w.varint32(5);
  w.tag(98, 1);
  w.fixed64(1);
  w.tag(97, 5);
  w.fixed32(1);
  w.tag(96, 2);
  w.string('?');
  assert.equal(decode(METRICS, w.finish()), { metrics: [] });
});

test('values of the wrong type are refused naming their path and what was expected', () => {
  const m = (point: object) => ({ metrics: [{ instrumentation_library_metrics: [{ metrics: [{ name: 'x', data: { sum: { data_points: [point] } } }] }] }] });
  assert.is(thrown(() => encode(METRICS, m({ value: 1, flags: -1 }))).message, 'metrics[0].instrumentation_library_metrics[0].metrics[0].data.sum.data_points[0].flags: expected an integer from 0 to 4294967295, received -1');
  assert.is(thrown(() => encode(METRICS, m({ value: 1, time_unix_nano: 1.5 }))).message, 'metrics[0].instrumentation_library_metrics[0].metrics[0].data.sum.data_points[0].time_unix_nano: expected an integer from 0 to 2^64-1, received 1.5');
  assert.is(thrown(() => encode(TRACE, { trace: {} })).message, 'trace: expected a list, received {}');
  assert.is(thrown(() => encode(TRACE, { trace: [{ resource: { attributes: [1] } }] })).message, 'trace[0].resource.attributes: expected a record of attributes, received [1]');
});

test('decoding stops past its item budget: 2 bytes of an empty span are a dozen decoded fields', () => {
  const spans = 50;
  const bytes = Uint8Array.from([0x0a, 2 * spans + 2, 0x12, 2 * spans, ...Array.from({ length: spans }, () => [0x12, 0x00]).flat()]);
  const whole = decode(TRACE, bytes) as { trace: [{ instrumentation_library_spans: [{ spans: object[] }] }] };
  assert.is(whole.trace[0].instrumentation_library_spans[0].spans.length, spans);
  assert.ok(Object.keys(whole.trace[0].instrumentation_library_spans[0].spans[0]!).length >= 10, 'each empty span a full record');
  const err = thrown(() => decode(TRACE, bytes, 500));
  assert.instance(err, DecodeLimitError);
  assert.instance(err, WireError);
  assert.match(err.message, /^more than 500 decoded items \(messages, fields and values\) at byte \d+$/);
  // Attribute values and packed numbers count too, not only messages.
  const values = Uint8Array.from([0x0a, 2 + 4 * 25, 0x0a, 4 * 25, ...Array.from({ length: 25 }, () => [0x0a, 0x02, 0x12, 0x00]).flat()]);
  assert.not.throws(() => decode(TRACE, values, 80));
  assert.instance(thrown(() => decode(TRACE, values, 50)), DecodeLimitError);
  assert.not.throws(() => decode(TRACE, bytes, 5000));
});

test('a writer lets go of a buffer grown past 1 MiB once it has finished, and keeps a smaller one', () => {
  const w = new Writer();
  w.bytes(new Uint8Array(100_000));
  const small = w.finish();
  assert.is(small.length, 100_000 + 3);
  assert.ok(w.capacity >= 100_003, 'a buffer under 1 MiB is kept for the next message');
  w.reset();
  w.bytes(new Uint8Array(3 * 1024 * 1024).fill(7));
  const big = w.finish();
  assert.is(big.length, 3 * 1024 * 1024 + 4);
  assert.is(big[big.length - 1], 7, 'the copy is whole');
  assert.is(w.capacity, 4096);
});

test('doubles round-trip at their edges, read at any offset', () => {
  const w = new Writer();
  w.varint32(1);
  for (const d of [0, -0, 1.5, -2.25e-308, Number.MAX_VALUE, Infinity, -Infinity]) w.double(d);
  const r = new Reader(w.finish(), 1);
  for (const d of [0, -0, 1.5, -2.25e-308, Number.MAX_VALUE, Infinity, -Infinity]) assert.is(Object.is(r.double(), d), true, String(d));
  assert.ok(Number.isNaN(new Reader(Buffer.from([0, 0, 0, 0, 0, 0, 0xf8, 0x7f])).double()));
});

test.run();
