import { nowNs } from '../../sdk/event.js';
import { quote } from '../../sdk/errors.js';
import { defineProcessor } from '../../sdk/processor-api.js';

const U64_MAX = 2n ** 64n - 1n;

export const ingestNs = defineProcessor({
  name: 'ingest-ns',
  description:
    'In: the first 8 bytes of each chunk (big-endian) are its ingest time in nanoseconds: put into meta.ingest_ns (a bigint) and stripped. Out: writes meta.ingest_ns (or now) as 8 bytes before each frame.',
  pre: () => ({
    process(data, meta, out) {
      if (data.length < 8) {
        out.error('ERR_PROCESSOR_FAILED', `ingest-ns: a chunk of ${data.length} bytes is shorter than the 8-byte ingest time`, data);
        return;
      }
      out.emit(data.subarray(8), { ...meta, ingest_ns: data.readBigUInt64BE(0) });
    },
  }),
  post: () => ({
    process(data, meta, out) {
      const given = meta.ingest_ns;
      let ns: bigint;
      if (given === undefined || given === null) ns = nowNs();
      else if (typeof given === 'bigint' && given >= 0n && given <= U64_MAX) ns = given;
      else if (typeof given === 'number' && Number.isSafeInteger(given) && given >= 0) ns = BigInt(given);
      else {
        out.error('ERR_PROCESSOR_FAILED', `ingest-ns: meta.ingest_ns must be non-negative integer nanoseconds (a bigint or a number), got ${quote(given)}`);
        return;
      }
      const framed = Buffer.allocUnsafe(8 + data.length);
      framed.writeBigUInt64BE(ns, 0);
      data.copy(framed, 8);
      out.emit(framed, meta);
    },
  }),
});
