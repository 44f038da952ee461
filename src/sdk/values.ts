/**
 * The shapes of event data that every layer tells apart: JSON-like values plus bytes
 * (`Uint8Array`, so `Buffer` too). The expression language, the codecs and the kinds share these
 * checks, so that a record is a record, and a key is a key, in every one of them.
 */

/** The type names of the expression language, which its messages use: `got record`, `received bytes`. */
export type TypeName = 'null' | 'bool' | 'number' | 'string' | 'array' | 'record' | 'bytes';

/** A value's type name; bigint counts as a number, and undefined (a missing key) as null. */
export function typeName(v: unknown): TypeName {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'array';
      return v instanceof Uint8Array ? 'bytes' : 'record';
    default:
      return 'null';
  }
}

export const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Whether bytes are anywhere in the value, at any depth: such a value cannot be frozen, nor written as JSON as it is. */
export function holdsBytes(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isBytes(value)) return true;
  if (Array.isArray(value)) return value.some(holdsBytes);
  for (const key in value) if (holdsBytes((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** A record: an object that is neither an array nor bytes. */
export const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** A record built from computed entries: `__proto__` must become an own key, not the prototype. */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
