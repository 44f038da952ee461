// @ts-check
import { z } from 'zod';
import { defineProcessor } from 'tremolo';

const COLON = 0x3a;
const COMMA = 0x2c;
const EMPTY = Buffer.alloc(0);

/**
 * Netstrings (`5:hello,`, D. J. Bernstein's framing): a decimal length, a colon, the bytes, a comma.
 * The preprocessor keeps, per stream, what arrived of an unfinished netstring until the rest comes.
 */
export const netstring = defineProcessor({
  name: 'netstring',
  description:
    'In: frames a byte stream of netstrings (`5:hello,`) across reads; a bad length, a missing comma or a length over `max_length` is reported and the rest of that read dropped. Out: writes each frame as a netstring.',
  // Named without a config (`preprocessors: ['netstring']`) it receives undefined: prefault gives the defaults.
  config: z
    .strictObject({
      max_length: z.number().int().min(0).default(1048576).describe('the largest frame accepted, in bytes; a longer declared length is an error before anything is buffered'),
    })
    .prefault({}),
  pre({ max_length }) {
    const digits = String(max_length).length;
    let pending = EMPTY;
    return {
      process(data, meta, out) {
        let buffer = pending.length === 0 ? data : Buffer.concat([pending, data]);
        pending = EMPTY;
        /** A byte stream cannot find the next netstring after a bad one: the rest of the read goes. */
        const drop = (/** @type {'ERR_PROCESSOR_FAILED' | 'ERR_PROCESSOR_MAX_LENGTH'} */ code, /** @type {string} */ problem) =>
          out.error(code, `netstring: ${problem}; the rest of this read is dropped`, buffer.subarray(0, 32));
        while (buffer.length > 0) {
          const colon = buffer.indexOf(COLON);
          const length = buffer.subarray(0, colon < 0 ? buffer.length : colon).toString('latin1');
          if (!/^\d*$/.test(length) || /^0\d/.test(length) || (colon >= 0 && length === '')) {
            return drop('ERR_PROCESSOR_FAILED', `expected a length in decimal digits before ":", received ${JSON.stringify(length.slice(0, 16))}`);
          }
          if (colon < 0 && length.length > digits) return drop('ERR_PROCESSOR_MAX_LENGTH', `a length of over ${digits} digits exceeds max_length ${max_length}`);
          if (colon >= 0 && Number(length) > max_length) return drop('ERR_PROCESSOR_MAX_LENGTH', `frame of ${length} bytes exceeds max_length ${max_length}`);
          const end = colon + 1 + Number(length);
          if (colon < 0 || buffer.length <= end) {
            // The length or the bytes are still arriving. A copy, so the whole read is not kept alive.
            pending = Buffer.from(buffer);
            return;
          }
          if (buffer[end] !== COMMA) return drop('ERR_PROCESSOR_FAILED', `expected "," after a frame of ${length} bytes, received ${JSON.stringify(String.fromCharCode(buffer[end] ?? 0))}`);
          out.emit(buffer.subarray(colon + 1, end), meta);
          buffer = buffer.subarray(end + 1);
        }
      },
      finish(out) {
        if (pending.length > 0) out.error('ERR_PROCESSOR_FAILED', `netstring: the stream ended inside a netstring (${pending.length} bytes)`, pending);
        pending = EMPTY;
      },
    };
  },
  post: () => ({
    process(data, meta, out) {
      out.emit(Buffer.concat([Buffer.from(`${data.length}:`), data, Buffer.from(',')]), meta);
    },
  }),
});
