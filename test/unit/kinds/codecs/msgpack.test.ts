import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { integersAsInt64, msgpack, recordsFloats } from '../../../../src/kinds/codecs/msgpack.js';
import { codecOf, decode, thrown } from './support.js';

const codec = codecOf(msgpack);
const hex = (frame: string | Buffer): string => Buffer.from(frame).toString('hex');

test('msgpack is a binary codec with both MessagePack mime types', () => {
  assert.is(msgpack.binary, true);
  assert.equal(msgpack.mimeTypes, ['application/msgpack', 'application/x-msgpack']);
});

test('a map, an array, strings, numbers, booleans and nil round-trip', () => {
  const value = { s: 'snot', n: -3, f: 1.5, t: true, z: null, a: [1, 'two', [3]], o: { deep: { er: 'yes' } } };
  assert.equal(decode(codec, Buffer.from(codec.encode(value, {}))), value);
});

test('decodes the standard encoding other MessagePack writers produce', () => {
  // {"id":17} as ThingsDB sends it, and ["@t","1 + 1;"]
  assert.equal(decode(codec, Buffer.from('81a2696411', 'hex')), { id: 17 });
  assert.equal(decode(codec, Buffer.from('92a24074a631202b20313b', 'hex')), ['@t', '1 + 1;']);
});

test('writes plain maps and arrays, not the records extension', () => {
  assert.is(hex(codec.encode(['admin', 'pass'], {})), '92a561646d696ea470617373');
  assert.is(hex(codec.encode({ id: 17 }, {})), '81a2696411');
});

test('Buffers and Uint8Arrays survive a round trip as bytes (bin), decoding to Buffers', () => {
  const out = decode(codec, Buffer.from(codec.encode({ b: Buffer.from([1, 2, 3]), u: new Uint8Array([4, 5]) }, {}))) as Record<string, Buffer>;
  assert.ok(Buffer.isBuffer(out.b) && Buffer.isBuffer(out.u));
  assert.equal([...out.b!], [1, 2, 3]);
  assert.equal([...out.u!], [4, 5]);
});

test('a decoded byte string is a view of the frame, not a copy (as the binary codec hands out frames)', () => {
  const frame = Buffer.from(codec.encode({ b: Buffer.alloc(16, 7) }, {}));
  const out = decode(codec, frame) as { b: Buffer };
  assert.is(out.b.buffer, frame.buffer);
  assert.equal([...out.b], Array(16).fill(7));
});

test('integers beyond 2^53 come back as bigint, smaller 64-bit ones as numbers', () => {
  assert.is(decode(codec, Buffer.from(codec.encode(2n ** 60n, {}))), 2n ** 60n);
  assert.is(decode(codec, Buffer.from(codec.encode(-(2n ** 60n), {}))), -(2n ** 60n));
  assert.is(decode(codec, Buffer.from('cf0000000100000000', 'hex')), 2 ** 32);
});

test('integral numbers beyond 32 bits are written as int64, so typed readers see integers, not floats', () => {
  assert.is(hex(codec.encode({ ts: 1700000000123 }, {})), '81a27473d30000018bcfe5687b');
  assert.is(hex(codec.encode([-3000000000, 2.5], {})), '92d3ffffffff4d2fa200cb4004000000000000');
  assert.equal(decode(codec, Buffer.from(codec.encode({ ts: 1700000000123, n: [2 ** 40] }, {}))), { ts: 1700000000123, n: [2 ** 40] });
});

test('the event is left as it was: the integers are rewritten in the bytes, not in the value', () => {
  const event = { a: { b: 1 }, c: [1, 2 ** 33], d: new Date(0) };
  assert.equal(decode(codec, Buffer.from(codec.encode(event, {}))), { a: { b: 1 }, c: [1, 2 ** 33], d: new Date(0) });
  assert.equal(event.c, [1, 2 ** 33]);
  assert.is(typeof event.c[1], 'number');
});

test('a 0xcb byte inside a string, bytes or an extension is data, not a float header', () => {
  // "\u02cb" is cb 8b in UTF-8; the bin and the Date (ext -1) hold cb bytes; 2^33 after them is rewritten.
  const frame = codec.encode(['\u02cb', Buffer.from([0xcb, 0, 0, 0, 0, 0, 0, 0, 0]), new Date(0xcb * 1000), 2 ** 33], {});
  assert.is(hex(frame), '94a2cb8bc409cb0000000000000000d6ff000000cbd30000000200000000');
});

test('integersAsInt64 rewrites only integral float64 values within 2^53, and leaves a frame without one as it is', () => {
  const frame = Buffer.from('93cb41f0000000000000cb4004000000000000cb4390000000000000', 'hex'); // [2^32, 2.5, 2^58]
  assert.is(hex(Buffer.from(integersAsInt64(frame))), '93d30000000100000000cb4004000000000000cb4390000000000000');
  const plain = Buffer.from('92a178cd1000', 'hex');
  assert.is(integersAsInt64(plain), plain);
  assert.is(hex(plain), '92a178cd1000');
});

test('every exponent and sign that can hold an integer beyond 32 bits is rewritten exactly, and only integers are', () => {
  const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true } as never);
  const values: number[] = [];
  for (let e = 30; e <= 54; e++) {
    const p = 2 ** e;
    // The power, its neighbours, a value with every significand bit set, and halves that are not integers.
    for (const n of [p, p + 1, p - 1, p + 2 ** Math.max(0, e - 52), Math.floor(p * 1.999999999), p + 0.5, p * 1.5 + 0.25]) values.push(n, -n);
  }
  values.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 32, -(2 ** 31) - 1, 2 ** 53 + 2, -(2 ** 53) - 2);
  for (const n of values) {
    const expected = Number.isSafeInteger(n) && (n > 0xffffffff || n < -0x80000000) ? BigInt(n) : n;
    assert.is(hex(Buffer.from(codec.encode(n, {}))), hex(Buffer.from(packr.pack(expected))), String(n));
  }
});

/** The value with each integral number beyond 32 bits and within 2^53 as a bigint, which msgpackr writes as int64. */
function widened(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) && (value > 0xffffffff || value < -0x80000000) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(widened);
  if (typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, widened(v)]));
  }
  return value;
}

test('for any value, the bytes are those msgpackr writes with such integers given as bigint, found either way', () => {
  const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true, encodeUndefinedAsNil: true } as never);
  const number = fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger(), fc.constantFrom(2 ** 32, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 203 * 2 ** 32));
  // Strings, bytes and dates made of 0xcb bytes, so that a float header is often found inside data.
  const cb = fc.array(fc.constantFrom(0xcb, 0, 0x41), { maxLength: 300 });
  const leaf = fc.oneof(number, fc.string(), cb.map((b) => Buffer.from(b)), cb.map((b) => Buffer.from(b).toString('latin1')), fc.date({ noInvalidDate: true }), fc.boolean(), fc.constant(null));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 4 })),
  }));
  fc.assert(
    fc.property(value, (v) => {
      const expected = hex(Buffer.from(packr.pack(widened(v))));
      assert.is(hex(Buffer.from(codec.encode(v, {}))), expected);
      // The search the codec falls back on if msgpackr stops saying where its float64s are.
      assert.is(hex(Buffer.from(integersAsInt64(Buffer.from(packr.pack(v))))), expected);
    }),
    { numRuns: 500 },
  );
});

test('this msgpackr tells the codec where it writes each float64, so encode never searches the bytes', () => {
  assert.is(recordsFloats, true);
});

test('float64s written before and after msgpackr moves to a bigger buffer mid-frame are all rewritten', () => {
  const plain = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true } as never);
  codec.encode('a small frame first, so that the next one does not start at offset 0', {});
  // 64 KiB between them outgrows msgpackr's 8 KiB buffer while the frame is being written.
  const value = [2 ** 40, -(2 ** 35) + 1, 'x'.repeat(65536), 2 ** 41 + 3, 0.5];
  const frame = Buffer.from(codec.encode(value, {}));
  assert.is(hex(frame), hex(Buffer.from(plain.pack([2n ** 40n, -(2n ** 35n) + 1n, 'x'.repeat(65536), 2n ** 41n + 3n, 0.5]))));
});

test('a frame with more float64s than the codec keeps positions of has every one rewritten', () => {
  const plain = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true } as never);
  const value = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? i + 0.5 : 2 ** 33 + i));
  assert.is(hex(Buffer.from(codec.encode(value, {}))), hex(Buffer.from(plain.pack(widened(value)))));
});

test('undefined is written as nil, which any reader understands', () => {
  assert.is(hex(codec.encode(undefined, {})), 'c0');
  assert.equal(decode(codec, Buffer.from(codec.encode({ a: undefined }, {}))), { a: null });
});

test('an empty frame carries nothing', () => {
  assert.is(decode(codec, Buffer.alloc(0)), undefined);
});

test('truncated data is an error saying the data ended early', () => {
  assert.is(thrown(() => decode(codec, Buffer.from('92a5', 'hex'))), 'invalid MessagePack: Unexpected end of MessagePack data');
});

test('bytes after the value are an error', () => {
  assert.is(thrown(() => decode(codec, Buffer.from('0102', 'hex'))), 'invalid MessagePack: Data read, but end of buffer not reached 1');
});

test('the never-used byte 0xc1 is an error', () => {
  assert.is(thrown(() => decode(codec, Buffer.from('c1', 'hex'))), 'invalid MessagePack: byte 0xc1 is never used');
});

test('an unknown extension type is an error, not a silent value', () => {
  assert.is(thrown(() => decode(codec, Buffer.from('d40100', 'hex'))), 'invalid MessagePack: Unknown extension 1');
});

test('a value that contains itself (msgpackr\'s reference extensions, from a peer) is an error, not a cycle', () => {
  // [<itself>, 1]: msgpackr's id extension 0x69 around an array whose first item points back (0x70).
  assert.is(thrown(() => decode(codec, Buffer.from('d6690000000092d6700000000001', 'hex'))), 'invalid MessagePack: Structured clone extension is disabled');
  assert.is(thrown(() => decode(codec, Buffer.from('d67000000000', 'hex'))), 'invalid MessagePack: Structured clone extension is disabled');
});

test('a value MessagePack cannot hold is an encode error', () => {
  assert.match(thrown(() => codec.encode(2n ** 70n, {})), /^cannot write as MessagePack: /);
});

test.run();
