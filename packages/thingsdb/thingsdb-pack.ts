/**
 * The values of the endpoint's query language as MessagePack, written as a ThingsDB node writes
 * them: an int (bigint) in its smallest form, exact over its 64 bits; a float always as a float64,
 * so that `1.0` stays a float (a JavaScript number cannot say so to a general encoder); bytes as
 * bin; things as maps. One pass into a growing buffer.
 */
import type { Value } from './thingsdb-code.js';

class Writer {
  buf = Buffer.allocUnsafe(256);
  at = 0;

  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  /** A header byte and an unsigned length of 1, 2 or 4 bytes. */
  sized(tag: number, n: number, width: 1 | 2 | 4): void {
    this.room(1 + width);
    this.buf[this.at++] = tag;
    this.buf.writeUIntBE(n, this.at, width);
    this.at += width;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
}

function int(w: Writer, n: bigint): void {
  if (n >= 0n) {
    if (n < 128n) return w.byte(Number(n));
    if (n < 0x100n) return w.sized(0xcc, Number(n), 1);
    if (n < 0x10000n) return w.sized(0xcd, Number(n), 2);
    if (n < 0x100000000n) return w.sized(0xce, Number(n), 4);
    w.room(9);
    w.buf[w.at++] = 0xcf;
    w.buf.writeBigUInt64BE(n, w.at);
    w.at += 8;
    return;
  }
  if (n >= -32n) return w.byte(Number(n) & 0xff);
  w.room(9);
  if (n >= -0x80n) {
    w.buf[w.at++] = 0xd0;
    w.buf.writeInt8(Number(n), w.at++);
  } else if (n >= -0x8000n) {
    w.buf[w.at++] = 0xd1;
    w.buf.writeInt16BE(Number(n), w.at);
    w.at += 2;
  } else if (n >= -0x80000000n) {
    w.buf[w.at++] = 0xd2;
    w.buf.writeInt32BE(Number(n), w.at);
    w.at += 4;
  } else {
    w.buf[w.at++] = 0xd3;
    w.buf.writeBigInt64BE(n, w.at);
    w.at += 8;
  }
}

function length(w: Writer, n: number, fix: number, fixMax: number, tags: readonly [number, number, number] | readonly [number, number]): void {
  if (n <= fixMax) return w.byte(fix | n);
  if (tags.length === 3 && n < 0x100) return w.sized(tags[0], n, 1);
  const [t16, t32] = tags.length === 3 ? [tags[1], tags[2]] : tags;
  if (n < 0x10000) w.sized(t16, n, 2);
  else w.sized(t32, n, 4);
}

function write(w: Writer, v: Value): void {
  if (v === null) return w.byte(0xc0);
  if (typeof v === 'boolean') return w.byte(v ? 0xc3 : 0xc2);
  if (typeof v === 'bigint') return int(w, v);
  if (typeof v === 'number') {
    w.room(9);
    w.buf[w.at++] = 0xcb;
    w.buf.writeDoubleBE(v, w.at);
    w.at += 8;
    return;
  }
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    length(w, b.length, 0xa0, 31, [0xd9, 0xda, 0xdb]);
    return w.bytes(b);
  }
  if (Buffer.isBuffer(v)) {
    if (v.length < 0x100) w.sized(0xc4, v.length, 1);
    else if (v.length < 0x10000) w.sized(0xc5, v.length, 2);
    else w.sized(0xc6, v.length, 4);
    return w.bytes(v);
  }
  if (Array.isArray(v)) {
    length(w, v.length, 0x90, 15, [0xdc, 0xdd]);
    for (const item of v) write(w, item);
    return;
  }
  const keys = Object.keys(v);
  length(w, keys.length, 0x80, 15, [0xde, 0xdf]);
  for (const key of keys) {
    write(w, key);
    write(w, v[key]!);
  }
}

/** `v` as a MessagePack payload. */
export function packValue(v: Value): Buffer {
  const w = new Writer();
  write(w, v);
  return w.buf.subarray(0, w.at);
}
