/**
 * The values of the endpoint's query language as MessagePack, written as a ThingsDB node writes
 * them: an int (bigint) in its smallest form, exact over its 64 bits; a float always as a float64,
 * so that `1.0` stays a float (a JavaScript number cannot say so to a general encoder); bytes as
 * bin; things as maps, a stored one with its `#` id first; a room as `room:ID` (`room:nil` before
 * it is stored), an error as its message, a closure as its source. `deep` is how many levels of
 * things are written in full (the query's `return x, deep;`, 1 by default): a stored thing below
 * that is `{"#": id}`, another thing `{}`; lists do not count as a level. One pass into a growing
 * buffer.
 */
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';
import { Closure, ErrorValue, idOf, RoomValue, type Value } from './thingsdb-values.js';

/** ThingsDB's default result_size_limit: a larger answer is refused (-6), as by the node. */
export const MAX_RESULT_SIZE = 20 * 1024 * 1024;

class Writer {
  buf: Buffer;
  at = 0;

  constructor(private readonly limit: number) {
    this.buf = Buffer.allocUnsafe(Math.min(256, limit));
  }

  room(n: number): void {
    // The buffer never grows past the limit, so the common case is one comparison.
    if (this.at + n <= this.buf.length) return;
    if (this.at + n > this.limit) {
      throw new ThingsdbError(ErrorCode.INTERNAL, 'too much data to return; try to use a lower `deep` value and/or `wrap` things to reduce the data size; see https://docs.thingsdb.io/v1/data-types/thing/wrap');
    }
    const bigger = Buffer.allocUnsafe(Math.min(this.limit, Math.max(this.buf.length * 2, this.at + n)));
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

function str(w: Writer, v: string): void {
  const b = Buffer.from(v, 'utf8');
  length(w, b.length, 0xa0, 31, [0xd9, 0xda, 0xdb]);
  w.bytes(b);
}

function write(w: Writer, v: Value, deep: number, noIds: boolean): void {
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
  if (typeof v === 'string') return str(w, v);
  if (v instanceof RoomValue) return str(w, `room:${v.room?.id ?? 'nil'}`);
  if (v instanceof ErrorValue) return str(w, v.message);
  if (v instanceof Closure) return str(w, v.source);
  if (Buffer.isBuffer(v)) {
    if (v.length < 0x100) w.sized(0xc4, v.length, 1);
    else if (v.length < 0x10000) w.sized(0xc5, v.length, 2);
    else w.sized(0xc6, v.length, 4);
    return w.bytes(v);
  }
  if (Array.isArray(v)) {
    length(w, v.length, 0x90, 15, [0xdc, 0xdd]);
    for (const item of v) write(w, item, deep, noIds);
    return;
  }
  const id = noIds ? undefined : idOf(v);
  const keys = deep > 0 ? Object.keys(v) : [];
  length(w, keys.length + (id === undefined ? 0 : 1), 0x80, 15, [0xde, 0xdf]);
  if (id !== undefined) {
    str(w, '#');
    int(w, BigInt(id));
  }
  for (const key of keys) {
    str(w, key);
    write(w, v[key]!, deep - 1, noIds);
  }
}

/** `v` as a MessagePack payload, things `deep` levels down in full (without `#` when `noIds`); ThingsDB's -6 past `limit` bytes. */
export function packValue(v: Value, deep = 1, noIds = false, limit = MAX_RESULT_SIZE): Buffer {
  const w = new Writer(limit);
  write(w, v, deep, noIds);
  return w.buf.subarray(0, w.at);
}

/**
 * A room event's payload, `{scope, id, event, args}`, around args that `packValue(args, deep)`
 * already wrote: the same bytes as packing the whole map a level deeper, so that a room event is
 * packed once for the node's own listeners and for the bus. ThingsDB's -6 past `limit` bytes.
 */
export function packRoomEmit(scope: string, id: number, event: string, args: Uint8Array, limit = MAX_RESULT_SIZE): Buffer {
  const w = new Writer(limit);
  length(w, 4, 0x80, 15, [0xde, 0xdf]);
  str(w, 'scope');
  str(w, scope);
  str(w, 'id');
  int(w, BigInt(id));
  str(w, 'event');
  str(w, event);
  str(w, 'args');
  w.bytes(args);
  return w.buf.subarray(0, w.at);
}
