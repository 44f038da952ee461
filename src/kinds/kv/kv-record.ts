import v8 from 'node:v8';
import { isRecord } from '../../sdk/values.js';

/**
 * The kv connector's file: a header line, then one line per change, each checksummed, so that a
 * record torn by a crash (cut short, or garbage where the file system had not written the data yet)
 * is told apart from a complete one:
 *
 *   tremolo-kv 1
 *   1c291ca3 {"set":"k","value":{"a":1}}
 *   5ee43b2a {"delete":"k"}
 *
 * The checksum is the CRC-32 of the JSON after it, as 8 hex digits. A value JSON cannot carry
 * exactly (bigint, bytes, non-finite numbers) is kept as `"v8"`, base64 of Node's structured
 * serialization, so that what comes back after a restart is what was stored.
 */
export const HEADER = 'tremolo-kv 1\n';

export type Change = { readonly key: string; readonly value: unknown } | { readonly key: string; readonly deleted: true };

const TABLE = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = -1;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Whether JSON gives the value back exactly. */
function plainJson(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) return v.every((x) => x !== undefined && plainJson(x));
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      return Object.values(v).every((x) => x === undefined || plainJson(x));
    }
    default:
      return false;
  }
}

/** The line for a change, newline included. Throws when the value cannot be stored (a function). */
export function encodeChange(change: Change): string {
  let json: string;
  if ('deleted' in change) json = `{"delete":${JSON.stringify(change.key)}}`;
  else if (plainJson(change.value)) json = `{"set":${JSON.stringify(change.key)},"value":${JSON.stringify(change.value)}}`;
  else json = `{"set":${JSON.stringify(change.key)},"v8":"${v8.serialize(change.value).toString('base64')}"}`;
  return `${crc32(Buffer.from(json)).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The change on one line (`start` to `end`, newline excluded), or undefined when it is not a whole, intact record. */
export function decodeLine(file: Buffer, start: number, end: number): Change | undefined {
  if (end - start < 11 || file[start + 8] !== 0x20) return undefined;
  const sum = file.toString('latin1', start, start + 8);
  if (!/^[0-9a-f]{8}$/.test(sum) || parseInt(sum, 16) !== crc32(file, start + 9, end)) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(file.toString('utf8', start + 9, end));
  } catch {
    return undefined;
  }
  if (!isRecord(record)) return undefined;
  if (typeof record.delete === 'string') return { key: record.delete, deleted: true };
  if (typeof record.set !== 'string') return undefined;
  if (typeof record.v8 === 'string') {
    try {
      return { key: record.set, value: v8.deserialize(Buffer.from(record.v8, 'base64')) };
    } catch {
      return undefined;
    }
  }
  return Object.hasOwn(record, 'value') ? { key: record.set, value: record.value } : undefined;
}

export interface LogContents {
  /** Bytes of the file that hold the header and whole, intact records. */
  readonly valid: number;
  /** Where the first damaged record starts when intact ones follow it: damage no crash explains. */
  readonly corruptAt?: number;
}

/**
 * Replays a file's changes in order through `apply` (with the size of each record's line). Reading stops at the first record that is not
 * whole and intact; if nothing intact follows it, it is the tail a crash tore (`valid` says where to
 * cut), otherwise the file was damaged in the middle (`corruptAt`) and cutting would lose data.
 */
export function replay(file: Buffer, apply: (change: Change, bytes: number) => void): LogContents {
  let pos = HEADER.length;
  while (pos < file.length) {
    const newline = file.indexOf(0x0a, pos);
    const change = newline < 0 ? undefined : decodeLine(file, pos, newline);
    if (change === undefined) {
      for (let next = newline; next >= 0 && next + 1 < file.length; next = file.indexOf(0x0a, next + 1)) {
        const after = file.indexOf(0x0a, next + 1);
        if (after >= 0 && decodeLine(file, next + 1, after) !== undefined) return { valid: pos, corruptAt: pos };
      }
      return { valid: pos };
    }
    apply(change, newline + 1 - pos);
    pos = newline + 1;
  }
  return { valid: pos };
}
