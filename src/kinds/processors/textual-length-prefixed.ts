import { z } from 'zod';
import { defineProcessor } from '../../sdk/processor-api.js';
import { MiB, withDefaults } from './config-defaults.js';
import { framer } from '../../sdk/io/framer.js';

const SPACE = 0x20;

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

export const textualLengthPrefixed = defineProcessor({
  name: 'textual-length-prefixed',
  description:
    'In: frames a byte stream by an ASCII decimal length and one space before each payload (octet counting, RFC 5425), across reads; a bad length is reported once and the rest of that read dropped. Out: writes that prefix before each frame.',
  config: Config,
  pre: ({ max_length }) => {
    // A length longer than this many digits is over the limit whatever the digits are.
    const digits = String(max_length).length;
    return framer('textual-length-prefixed', (queue) => {
      const limit = Math.min(queue.length, digits + 1);
      const space = queue.indexOf(SPACE, limit);
      const head = queue.peek(space < 0 ? limit : space);
      const bad = head.findIndex((b) => b < 0x30 || b > 0x39);
      if (bad >= 0 || space === 0) {
        const at = space === 0 ? 0 : bad;
        return {
          code: 'ERR_PROCESSOR_FAILED',
          problem: `expected the frame length in ASCII digits and a space, found byte 0x${head[at]?.toString(16).padStart(2, '0') ?? '20'} at ${at}`,
          data: Buffer.from(queue.peek(Math.min(queue.length, 64))),
        };
      }
      if (space < 0) {
        if (limit <= digits) return 'more';
        return { code: 'ERR_PROCESSOR_MAX_LENGTH', problem: `a frame length of more than ${digits} digits exceeds max_length ${max_length}`, data: Buffer.from(head) };
      }
      const length = Number(head.toString('latin1'));
      if (length > max_length) return { code: 'ERR_PROCESSOR_MAX_LENGTH', problem: `frame of ${length} bytes exceeds max_length ${max_length}`, data: Buffer.from(head) };
      return { headerLength: space + 1, payloadLength: length };
    });
  },
  post: () => ({
    process(data, meta, out) {
      const prefix = Buffer.from(`${data.length} `, 'latin1');
      out.emit(Buffer.concat([prefix, data], prefix.length + data.length), meta);
    },
  }),
});
