import type { ErrorCode } from '../errors.js';
import type { Meta } from '../event.js';
import type { Processor } from '../processor-api.js';
import { ByteQueue } from './byte-queue.js';

/** What a framing format reads at the start of the buffered bytes. */
export type HeaderResult =
  | { readonly headerLength: number; readonly payloadLength: number; readonly meta?: (meta: Meta) => Meta }
  | 'more'
  | { readonly code: ErrorCode; readonly problem: string; readonly data: Buffer };

/**
 * The loop every length-framed preprocessor shares: reassemble frames split over any number of
 * reads, cut reads holding many frames, and report a bad header once. A byte stream cannot find
 * the next header after a bad one, so the rest of that read is dropped and the next read is taken
 * to start with a header (true on message transports such as WebSocket, where one read is one frame).
 */
export function framer(name: string, readHeader: (queue: ByteQueue) => HeaderResult): Processor {
  const queue = new ByteQueue();
  let need = -1;
  let frameMeta: ((meta: Meta) => Meta) | undefined;
  return {
    process(chunk, meta, out) {
      queue.push(chunk);
      for (;;) {
        if (need < 0) {
          const header = readHeader(queue);
          if (header === 'more') return;
          if ('problem' in header) {
            queue.clear();
            out.error(header.code, `${name}: ${header.problem}; the rest of this read is dropped`, header.data);
            return;
          }
          queue.skip(header.headerLength);
          need = header.payloadLength;
          frameMeta = header.meta;
        }
        if (queue.length < need) return;
        const frame = queue.take(need);
        const metaOut = frameMeta === undefined ? meta : frameMeta(meta);
        need = -1;
        frameMeta = undefined;
        out.emit(frame, metaOut);
      }
    },
    finish(out) {
      const have = queue.length;
      if (need >= 0) out.error('ERR_PROCESSOR_FAILED', `${name}: the stream ended ${have} bytes into a frame of ${need} bytes`, queue.peek(Math.min(have, 64)));
      else if (have > 0) out.error('ERR_PROCESSOR_FAILED', `${name}: the stream ended inside a frame header (${have} bytes)`, queue.peek(Math.min(have, 64)));
      queue.clear();
      need = -1;
      frameMeta = undefined;
    },
  };
}
