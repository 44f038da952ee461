/**
 * Bytes in values from ThingsDB, as a client that prints JSON shows them. ThingsDB's own JSON
 * writer has no form for bytes, and its language turns them into text and back with base64
 * (`base64_encode`, `base64_decode`): with `bytes: 'base64'`, a thingsdb_client writes every byte
 * string in an answer or an event as its base64 text, rather than Node's
 * `{"type":"Buffer","data":[...]}`. Integers past 2^53 need nothing: they are bigints, which
 * tremolo's JSON codec writes as exact numbers.
 */
export type BytesForm = 'bytes' | 'base64';

/** `value` with each byte string (at any depth) as base64 text; the same value when it has none. */
export function bytesAsBase64(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(bytesAsBase64);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: bytesAsBase64(item), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
