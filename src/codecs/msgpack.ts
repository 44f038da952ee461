import { C1, Packr, type Options } from 'msgpackr';
import { defineCodec } from '../runtime/codec-api.js';
import { reason } from '../runtime/errors.js';

/**
 * msgpackr, chosen over @msgpack/msgpack for speed (1.5-2.3x on encode, 1.1-2.2x on decode of
 * representative events, measured side by side; with widenIntegers below it still encodes at least
 * as fast). Options keep the output plain MessagePack that any reader understands: no records
 * extension, smallest headers, maps decode to plain objects.
 */
const OPTIONS = {
  useRecords: false,
  mapsAsObjects: true,
  // The smallest map header (fixmap for small objects), as other writers produce, and more than
  // 65535 keys possible; msgpackr otherwise always writes map16.
  variableMapSize: true,
  // Integers beyond 2^53 come back as bigint, smaller ones as numbers (the influx codec's rule too).
  int64AsType: 'auto',
  // Without it, msgpackr writes `undefined` as a private extension other readers reject.
  encodeUndefinedAsNil: true,
  // A decoded byte string is a view of the frame, as the binary codec's output is: frames are never
  // reused, and msgpackr's copying mode halves decode speed for values holding bytes.
  copyBuffers: false,
} as unknown as Options;

const wide = (n: number): boolean => (n > 0xffffffff || n < -0x80000000) && Number.isSafeInteger(n);

/**
 * The value with every integral number beyond 32 bits (and within 2^53) as a bigint, copying only
 * the objects on the way to one; the value itself when there is none. msgpackr writes such
 * numbers as float64, and a typed reader (ThingsDB, Tremor) would then see a float where the
 * event had an integer, such as a timestamp in milliseconds; a bigint it writes as int64.
 */
export function widenIntegers(value: unknown): unknown {
  if (typeof value === 'number') return wide(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const w = typeof v === 'number' ? (wide(v) ? BigInt(v) : v) : typeof v === 'object' && v !== null ? widenIntegers(v) : v;
      if (w !== v) (copy ??= value.slice())[i] = w;
    }
    return copy ?? value;
  }
  // Plain records only: bytes, dates, maps and other classes are msgpackr's to write.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const v: unknown = (value as Record<string, unknown>)[key];
    const w = typeof v === 'number' ? (wide(v) ? BigInt(v) : v) : typeof v === 'object' && v !== null ? widenIntegers(v) : v;
    if (w !== v) {
      copy ??= { ...(value as Record<string, unknown>) };
      if (key === '__proto__') Object.defineProperty(copy, key, { value: w, enumerable: true, writable: true, configurable: true });
      else copy[key] = w;
    }
  }
  return copy ?? value;
}

export const msgpack = defineCodec({
  name: 'msgpack',
  description:
    'MessagePack to values and back. Byte strings (bin) decode to Buffers, integers beyond 2^53 to bigint; integral numbers are written as integers. An empty frame carries nothing.',
  binary: true,
  mimeTypes: ['application/msgpack', 'application/x-msgpack'],
  create() {
    const packr = new Packr(OPTIONS);
    return {
      decode(data) {
        if (data.length === 0) return undefined;
        let value: unknown;
        try {
          value = packr.unpack(data);
        } catch (err) {
          throw new Error(`invalid MessagePack: ${reason(err)}`);
        }
        if (value === C1) throw new Error('invalid MessagePack: byte 0xc1 is never used');
        return value;
      },
      encode(value) {
        try {
          return packr.pack(widenIntegers(value));
        } catch (err) {
          throw new Error(`cannot write as MessagePack: ${reason(err)}`);
        }
      },
    };
  },
});
