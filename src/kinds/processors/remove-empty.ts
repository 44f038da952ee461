import { defineProcessor } from '../../sdk/processor-api.js';

export const removeEmpty = defineProcessor({
  name: 'remove-empty',
  description: 'Drops empty chunks (after `separate`, the empty lines).',
  pre: () => ({
    process(data, meta, out) {
      if (data.length > 0) out.emit(data, meta);
    },
  }),
});
