/**
 * The `thingsdb` processor: ThingsDB's package framing, before the msgpack codec on the way in and
 * after it on the way out (packages/thingsdb/thingsdb.json5 names it on its connectors).
 */
import { z } from 'zod';
import { defineProcessor, framer, quote } from 'tremolo';
import { hexByte as hex } from './thingsdb-protocol.js';

const HEADER = 8;

// Named without a config (`preprocessors: ['thingsdb']`) it receives undefined: prefault fills in the defaults.
const Config = z
  .strictObject({
    max_size: z
      .number()
      .int()
      .min(1)
      .max(0xffffffff)
      .default(16 * 1024 * 1024)
      .describe('largest package payload accepted, in bytes (default 16 MiB; ThingsDB itself allows 1 GiB); a larger declared size is an error at once'),
  })
  .prefault({});

/** `meta.thingsdb` of a package: its id (a response copies the request's; events use 0xffff) and type. */
export interface ThingsdbMeta {
  readonly id: number;
  readonly type: number;
}

export default defineProcessor({
  name: 'thingsdb',
  description:
    "ThingsDB's package framing: an 8-byte header (payload size u32 LE, id u16 LE, type, type XOR 0xff) before a MessagePack payload. In: reassembles packages across reads and strips the header into meta.thingsdb = {id, type}; a bad header is reported once and the rest of that read dropped (a byte stream cannot resync). Out: builds the header from meta.thingsdb.",
  config: Config,
  pre: ({ max_size }) =>
    framer('thingsdb', (queue) => {
      if (queue.length < HEADER) return 'more';
      const header = queue.peek(HEADER);
      const size = header.readUInt32LE(0);
      const id = header.readUInt16LE(4);
      const type = header[6]!;
      const check = header[7]!;
      const data = Buffer.from(header);
      if (check !== (type ^ 0xff)) {
        return { code: 'ERR_PROCESSOR_FAILED', problem: `check byte ${hex(check)} does not match type ${hex(type)} (expected ${hex(type ^ 0xff)})`, data };
      }
      if (size > max_size) return { code: 'ERR_PROCESSOR_MAX_LENGTH', problem: `package of ${size} bytes exceeds max_size ${max_size}`, data };
      const thingsdbMeta: ThingsdbMeta = { id, type };
      return { headerLength: HEADER, payloadLength: size, meta: (meta) => ({ ...meta, thingsdb: thingsdbMeta }) };
    }),
  post: () => ({
    process(data, meta, out) {
      const t = meta.thingsdb as Partial<Record<keyof ThingsdbMeta, unknown>> | null | undefined;
      if (t === undefined || t === null || typeof t !== 'object') {
        out.error('ERR_PROCESSOR_FAILED', `thingsdb: meta.thingsdb is missing; expected {id, type} with id 0-65535 and type 0-255, got ${quote(t)}`);
        return;
      }
      for (const [key, max] of [['id', 0xffff], ['type', 0xff]] as const) {
        const v = t[key];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
          out.error('ERR_PROCESSOR_FAILED', `thingsdb: meta.thingsdb.${key} must be an integer 0-${max}, got ${quote(v)}`);
          return;
        }
      }
      if (data.length > 0xffffffff) {
        out.error('ERR_PROCESSOR_MAX_LENGTH', `thingsdb: a payload of ${data.length} bytes does not fit the 32-bit size field`);
        return;
      }
      const type = t.type as number;
      const framed = Buffer.allocUnsafe(HEADER + data.length);
      framed.writeUInt32LE(data.length, 0);
      framed.writeUInt16LE(t.id as number, 4);
      framed[6] = type;
      framed[7] = type ^ 0xff;
      data.copy(framed, HEADER);
      out.emit(framed, meta);
    },
  }),
});
