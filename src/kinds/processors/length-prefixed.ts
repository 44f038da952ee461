import { z } from 'zod';
import { defineProcessor } from '../../sdk/processor-api.js';
import { MiB, withDefaults } from './config-defaults.js';
import { framer } from '../../sdk/io/framer.js';

const Config = withDefaults(
  z.strictObject({
    max_length: z
      .number()
      .int()
      .min(1)
      .default(16 * MiB)
      .describe('largest frame accepted, in bytes (default 16 MiB); a larger declared length is an error at once, before anything is buffered'),
  }),
);

export const lengthPrefixed = defineProcessor({
  name: 'length-prefixed',
  description:
    'In: frames a byte stream by an 8-byte big-endian length before each payload, across reads; a bad length is reported once and the rest of that read dropped. Out: writes that length before each frame.',
  config: Config,
  pre: ({ max_length }) =>
    framer('length-prefixed', (queue) => {
      if (queue.length < 8) return 'more';
      const header = queue.peek(8);
      const declared = header.readBigUInt64BE(0);
      if (declared > BigInt(max_length)) {
        return { code: 'ERR_PROCESSOR_MAX_LENGTH', problem: `frame of ${declared} bytes exceeds max_length ${max_length}`, data: Buffer.from(header) };
      }
      return { headerLength: 8, payloadLength: Number(declared) };
    }),
  post: () => ({
    process(data, meta, out) {
      const framed = Buffer.allocUnsafe(8 + data.length);
      framed.writeBigUInt64BE(BigInt(data.length), 0);
      data.copy(framed, 8);
      out.emit(framed, meta);
    },
  }),
});
