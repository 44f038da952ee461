import type { Meta } from '../../sdk/event.js';
import { defineProcessor } from '../../sdk/processor-api.js';

export const collect = defineProcessor({
  name: 'collect',
  description: 'Out: keeps every frame of a stream and writes them as one frame when the stream ends (for a file written whole, an HTTP body).',
  post: () => {
    let parts: Buffer[] = [];
    let size = 0;
    let lastMeta: Meta = {};
    return {
      process(data, meta) {
        parts.push(data);
        size += data.length;
        lastMeta = meta;
      },
      finish(out) {
        if (parts.length === 0) return;
        const all = Buffer.concat(parts, size);
        parts = [];
        size = 0;
        out.emit(all, lastMeta);
      },
    };
  },
});
