import { z } from 'zod';
import { reason } from '../../sdk/errors.js';
import { defineProcessor } from '../../sdk/processor-api.js';
import { algorithmSchema, decompress as inflate, detect, DECOMPRESSES, TooLarge, type Algorithm } from './compression.js';
import { MiB, withDefaults } from './config-defaults.js';

const Config = withDefaults(
  z.strictObject({
    algorithm: algorithmSchema(DECOMPRESSES, ['autodetect'])
      .default('autodetect')
      .describe('gzip, zlib, deflate (raw), br, snappy (framed), zstd, or autodetect (by magic bytes; data without a known magic passes unchanged)'),
    max_size: z
      .number()
      .int()
      .min(1)
      .default(64 * MiB)
      .describe('largest decompressed chunk, in bytes (default 64 MiB): a decompression bomb stops here with an error'),
  }),
);

export const decompress = defineProcessor({
  name: 'decompress',
  description: 'In: decompresses each chunk (one complete compressed payload per chunk); output beyond max_size is an error, so a decompression bomb cannot exhaust memory.',
  config: Config,
  pre: ({ algorithm, max_size }) => ({
    process(data, meta, out) {
      const used = algorithm === 'autodetect' ? detect(data) : (algorithm as Algorithm);
      if (used === undefined) {
        // Tremor's rule: what carries no known magic was not compressed.
        out.emit(data, meta);
        return;
      }
      if (!DECOMPRESSES.includes(used)) {
        out.error('ERR_PROCESSOR_FAILED', `decompress: the data looks like ${used}, which is not supported; supported: ${DECOMPRESSES.join(', ')}`, data);
        return;
      }
      let result: Buffer;
      try {
        result = inflate(used, data, max_size);
      } catch (err) {
        if (err instanceof TooLarge) out.error('ERR_PROCESSOR_MAX_LENGTH', `decompress: ${err.message}; dropped`, data);
        else out.error('ERR_PROCESSOR_FAILED', `decompress: invalid ${used} data: ${reason(err)}`, data);
        return;
      }
      out.emit(result, meta);
    },
  }),
});
