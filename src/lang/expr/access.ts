import { evalError } from './errors.js';
import { inText, isRecord, typeName } from './values.js';

/**
 * Reading one step of a path. Only records have fields and only arrays (and bytes) have positions;
 * everything else, and anything absent, reads as null. Care is needed because the values are
 * JavaScript objects: `event.length` of an array or `event.constructor` of a record must not leak
 * JavaScript's own properties into the data.
 */

// Names some data object inherits: reading them needs the own-property check. Any other name can
// be read directly, because a data object that lacks it gives undefined.
const INHERITED: ReadonlySet<string> = new Set(
  [Object.prototype, Array.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype) as object, Buffer.prototype].flatMap(
    (proto) => Object.getOwnPropertyNames(proto),
  ),
);

/** Whether `o[name]` could return something that is not the record's own data. */
export const needsOwnCheck = (name: string): boolean => INHERITED.has(name) || /^\d/.test(name);

/** A field of a record, by own property only; null when absent or when `o` is no record. */
export function ownField(o: unknown, name: string): unknown {
  if (!isRecord(o) || !Object.hasOwn(o, name)) return null;
  return o[name] ?? null;
}

/** `o[i]`: negative positions count from the end; a fractional or out-of-range position reads null. */
export function position(o: unknown, i: number): unknown {
  if (!Array.isArray(o) && !(o instanceof Uint8Array)) return null;
  if (!Number.isInteger(i)) return null;
  const v: unknown = o[i < 0 ? o.length + i : i];
  return v ?? null;
}

/** `o[key]` with a key computed at run time. */
export function dynamicIndex(o: unknown, key: unknown, text: string): unknown {
  if (typeof key === 'number') return position(o, key);
  if (typeof key === 'string') return ownField(o, key);
  if (typeof key === 'bigint') return position(o, Number(key));
  if (key === null || key === undefined) return null;
  throw evalError(`cannot index with ${typeName(key)}, only with a string or a number ${inText(text)}`);
}

/** A path as written, for messages about it: `event.a[0]["odd key"]`. */
export function formatPath(root: string, segments: readonly (string | number)[]): string {
  let out = root;
  for (const s of segments) {
    out += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }
  return out;
}
