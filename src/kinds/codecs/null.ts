import { defineCodec } from '../../sdk/codec-api.js';

const EMPTY = Buffer.alloc(0);

export const nullCodec = defineCodec({
  name: 'null',
  description: 'Decodes every frame to nothing (no event) and encodes every value to empty bytes: for sources only counted and sinks only drained.',
  create() {
    return {
      decode: () => undefined,
      encode: () => EMPTY,
    };
  },
});
