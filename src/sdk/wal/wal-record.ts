import { crc32 } from 'node:zlib';
import type { Meta } from '../event.js';

/**
 * One record of a write-ahead log segment: `length` (u32 LE, of the body), `crc32` (u32 LE, of the
 * body), then the body: `seq` (u48 LE), a kind byte (0: JSON data, 1: raw bytes), the metadata's
 * JSON length (u32 LE), the metadata as JSON, the data. A crash can leave a record half written;
 * its length or its checksum then gives it away, and the scan stops there.
 */
export const HEADER_BYTES = 8;
const BODY_FIXED = 6 + 1 + 4;

export interface WalRecord {
  readonly seq: number;
  readonly data: unknown;
  readonly meta: Meta;
  /** Its size on disk, header included. */
  readonly bytes: number;
}

/** The record of one event, header included. Throws when the data or metadata cannot be stored as JSON. */
export function encodeRecord(seq: number, data: unknown, meta: Meta): Buffer {
  const metaJson = Buffer.from(JSON.stringify(meta));
  const raw = Buffer.isBuffer(data) ? data : data instanceof Uint8Array ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : undefined;
  let payload: Buffer;
  if (raw !== undefined) payload = raw;
  else {
    const json = JSON.stringify(data);
    if (json === undefined) throw new Error(`${typeof data} cannot be stored as JSON`);
    payload = Buffer.from(json);
  }
  const bodyBytes = BODY_FIXED + metaJson.length + payload.length;
  const out = Buffer.allocUnsafe(HEADER_BYTES + bodyBytes);
  out.writeUInt32LE(bodyBytes, 0);
  let at = HEADER_BYTES;
  at = out.writeUIntLE(seq, at, 6);
  at = out.writeUInt8(raw === undefined ? 0 : 1, at);
  at = out.writeUInt32LE(metaJson.length, at);
  at += metaJson.copy(out, at);
  payload.copy(out, at);
  out.writeUInt32LE(crc32(out.subarray(HEADER_BYTES)), 4);
  return out;
}

export type ScanEnd =
  | { readonly kind: 'clean' }
  /** Where the first bad record starts, and why it is bad. */
  | { readonly kind: 'torn' | 'corrupt'; readonly offset: number; readonly why: string };

/** The records of a segment's bytes, up to the first that is incomplete or fails its checksum. */
export function scanRecords(buf: Buffer): { records: WalRecord[]; end: ScanEnd } {
  const records: WalRecord[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + HEADER_BYTES > buf.length) return { records, end: { kind: 'torn', offset: at, why: `a ${buf.length - at}-byte header` } };
    const length = buf.readUInt32LE(at);
    const expected = buf.readUInt32LE(at + 4);
    if (length < BODY_FIXED) return { records, end: { kind: 'corrupt', offset: at, why: `a record length of ${length}` } };
    if (at + HEADER_BYTES + length > buf.length) {
      return { records, end: { kind: 'torn', offset: at, why: `a record of ${length} bytes with ${buf.length - at - HEADER_BYTES} written` } };
    }
    const body = buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length);
    if (crc32(body) !== expected) return { records, end: { kind: 'corrupt', offset: at, why: 'a checksum mismatch' } };
    try {
      records.push(decodeBody(body, HEADER_BYTES + length));
    } catch (err) {
      return { records, end: { kind: 'corrupt', offset: at, why: `an undecodable record (${(err as Error).message})` } };
    }
    at += HEADER_BYTES + length;
  }
  return { records, end: { kind: 'clean' } };
}

function decodeBody(body: Buffer, bytes: number): WalRecord {
  const seq = body.readUIntLE(0, 6);
  const kind = body.readUInt8(6);
  const metaLength = body.readUInt32LE(7);
  const metaEnd = BODY_FIXED + metaLength;
  const meta = JSON.parse(body.toString('utf8', BODY_FIXED, metaEnd)) as Meta;
  const payload = body.subarray(metaEnd);
  const data: unknown = kind === 1 ? Buffer.from(payload) : JSON.parse(payload.toString('utf8'));
  return { seq, data, meta, bytes };
}
