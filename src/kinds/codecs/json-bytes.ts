import { isBytes } from '../../sdk/values.js';
import { keepFloatMarks } from './json-floats.js';

/**
 * The value with each byte string as an array of its byte values, as Tremor's json codec writes
 * binary (`[104,105]`). Arrays and records are copied with their float marks, so `42.0` beside the
 * bytes is still written `42.0`. The codec copies only values that hold bytes (sdk `holdsBytes`).
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
