import { typeName } from '../../sdk/values.js';
import { evalError } from './errors.js';

/**
 * The value model of expressions: JSON-like data plus bytes (`Uint8Array`, so `Buffer` too) and
 * bigint, which counts as a number. `undefined` is read as null everywhere, so a JavaScript caller
 * that leaves a key undefined sees the same thing as a missing key. Its type names and shape checks
 * are the sdk's (src/sdk/values.ts), which the kinds and plugin packages share.
 */
export { defineKey, isBytes, isRecord, typeName, type TypeName } from '../../sdk/values.js';

export const isNumeric = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

/** Where in the source an operation sits, for messages: `in "event.a < event.b"`. */
export const inText = (text: string): string => `in ${JSON.stringify(text)}`;

/** The keys of a record, less those whose value is undefined (which reads as a missing key). */
export const definedKeys = (r: Readonly<Record<string, unknown>>): string[] => Object.keys(r).filter((k) => r[k] !== undefined);

/**
 * Deep equality, as Tremor has it: records and arrays by value (record key order ignored), bytes by
 * content, numbers by value whatever their representation (`1 == 1.0`, `1 == 1n`). Values of
 * different types are simply unequal.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== 'object' || tb !== 'object') {
    if ((ta === 'bigint' && tb === 'number') || (ta === 'number' && tb === 'bigint')) return a == b;
    return (a ?? null) === (b ?? null);
  }
  if (a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = definedKeys(ra);
  if (keys.length !== definedKeys(rb).length) return false;
  for (const k of keys) if (!Object.hasOwn(rb, k) || !deepEqual(ra[k], rb[k])) return false;
  return true;
}

/**
 * The boolean a condition (`and`, `or`, `not`, `?:`) takes from a value. Conditions want booleans
 * as in Tremor, but null counts as false because a missing field is the everyday case in a filter.
 */
export function condition(v: unknown, what: string, text: string): boolean {
  if (v === true) return true;
  if (v === false || v === null || v === undefined) return false;
  throw evalError(`${what} must be a boolean or null, got ${typeName(v)} ${inText(text)}`);
}

/** Text of any value: strings as they are, bytes decoded as UTF-8 (lossy), records and arrays as JSON. */
export function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (typeof v === 'object' && v !== null) return toJson(v);
  if (v === undefined || v === null) return 'null';
  return String(v);
}

/**
 * JSON of any value, where `JSON.stringify` falls short: bigint keeps all its digits, bytes become an
 * array of byte values (as they do when Tremor encodes binary), and undefined is null.
 */
export function toJson(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
      if (v instanceof Uint8Array) return `[${v.join(',')}]`;
      const parts: string[] = [];
      for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
      return `{${parts.join(',')}}`;
    }
    default:
      return 'null';
  }
}

/** Folded constants are shared by every evaluation, so nobody downstream may change them. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * The same text as V8's one canonical copy of it. The parser makes names by slicing the source, and
 * a read or store under a name that is not canonical looks it up in the string table every time
 * (about 10 ns a property where several paths share a closure).
 */
export const internalized = (key: string): string => Object.keys({ [key]: 0 })[0]!;
