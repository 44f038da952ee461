/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), as far as OTLP uses
 * it: varints (also zigzag), fixed32/fixed64, doubles and length-delimited fields. Every read is
 * bounds-checked and fails with a `WireError` naming the offset, so a hostile or truncated message
 * is refused, never read past its end. 64-bit integers are a number while exact, a bigint past
 * 2^53 (the rule of every tremolo codec).
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export class WireError extends Error {
  override readonly name: string = 'WireError';
}

import { isUtf8 } from 'node:buffer';

const TWO_32 = 0x1_0000_0000;

/** A 64-bit integer from its halves: a number while within 2^53, a bigint beyond. */
function join64(lo: number, hi: number, signed: boolean): number | bigint {
  if (signed && hi & 0x8000_0000) {
    // Negative: two's complement of the 64 bits.
    const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const negative = value - (1n << 64n);
    return negative >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(negative) : negative;
  }
  if (hi < 0x20_0000) return (hi >>> 0) * TWO_32 + (lo >>> 0);
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export class Reader {
  pos: number;
  readonly buf: Buffer;
  constructor(
    buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  #fail(what: string): never {
    throw new WireError(`${what} at byte ${this.pos}`);
  }

  /** A varint of up to 64 bits, as its low and high 32-bit halves (unsigned). */
  varint64(): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.#fail('truncated varint');
      const byte = this.buf[this.pos++]!;
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if ((byte & 0x80) === 0) return [lo >>> 0, hi >>> 0];
    }
    return this.#fail('varint longer than 10 bytes');
  }

  /** A varint read as uint32 (an int32 or enum keeps its low 32 bits, signed). */
  uint32(): number {
    return this.varint64()[0];
  }

  int32(): number {
    return this.varint64()[0] | 0;
  }

  sint32(): number {
    const n = this.varint64()[0];
    return (n >>> 1) ^ -(n & 1);
  }

  uint64(): number | bigint {
    const [lo, hi] = this.varint64();
    return join64(lo, hi, false);
  }

  int64(): number | bigint {
    const [lo, hi] = this.varint64();
    return join64(lo, hi, true);
  }

  bool(): boolean {
    const [lo, hi] = this.varint64();
    return lo !== 0 || hi !== 0;
  }

  #need(n: number): number {
    if (this.end - this.pos < n) this.#fail(`truncated field (${n} bytes expected, ${this.end - this.pos} left)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  fixed32(): number {
    const at = this.#need(4);
    return (this.buf[at]! | (this.buf[at + 1]! << 8) | (this.buf[at + 2]! << 16) | (this.buf[at + 3]! << 24)) >>> 0;
  }

  fixed64(signed = false): number | bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return join64(lo, hi, signed);
  }

  double(): number {
    return this.buf.readDoubleLE(this.#need(8));
  }

  /** The bounds of a length-delimited field's content. */
  span(): [number, number] {
    const [length, hi] = this.varint64();
    if (hi !== 0) this.#fail('a length past 4 GiB');
    const at = this.#need(length);
    return [at, at + length];
  }

  bytes(): Uint8Array {
    const [from, to] = this.span();
    return this.buf.subarray(from, to);
  }

  /**
   * Text, which protobuf requires to be UTF-8. Nearly all of OTLP's (keys, names, ids of things) is
   * ASCII: that is read as latin1 straight from the buffer after a byte scan, without the view and
   * the validating decoder the rest needs.
   */
  string(): string {
    const [from, to] = this.span();
    const buf = this.buf;
    let i = from;
    while (i < to && buf[i]! < 0x80) i++;
    if (i === to) return buf.toString('latin1', from, to);
    if (!isUtf8(buf.subarray(from, to))) throw new WireError(`a string field that is not UTF-8 at byte ${from}`);
    return buf.toString('utf8', from, to);
  }

  /** The next field's number and wire type. */
  tag(): [number, number] {
    const key = this.uint32();
    const field = key >>> 3;
    if (field === 0) this.#fail('field number 0');
    return [field, key & 7];
  }

  /** Skips a field of an unknown number (groups, long deprecated, are refused). */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint64();
    else if (wire === WIRE_FIXED64) this.#need(8);
    else if (wire === WIRE_LEN) this.span();
    else if (wire === WIRE_FIXED32) this.#need(4);
    else this.#fail(`unsupported wire type ${wire}`);
  }
}

/**
 * A growable output buffer. Nested messages are written after a 5-byte hole for their length, then
 * the hole is filled and the gap closed: one pass over the value, no size pre-computation.
 */
/** A writer's starting buffer, and the size past which `finish` gives its grown buffer back. */
const INITIAL_SIZE = 4096;
const KEEP_AT_MOST = 1024 * 1024;

export class Writer {
  #buf = Buffer.allocUnsafe(INITIAL_SIZE);
  #pos = 0;

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  /** Starts over, keeping the buffer grown so far (a writer reused for every message). */
  reset(): void {
    this.#pos = 0;
  }

  /** The buffer's size now (what a reused writer holds on to between messages). */
  get capacity(): number {
    return this.#buf.length;
  }

  /**
   * A copy of what was written. A buffer grown past 1 MiB is let go: a writer reused for every
   * message would otherwise keep its largest message's size for good.
   */
  finish(): Uint8Array {
    const out = Uint8Array.prototype.slice.call(this.#buf, 0, this.#pos);
    if (this.#buf.length > KEEP_AT_MOST) {
      this.#buf = Buffer.allocUnsafe(INITIAL_SIZE);
      this.#pos = 0;
    }
    return out;
  }

  tag(field: number, wire: number): void {
    this.varint32(((field << 3) | wire) >>> 0);
  }

  varint32(n: number): void {
    this.#room(5);
    n >>>= 0;
    while (n > 0x7f) {
      this.#buf[this.#pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.#buf[this.#pos++] = n;
  }

  /** Any 64-bit integer, negative ones as their two's complement (10 bytes). */
  varint64(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value < TWO_32) {
      this.varint32(value);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.#room(10);
    while (v > 0x7fn) {
      this.#buf[this.#pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#pos++] = Number(v);
  }

  /** An int32 or enum: a negative one takes 10 bytes, as protobuf sign-extends it. */
  int32(n: number): void {
    if (n >= 0) this.varint32(n);
    else this.varint64(n);
  }

  sint32(n: number): void {
    this.varint32(((n << 1) ^ (n >> 31)) >>> 0);
  }

  fixed32(n: number): void {
    this.#room(4);
    this.#pos = this.#buf.writeUInt32LE(n >>> 0, this.#pos);
  }

  fixed64(value: number | bigint): void {
    this.#room(8);
    if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      // Two 32-bit halves: no bigint made for the common case (a timestamp within 2^53).
      this.#buf.writeUInt32LE(value % TWO_32, this.#pos);
      this.#buf.writeUInt32LE(Math.floor(value / TWO_32), this.#pos + 4);
      this.#pos += 8;
    } else this.#pos = this.#buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.#pos);
  }

  double(n: number): void {
    this.#room(8);
    this.#pos = this.#buf.writeDoubleLE(n, this.#pos);
  }

  bytes(data: Uint8Array): void {
    this.varint32(data.length);
    this.#room(data.length);
    this.#buf.set(data, this.#pos);
    this.#pos += data.length;
  }

  /** A string's UTF-8 bytes, written in place: no Buffer made per string. */
  string(text: string): void {
    const length = Buffer.byteLength(text, 'utf8');
    this.varint32(length);
    this.#room(length);
    this.#pos += this.#buf.write(text, this.#pos, length, 'utf8');
  }

  /** Bytes given as hex digits (ids), written in place. */
  hex(text: string): void {
    const length = text.length >>> 1;
    this.varint32(length);
    this.#room(length);
    this.#pos += this.#buf.write(text, this.#pos, length, 'hex');
  }

  /** Starts a length-delimited field; `end` with what this returns closes it. */
  begin(): number {
    this.#room(5);
    const at = this.#pos;
    this.#pos += 5;
    return at;
  }

  end(at: number): void {
    const length = this.#pos - at - 5;
    // The length's own varint size, then the content moved back over the unused part of the hole.
    let size = 1;
    for (let n = length >>> 7; n > 0; n >>>= 7) size++;
    let n = length;
    for (let i = 0; i < size; i++) {
      this.#buf[at + i] = (n & 0x7f) | (i < size - 1 ? 0x80 : 0);
      n >>>= 7;
    }
    if (size < 5) {
      this.#buf.copyWithin(at + size, at + 5, this.#pos);
      this.#pos -= 5 - size;
    }
  }
}
