import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { defineCodec } from '../runtime/codec-api.js';

/** Keys in code-point order at every level, so equal values always print the same (test output). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

// Bytes have no JSON form; base64 text keeps them readable and lossless for a reader that knows.
const replacer = (_key: string, v: unknown): unknown => {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return Buffer.from((v as { data: number[] }).data).toString('base64');
  }
  return v;
};

export const json = defineCodec({
  name: 'json',
  description: 'JSON text to values and back. `mode: sorted` writes keys in sorted order (stable output for tests).',
  config: z.strictObject({
    mode: z.enum(['sorted', 'unsorted']).default('unsorted').describe('sorted: keys in code-point order at every level'),
  }),
  mimeTypes: ['application/json'],
  create({ mode }) {
    const sorted = mode === 'sorted';
    return {
      decode(data) {
        if (!isUtf8(data)) throw new Error('invalid JSON: not valid UTF-8');
        const text = data.toString('utf8');
        // An empty or blank frame carries nothing: not an error (Tremor's behaviour).
        if (text.trim() === '') return undefined;
        try {
          return JSON.parse(text);
        } catch (err) {
          throw new Error(`invalid JSON: ${(err as Error).message}`);
        }
      },
      encode(value) {
        const v = sorted ? sortKeys(value) : value;
        // The replacer halves JSON.stringify's speed, so it runs only for the rare values that
        // need it: a bigint (stringify throws) or bytes (they show up as {"type":"Buffer"...}).
        let text: string | undefined;
        try {
          text = JSON.stringify(v);
        } catch (err) {
          if (!(err instanceof TypeError)) throw err;
        }
        if (text === undefined || text.includes('"type":"Buffer","data":[')) text = JSON.stringify(v, replacer);
        if (text === undefined) throw new Error(`a ${typeof value} has no JSON form`);
        return text;
      },
    };
  },
});
