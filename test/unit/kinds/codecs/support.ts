import type { Codec, CodecDefinition } from '../../../../src/sdk/codec-api.js';

/** A codec with its config validated as the flow loader does it (`{}` when none is given). */
export function codecOf<C>(def: CodecDefinition<C>, config?: unknown): Codec {
  if (def.config === undefined) return def.create(undefined as C);
  return def.create(def.config.parse(config ?? {}));
}

export const decode = (codec: Codec, input: string | Buffer): unknown => codec.decode(typeof input === 'string' ? Buffer.from(input) : input, {});

/** The encoded frame as text (codecs may return a string or bytes). */
export function encodeText(codec: Codec, value: unknown): string {
  const frame = codec.encode(value, {});
  return typeof frame === 'string' ? frame : frame.toString('utf8');
}

/** The message of what `fn` throws; fails when it does not throw. */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

/**
 * What the json codec reads back of a value it wrote: a number past 2^53 that JavaScript writes as
 * digits (2^60 as 1152921504606847000) comes back as the bigint of those digits; the rest as it was.
 */
export function jsonReadBack(v: unknown): unknown {
  if (typeof v === 'number') {
    const text = JSON.stringify(v);
    return (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) && /^-?\d+$/.test(text) ? BigInt(text) : v;
  }
  if (Array.isArray(v)) return v.map(jsonReadBack);
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonReadBack(x)]));
  return v;
}
