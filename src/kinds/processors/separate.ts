import { z } from 'zod';
import type { Meta } from '../../sdk/event.js';
import { defineProcessor, type Processor, type ProcessorOutput } from '../../sdk/processor-api.js';

/** Tremor's quirk, kept: named alone, `separate` cuts lines at 8192 bytes. */
const DEFAULT_MAX_LENGTH_BY_NAME = 8192;
/** With a config, a line may be this long unless `max_length` says otherwise: one peer's endless line must not take the memory. */
const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;

const Config = z.preprocess(
  (v) => (v === undefined ? { max_length: DEFAULT_MAX_LENGTH_BY_NAME } : v),
  z.strictObject({
    separator: z
      .string()
      .refine((s) => Buffer.byteLength(s) === 1, { error: 'expected a separator of exactly one byte' })
      .default('\n')
      .describe('one byte'),
    max_length: z
      .number()
      .int()
      .min(0)
      .default(DEFAULT_MAX_LENGTH)
      .describe('longest fragment in bytes (16 MiB; 8192 when named without config); a longer one is reported and skipped up to the next separator; 0 = no limit'),
    buffered: z.boolean().default(true).describe('keep a trailing fragment for the next chunk (true) or emit it at once (false)'),
  }),
);
export type SeparateConfig = z.output<typeof Config>;

function splitter({ separator, max_length, buffered }: SeparateConfig): Processor {
  const sep = Buffer.from(separator)[0]!;
  // The unfinished fragment, as the pieces it came in: joined once, when its separator arrives,
  // so a long line costs one copy, where joining at every read copied it again each time.
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let pendingMeta: Meta = {};
  let skipping = false;
  const tooLong = (out: ProcessorOutput, length: number, data: Buffer): void =>
    out.error('ERR_PROCESSOR_MAX_LENGTH', `separate: fragment of ${length}${skipping ? '+' : ''} bytes exceeds max_length ${max_length}; dropped`, data);

  const fragment = (data: Buffer, meta: Meta, out: ProcessorOutput): void => {
    if (max_length > 0 && data.length > max_length) tooLong(out, data.length, data);
    else out.emit(data, meta);
  };
  const takePending = (tail?: Buffer): Buffer => {
    const parts = tail === undefined ? pending : [...pending, tail];
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    pending = [];
    pendingLength = 0;
    return joined;
  };
  /** Keeps `data` for the next chunk, unless the fragment gets too long: then it is reported once and skipped. */
  const keep = (data: Buffer, meta: Meta, out: ProcessorOutput): void => {
    if (max_length > 0 && pendingLength + data.length > max_length) {
      const length = pendingLength + data.length;
      tooLong(out, length, takePending(data).subarray(0, max_length + 1));
      skipping = true;
      return;
    }
    pending.push(data);
    pendingLength += data.length;
    pendingMeta = meta;
  };

  return {
    process(chunk, meta, out) {
      let start = 0;
      let at = chunk.indexOf(sep);
      if (pendingLength > 0 || skipping) {
        if (at < 0) {
          if (!skipping) keep(chunk, meta, out);
          return;
        }
        // The separator that ends the fragment begun in earlier chunks.
        if (skipping) skipping = false;
        else fragment(takePending(chunk.subarray(0, at)), meta, out);
        start = at + 1;
        at = chunk.indexOf(sep, start);
      }
      for (; at >= 0; at = chunk.indexOf(sep, start)) {
        fragment(chunk.subarray(start, at), meta, out);
        start = at + 1;
      }
      if (start >= chunk.length) return;
      const rest = start === 0 ? chunk : chunk.subarray(start);
      if (!buffered) fragment(rest, meta, out);
      else keep(rest, meta, out);
    },
    finish(out) {
      if (pendingLength > 0) fragment(takePending(), pendingMeta, out);
      pending = [];
      pendingLength = 0;
      skipping = false;
    },
  };
}

export const separate = defineProcessor({
  name: 'separate',
  description:
    'In: splits a byte stream on a one-byte separator (default "\\n"). Out: appends the separator to each frame.',
  config: Config,
  pre: (config) => splitter(config),
  post: ({ separator }) => {
    const sep = Buffer.from(separator)[0]!;
    return {
      process(data, meta, out) {
        // One allocation and one copy (Buffer.concat costs about 20 ns more for a line).
        const framed = Buffer.allocUnsafe(data.length + 1);
        framed.set(data);
        framed[data.length] = sep;
        out.emit(framed, meta);
      },
    };
  },
});
