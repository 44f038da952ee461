import { C1, Packr, type Options } from 'msgpackr';
import { defineCodec } from '../../sdk/codec-api.js';
import { reason } from '../../sdk/errors.js';

/**
 * msgpackr, chosen over @msgpack/msgpack for speed (1.5-2.3x on encode, 1.1-2.2x on decode of
 * representative events, measured side by side; with integersAsInt64 below it still encodes at
 * least as fast). Options keep the output plain MessagePack that any reader understands: no records
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
  // msgpackr otherwise reads its private reference extensions (0x69, 0x70) from any peer, and a few
  // bytes make a value that contains itself: every JSON.stringify, deep copy or walk of the event
  // after that throws or never ends. No plain MessagePack writer produces them.
  structuredClone: false,
} as unknown as Options;

// The size of each MessagePack token, header included, that its first byte gives; 0 for those whose
// payload length follows the header (str8/16/32, bin8/16/32, ext8/16/32).
const SIZE = new Uint8Array(256).fill(1);
for (let b = 0xa0; b <= 0xbf; b++) SIZE[b] = 1 + (b & 0x1f);
SIZE.set([0, 0, 0, 0, 0, 0, 5, 9, 2, 3, 5, 9, 2, 3, 5, 9, 3, 4, 6, 10, 18, 0, 0, 0, 3, 5, 3, 5], 0xc4);

/**
 * The float64 after its 0xcb header at `at`, rewritten as an int64 of the same value when it is an
 * integer beyond 32 bits and within 2^53: msgpackr writes every integer within [-2^31, 2^32) as an
 * int, and beyond 2^53 a float may not be the integer the event meant, so it stays a float. Such a
 * float's exponent is 31 to 52, so the integer is its 53-bit significand shifted right by `shift`,
 * 1075 less the exponent (0 to 21, checked by `widen`), integral when no set bit is shifted out: worked out on the bytes in 32-bit integers, which
 * measured faster than reading the float through a DataView and splitting it (480 against 500 ns
 * for the whole encode of the log event in bench/codecs.ts).
 */
function widenIntegral(frame: Uint8Array, at: number, shift: number): void {
  const b1 = frame[at + 1]!;
  const b2 = frame[at + 2]!;
  const lo = ((frame[at + 5]! << 24) | (frame[at + 6]! << 16) | (frame[at + 7]! << 8) | frame[at + 8]!) >>> 0;
  if ((lo & ((1 << shift) - 1)) !== 0) return;
  // The significand's top 21 bits, its implicit leading 1 included.
  const top = 0x100000 | ((b2 & 0x0f) << 16) | (frame[at + 3]! << 8) | frame[at + 4]!;
  let hi = top >>> shift;
  let low = shift === 0 ? lo : ((lo >>> shift) | (top << (32 - shift))) >>> 0;
  if ((b1 & 0x80) !== 0) {
    // Two's complement of the 64-bit magnitude.
    low = (~low + 1) >>> 0;
    hi = (~hi + (low === 0 ? 1 : 0)) >>> 0;
  }
  frame[at] = 0xd3;
  frame[at + 1] = hi >>> 24;
  frame[at + 2] = (hi >>> 16) & 0xff;
  frame[at + 3] = (hi >>> 8) & 0xff;
  frame[at + 4] = hi & 0xff;
  frame[at + 5] = low >>> 24;
  frame[at + 6] = (low >>> 16) & 0xff;
  frame[at + 7] = (low >>> 8) & 0xff;
  frame[at + 8] = low & 0xff;
}

/**
 * The float64 at `at` widened if it holds such an integer. 1075 less its exponent is the shift:
 * only 0 to 21 (2^31 to 2^53) can hold one, which rejects most floats after two byte loads.
 */
function widen(frame: Uint8Array, at: number): void {
  const shift = 1075 - (((frame[at + 1]! & 0x7f) << 4) | (frame[at + 2]! >> 4));
  if (shift >>> 0 <= 21) widenIntegral(frame, at, shift);
}

/**
 * Rewrites, in place, every float64 of a MessagePack frame that holds an integer beyond 32 bits
 * (and within 2^53) as an int64 of the same value, 9 bytes for 9 bytes. msgpackr writes such
 * numbers as float64, and a typed reader (a database, Tremor) would then see a float where the
 * event had an integer, such as a timestamp in milliseconds. Working on the bytes msgpackr wrote
 * rather than on the value (converting such numbers to bigint first) leaves the event alone.
 * This version finds the float64s by searching the bytes (a memchr for the last 0xcb byte, then
 * a pass over the headers up to it, skipping string, bin and ext payloads, where a 0xcb byte is
 * data); the codec uses it only if msgpackr stops telling it where it writes float64s.
 */
export function integersAsInt64<T extends Uint8Array>(frame: T): T {
  const last = frame.lastIndexOf(0xcb);
  if (last !== -1) walkFloats(frame, last + 1, frame.length);
  return frame;
}

/**
 * Walks the headers of `frame` before `end`, widening each float64, and stops after `floats` of
 * them: headers after the last float64 cannot be one. About 2 ns a header.
 */
function walkFloats(frame: Uint8Array, end: number, floats: number): void {
  let p = 0;
  while (p < end) {
    const b = frame[p]!;
    if (b === 0xcb) {
      widen(frame, p);
      if (--floats === 0) return;
      p += 9;
      continue;
    }
    const size = SIZE[b]!;
    if (size !== 0) {
      p += size;
      continue;
    }
    // A big-endian length of 1, 2 or 4 bytes, then for ext a type byte, then the payload.
    const group = b >= 0xd9 ? b - 0xd9 : b >= 0xc7 ? b - 0xc7 : b - 0xc4;
    const width = 1 << group;
    let length = 0;
    for (let i = 1; i <= width; i++) length = length * 256 + frame[p + i]!;
    p += 1 + width + (b >= 0xc7 && b <= 0xc9 ? 1 : 0) + length;
  }
}

/** How many float64 positions a frame keeps; past that many, encode walks the frame instead. */
const RECORDED = 16;

/**
 * A Packr that records where it writes each float64. msgpackr reads its `useFloat32` option just
 * before writing a number that is not a 32-bit integer, once per number, and with the option off
 * writes a float64 at its `position`. Recording there lets encode skip frames without one at no
 * cost and go straight to each one, where searching the frame for 0xcb bytes and walking its
 * headers cost 10-20 % of msgpackr's encode. On the prototype, so that every codec's Packr keeps
 * one hidden class and msgpackr's property reads stay monomorphic.
 */
class FloatRecordingPackr extends Packr {
  /** msgpackr's write offset in its shared buffer, in which `at` is kept too. */
  declare readonly position: number;
  floats = 0;
  readonly at: number[] = new Array<number>(RECORDED).fill(0);
  get useFloat32(): 0 {
    const n = this.floats++;
    if (n < RECORDED) this.at[n] = this.position;
    return 0;
  }
}

/** Whether this msgpackr version tells where it writes each float64, as above: checked once. */
export const recordsFloats: boolean = (() => {
  const probe = new FloatRecordingPackr(OPTIONS);
  probe.pack('before');
  const frame = probe.pack([2 ** 40, 0.5, 1, -(2 ** 31), 'x']); // 95 cb.. cb.. 01 d2.. a178
  const start = probe.position - frame.length;
  return probe.floats === 2 && probe.at[0]! - start === 1 && probe.at[1]! - start === 10 && frame[10] === 0xcb;
})();

/**
 * Widens the float64s `packr` recorded writing `frame`. The offsets are in msgpackr's buffer, where
 * the frame starts at its end position less its length, unless msgpackr moved to a bigger buffer
 * while writing it (it then starts at 0, and offsets recorded before the move are off): then, as
 * past RECORDED float64s, the headers are walked up to the last one.
 */
function widenRecorded(packr: FloatRecordingPackr, frame: Uint8Array): void {
  const floats = packr.floats;
  const start = packr.position - frame.length;
  if (start === 0 || floats > RECORDED) {
    walkFloats(frame, frame.length, floats);
    return;
  }
  const at = packr.at;
  for (let i = 0; i < floats; i++) widen(frame, at[i]! - start);
}

export const msgpack = defineCodec({
  name: 'msgpack',
  description:
    'MessagePack to values and back. Byte strings (bin) decode to Buffers, integers beyond 2^53 to bigint; integral numbers are written as integers. An empty frame carries nothing.',
  binary: true,
  mimeTypes: ['application/msgpack', 'application/x-msgpack'],
  create() {
    const packr = new FloatRecordingPackr(OPTIONS);
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
          if (!recordsFloats) return integersAsInt64(packr.pack(value));
          packr.floats = 0;
          const frame = packr.pack(value);
          if (packr.floats !== 0) widenRecorded(packr, frame);
          return frame;
        } catch (err) {
          throw new Error(`cannot write as MessagePack: ${reason(err)}`);
        }
      },
    };
  },
});
