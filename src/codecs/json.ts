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

// JSON has no bigint: a safe one is written as a number, a bigger one as its decimal text.
const replacer = (_key: string, v: unknown): unknown =>
  typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;

export const json = defineCodec({
  name: 'json',
  description: 'JSON text to values and back. `mode: sorted` writes keys in sorted order (stable output for tests). Bigints are written as numbers when safe, else as text; bytes as `{"type":"Buffer","data":[...]}`.',
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
        try {
          return JSON.parse(text);
        } catch (err) {
          // An empty or blank frame carries nothing: not an error (Tremor's behaviour). Asked only
          // here, since JSON.parse refuses such a frame anyway.
          if (text.trim() === '') return undefined;
          throw new Error(`invalid JSON: ${(err as Error).message}`);
        }
      },
      encode(value) {
        const v = sorted ? sortKeys(value) : value;
        // A replacer halves JSON.stringify's speed, so it runs only when a bigint made the plain
        // call throw. Bytes keep Node's form, {"type":"Buffer","data":[...]}, as json::encode does.
        let text: string | undefined;
        try {
          text = JSON.stringify(v);
        } catch (err) {
          if (!(err instanceof TypeError)) throw err;
          text = JSON.stringify(v, replacer);
        }
        if (text === undefined) throw new Error(`a ${typeof value} has no JSON form`);
        return text;
      },
    };
  },
});
