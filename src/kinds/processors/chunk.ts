import { z } from 'zod';
import type { Meta } from '../../sdk/event.js';
import { defineProcessor } from '../../sdk/processor-api.js';
import { withDefaults } from './config-defaults.js';

// Named without config, the message is then "max_bytes: missing" rather than "config: missing".
const Config = withDefaults(
  z.strictObject({
    max_bytes: z.number().int().min(1).describe('the largest frame to build, in bytes (required): payloads are packed up to it, never split'),
  }),
);

export const chunk = defineProcessor({
  name: 'chunk',
  description:
    'Out: packs consecutive frames into frames of at most max_bytes, never splitting one; a frame larger than max_bytes goes out alone. Whatever is packed goes out when the next frame would not fit and when the stream ends.',
  config: Config,
  post: ({ max_bytes }) => {
    let parts: Buffer[] = [];
    let size = 0;
    let lastMeta: Meta = {};
    const flush = (out: { emit(data: Buffer, meta: Meta): void }): void => {
      if (parts.length === 0) return;
      const frame = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      parts = [];
      size = 0;
      out.emit(frame, lastMeta);
    };
    return {
      process(data, meta, out) {
        if (size + data.length > max_bytes) flush(out);
        if (data.length >= max_bytes) {
          // Too big to share a frame (Tremor drops it; sending it alone loses nothing).
          out.emit(data, meta);
          return;
        }
        parts.push(data);
        size += data.length;
        lastMeta = meta;
        if (size === max_bytes) flush(out);
      },
      finish: flush,
    };
  },
});
