import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { defineCodec } from '../../sdk/codec-api.js';
import { keepFloatMarks, markIntegralFloats, mayHoldIntegralFloat } from './json-floats.js';
import { exactNumbers, mayBeInexact, stringifyExact } from './json-numbers.js';
import { holdsBytes } from '../../sdk/values.js';
import { bytesAsArrays } from './json-bytes.js';

/** Keys in code-point order at every level, so equal values always print the same (test output). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out = value.map(sortKeys);
    keepFloatMarks(value, out, true);
    return out;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    keepFloatMarks(value, out, true);
    return out;
  }
  return value;
}

export const json = defineCodec({
  name: 'json',
  description:
    'JSON text to values and back. `mode: sorted` writes keys in sorted order (stable output for tests). Integers past 2^53 decode to bigints and bigints are written as exact integers, so no integer is rounded on the way through; a number beyond the range of a 64-bit float (`1e999`) is an error, not Infinity or null. Bytes are written as `{"type":"Buffer","data":[...]}` (as `json::encode` writes them), or with `bytes: array` as an array of byte values, as Tremor writes them (`.troy` flows). A float written with a fraction of zeros (`42.0`) is written back so while it keeps its value.',
  config: z.strictObject({
    mode: z.enum(['sorted', 'unsorted']).default('unsorted').describe('sorted: keys in code-point order at every level'),
    bytes: z
      .enum(['node', 'array'])
      .default('node')
      .describe('how bytes are written: node: `{"type":"Buffer","data":[104,105]}`; array: `[104,105]`, as Tremor’s json codec (the default in `.troy` flows)'),
  }),
  mimeTypes: ['application/json'],
  create({ mode, bytes }) {
    const sorted = mode === 'sorted';
    const arrays = bytes === 'array';
    return {
      decode(data) {
        if (!isUtf8(data)) throw new Error('invalid JSON: not valid UTF-8');
        const text = data.toString('utf8');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          // An empty or blank frame carries nothing: not an error (Tremor's behaviour). Asked only
          // here, since JSON.parse refuses such a frame anyway.
          if (text.trim() === '') return undefined;
          throw new Error(`invalid JSON: ${(err as Error).message}`);
        }
        const exact = mayBeInexact(data) ? exactNumbers(text, value) : value;
        if (mayHoldIntegralFloat(text)) markIntegralFloats(text, exact);
        return exact;
      },
      encode(value) {
        // Bytes keep Node's form, {"type":"Buffer","data":[...]}, as json::encode does, unless asked for as arrays.
        const plain = arrays && holdsBytes(value) ? bytesAsArrays(value) : value;
        const text = stringifyExact(sorted ? sortKeys(plain) : plain);
        if (text === undefined) throw new Error(`a ${typeof value} has no JSON form`);
        return text;
      },
    };
  },
});
