import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtins } from '../../../../src/app/builtins/registries.js';
import { FACILITIES, SEVERITIES } from '../../../../src/kinds/codecs/syslog-fields.js';
import type { Codec } from '../../../../src/sdk/codec-api.js';
import { codecOf, jsonReadBack } from './support.js';

const RUNS = { numRuns: 300 };
const codec = (name: string, config?: unknown): Codec => codecOf(builtins().codecs.get(name), config);
const roundTrip = (c: Codec, value: unknown): unknown => {
  const frame = c.encode(value, {});
  return c.decode(typeof frame === 'string' ? Buffer.from(frame) : frame, {});
};
const holds = <T>(name: string, arb: fc.Arbitrary<T>, config?: unknown): void => {
  const c = codec(name, config);
  fc.assert(
    fc.property(arb, (value) => {
      assert.equal(roundTrip(c, value), value);
    }),
    RUNS,
  );
};

// Building blocks. Text is whole graphemes (no lone surrogates, which UTF-8 cannot carry).
const text = (options: { minLength?: number; maxLength?: number } = {}) => fc.string({ unit: 'grapheme', maxLength: 12, ...options });
const safeName = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const bigBeyondSafe = fc.oneof(fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) - 1n }));
const number = fc.oneof(finite, fc.maxSafeInteger(), bigBeyondSafe);
const noProto = (k: string): boolean => k !== '__proto__';
/** No "__proto__" key at any depth (fast-check's JSON values can hold one). */
const protoFree = (v: unknown): boolean =>
  v === null || typeof v !== 'object' || Buffer.isBuffer(v) || (Array.isArray(v) ? v.every(protoFree) : Object.keys(v).every((k) => noProto(k) && protoFree((v as Record<string, unknown>)[k])));
// Plain objects, as the codecs make them (fast-check's default has no prototype, which equal() tells apart).
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T, requiredKeys?: Array<keyof T>) =>
  fc.record(model, { noNullPrototype: true, ...(requiredKeys === undefined ? {} : { requiredKeys }) } as fc.RecordConstraints<string>);
const dictionary = <V>(key: fc.Arbitrary<string>, value: fc.Arbitrary<V>, options: { minKeys?: number; maxKeys?: number } = {}) =>
  fc.dictionary(key, value, { ...options, noNullPrototype: true });
const asNs = (ns: bigint): number | bigint => (ns > BigInt(Number.MAX_SAFE_INTEGER) || ns < BigInt(Number.MIN_SAFE_INTEGER) ? ns : Number(ns));

test('json: decode(encode(x)) equals x for JSON values (a float past 2^53 comes back as the bigint of the digits it is written with)', () => {
  const c = codec('json');
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal(roundTrip(c, value), jsonReadBack(value));
    }),
    RUNS,
  );
});

test('msgpack: decode(encode(x)) equals x for JSON values, bytes and big integers', () => {
  const bytes = fc.uint8Array({ maxLength: 32 }).map((u) => Buffer.from(u));
  // msgpackr renames a "__proto__" key on the way in (its guard against prototype pollution), at
  // any depth.
  const leaf = fc.oneof(fc.jsonValue({ maxDepth: 2 }).filter(protoFree), bytes, bigBeyondSafe);
  const value = fc.oneof(leaf, fc.array(leaf, { maxLength: 5 }), dictionary(text().filter(noProto), leaf, { maxKeys: 5 }));
  holds('msgpack', value);
});

test('csv: decode(encode(x)) equals x for records of any text, with either separator', () => {
  const record = fc.array(text(), { minLength: 1, maxLength: 6 });
  holds('csv', record);
  holds('csv', record, { separator: ';' });
});

test('yaml: decode(encode(x)) equals x for JSON values', () => {
  holds('yaml', fc.jsonValue());
});

const fieldKey = text({ minLength: 1 }).filter((s) => !/[\r\n]/.test(s));
const influxRecord = (integers: fc.Arbitrary<number | bigint>) =>
  record({
    measurement: text({ minLength: 1 }).filter((s) => !/[\r\n]/.test(s) && !s.startsWith('#')),
    tags: dictionary(fieldKey, fieldKey, { maxKeys: 3 }),
    fields: dictionary(fieldKey, fc.oneof(text(), fc.boolean(), finite, integers), { minKeys: 1, maxKeys: 4 }),
    timestamp: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(asNs), { nil: null }),
  });

test('influx: decode(encode(x)) equals x for line protocol records (integers as numbers)', () => {
  holds('influx', influxRecord(fc.oneof(fc.maxSafeInteger(), bigBeyondSafe)));
});

test('influx with integers: bigint: every field keeps its type through a round trip', () => {
  holds('influx', influxRecord(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n })), { integers: 'bigint' });
});

test('statsd: decode(encode(x)) equals x for metrics of every type', () => {
  const magnitude = fc.oneof(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 64n }));
  const rate = fc.double({ min: 0, max: 1, noNaN: true });
  const other = record({ metric: safeName, value: number, type: fc.constantFrom('c', 'ms', 'h', 's'), sample_rate: rate }, ['metric', 'value', 'type']);
  const gauge = record({ metric: safeName, value: magnitude, type: fc.constant('g'), action: fc.constantFrom('add', 'sub'), sample_rate: rate }, ['metric', 'value', 'type']);
  holds('statsd', fc.oneof(other, gauge));
});

test('dogstatsd: decode(encode(x)) equals x for metrics, events and service checks', () => {
  const field = text({ minLength: 1 }).filter((s) => !/[|\r\n]/.test(s));
  const tags = fc.array(text().filter((s) => !/[,|\r\n]/.test(s)), { minLength: 1, maxLength: 3 });
  const common = { tags, container_id: field };
  const metric = record(
    { metric: safeName, values: fc.array(finite, { minLength: 1, maxLength: 3 }), type: fc.constantFrom('c', 'g', 'ms', 'h', 's', 'd'), sample_rate: finite, ...common },
    ['metric', 'values', 'type'],
  );
  const event = record(
    { title: text().filter((s) => !/[\r\n]/.test(s)), text: text().filter((s) => !/[\r\n]/.test(s)), timestamp: fc.nat(), hostname: field, aggregation_key: field, priority: field, source: field, type: field, ...common },
    ['title', 'text'],
  );
  const check = record({ name: field, status: fc.constantFrom(0, 1, 2, 3), timestamp: fc.nat(), hostname: field, message: field, ...common }, ['name', 'status']);
  holds('dogstatsd', fc.oneof(metric.map((m) => ({ metric: m })), event.map((e) => ({ event: e })), check.map((c) => ({ service_check: c }))));
});

test('graphite-plaintext: decode(encode(x)) equals x for metrics with and without tags', () => {
  const metric = record(
    { metric: safeName, value: number, timestamp: fc.maxSafeNat(), tags: dictionary(safeName.filter(noProto), safeName, { minKeys: 1, maxKeys: 3 }) },
    ['metric', 'value', 'timestamp'],
  );
  holds('graphite-plaintext', metric);
});

const printable = fc.stringMatching(/^[\x21-\x7e]{1,12}$/).filter((s) => s !== '-');
const sdName = fc.stringMatching(/^[\x21-\x7e]{1,8}$/).filter((s) => !/[="\]]/.test(s) && noProto(s));
const message = text({ minLength: 1 }).filter((s) => !s.endsWith('\n'));

test('syslog: decode(encode(x)) equals x for RFC 5424 records', () => {
  const entry = record(
    {
      protocol: fc.constant('RFC5424'),
      protocol_version: fc.integer({ min: 1, max: 999 }),
      facility: fc.constantFrom(...FACILITIES),
      severity: fc.constantFrom(...SEVERITIES),
      // Years 0000-9999, whole microseconds (RFC 5424's finest).
      timestamp: fc.bigInt({ min: -62167219200000000n, max: 253402300799999999n }).map((us) => asNs(us * 1000n)),
      hostname: printable,
      appname: printable,
      procid: printable,
      msgid: printable,
      structured_data: dictionary(sdName, fc.array(fc.tuple(sdName, text()).map(([k, v]) => ({ [k]: v })), { maxLength: 3 }), { minKeys: 1, maxKeys: 3 }),
      msg: message,
    },
    ['protocol', 'protocol_version', 'facility', 'severity'],
  );
  holds('syslog', entry);
});

test('syslog: decode(encode(x)) equals x for RFC 3164 records of this year, to the second', () => {
  const year = new Date().getUTCFullYear();
  // February to November: the December-in-January rule cannot move them to another year.
  const timestamp = fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 86399 })).map(([m, d, s]) => asNs(BigInt(Date.UTC(year, m, d) + s * 1000) * 1_000_000n));
  const entry = record(
    {
      protocol: fc.constant('RFC3164'),
      facility: fc.constantFrom(...FACILITIES),
      severity: fc.constantFrom(...SEVERITIES),
      timestamp,
      hostname: fc.stringMatching(/^[A-Za-z0-9.-]{1,12}$/).filter((s) => s !== '-'),
      appname: fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/),
      procid: fc.stringMatching(/^[0-9a-z]{1,6}$/),
      msg: message,
    },
    ['protocol', 'facility', 'severity', 'timestamp', 'appname'],
  );
  holds('syslog', entry);
});

/** A rough size of a decoded value, to see that output stays in proportion to input. */
function size(value: unknown): number {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))?.length ?? 0;
}

test('random bytes to every decoder: a value or an Error, never a hang or another throwable, and bounded output', () => {
  const decoders = builtins().codecs.values().map((def) => ({ name: def.name, codec: codecOf(def) }));
  const input = fc.oneof(fc.uint8Array({ maxLength: 96 }).map((u) => Buffer.from(u)), text({ maxLength: 64 }).map((s) => Buffer.from(s)));
  fc.assert(
    fc.property(input, (data) => {
      for (const { name, codec: c } of decoders) {
        let value: unknown;
        try {
          value = c.decode(data, {});
        } catch (err) {
          assert.instance(err, Error, `${name} threw a non-Error`);
          continue;
        }
        assert.ok(size(value) <= 64 * data.length + 256, `${name} made ${size(value)} characters of ${data.length} bytes`);
      }
    }),
    { numRuns: 500 },
  );
});

test('mangled valid frames to every decoder: truncated or with a byte changed, still a value or an Error', () => {
  const samples: Record<string, unknown> = {
    json: { a: [1, 'x'] },
    msgpack: { a: [1, 'x', Buffer.from([1, 2])] },
    csv: ['a', 'b,c', 'd"e'],
    yaml: { a: [1, 'x'], b: { c: null } },
    influx: { measurement: 'm', tags: { t: 'v' }, fields: { f: 1.5, s: 'x"y', i: 3 }, timestamp: 1 },
    statsd: { metric: 'm', value: 1, type: 'g', action: 'add', sample_rate: 0.5 },
    dogstatsd: { event: { title: 'tïtle', text: 'text', tags: ['a:b'] } },
    'graphite-plaintext': { metric: 'a.b', value: 1, timestamp: 1, tags: { t: 'v' } },
    syslog: { facility: 'user', severity: 'info', timestamp: 1, hostname: 'h', structured_data: { 'a@1': [{ k: 'v]' }] }, msg: 'hi' },
  };
  for (const [name, value] of Object.entries(samples)) {
    const c = codec(name);
    const frame = Buffer.from(c.encode(value, {}));
    fc.assert(
      fc.property(fc.nat(frame.length), fc.nat(frame.length - 1), fc.integer({ min: 0, max: 255 }), (cut, at, byte) => {
        for (const data of [frame.subarray(0, cut), Buffer.from(frame).fill(byte, at, at + 1)]) {
          try {
            c.decode(data, {});
          } catch (err) {
            assert.instance(err, Error, `${name} threw a non-Error`);
          }
        }
      }),
      { numRuns: 200 },
    );
  }
});

test.run();
