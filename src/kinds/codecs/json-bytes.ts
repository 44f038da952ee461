import { keepFloatMarks } from './json-floats.js';

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Whether bytes are anywhere in the value: the copy below is made only for values that hold some. */
export function holdsBytes(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isBytes(value)) return true;
  if (Array.isArray(value)) return value.some(holdsBytes);
  for (const key in value) if (holdsBytes((value as Record<string, unknown>)[key])) return true;
  return false;
}

/**
 * The value with each byte string as an array of its byte values, as Tremor's json codec writes
 * binary (`[104,105]`). Arrays and records are copied with their float marks, so `42.0` beside the
 * bytes is still written `42.0`.
 */
export function bytesAsArrays(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isBytes(value)) return Array.from(value);
  if (Array.isArray(value)) {
    const out = value.map(bytesAsArrays);
    keepFloatMarks(value, out, true);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = bytesAsArrays((value as Record<string, unknown>)[key]);
  keepFloatMarks(value, out, true);
  return out;
}
