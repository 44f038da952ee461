/**
 * The shapes of event data that every layer tells apart: JSON-like values plus bytes
 * (`Uint8Array`, so `Buffer` too). The expression language, the codecs and the kinds share these
 * checks, so that a record is a record, and a key is a key, in every one of them.
 */

/** A record: an object that is neither an array nor bytes. */
export const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** A record built from computed entries: `__proto__` must become an own key, not the prototype. */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
