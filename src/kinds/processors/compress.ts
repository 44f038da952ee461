import { z } from 'zod';
import { reason } from '../../sdk/errors.js';
import { defineProcessor } from '../../sdk/processor-api.js';
import { algorithmSchema, compress as deflate, COMPRESSES, LEVELS, type Algorithm } from './compression.js';
import { withDefaults } from './config-defaults.js';

const Config = withDefaults(
  z
    .strictObject({
      algorithm: algorithmSchema(COMPRESSES).describe('gzip, zlib, deflate (raw), br or snappy (framed), required'),
      level: z.number().int().optional().describe("compression level: 0-9 for gzip, zlib and deflate, 0-11 for br (quality); default: the library's own"),
    })
    .superRefine(({ algorithm, level }, ctx) => {
      if (level === undefined) return;
      const range = LEVELS[algorithm as Algorithm];
      if (range === undefined) ctx.addIssue({ code: 'custom', path: ['level'], message: `${algorithm} takes no level` });
      else if (level < range.min || level > range.max) {
        ctx.addIssue({ code: 'custom', path: ['level'], message: `${algorithm} takes a level from ${range.min} to ${range.max}, received ${level}` });
      }
    }),
);

export const compress = defineProcessor({
  name: 'compress',
  description: 'Out: compresses each frame with the chosen algorithm (and level).',
  config: Config,
  post: ({ algorithm, level }) => ({
    process(data, meta, out) {
      let result: Buffer;
      try {
        result = deflate(algorithm as Algorithm, data, level);
      } catch (err) {
        out.error('ERR_PROCESSOR_FAILED', `compress: ${algorithm}: ${reason(err)}`, data);
        return;
      }
      out.emit(result, meta);
    },
  }),
});
