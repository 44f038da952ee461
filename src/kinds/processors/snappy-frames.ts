import { compress, uncompress } from 'snappyjs';

/**
 * Snappy's framing format (as Tremor's `snap` FrameEncoder/FrameDecoder write and read it):
 * a stream identifier, then chunks of at most 64 KiB of data, each with a masked CRC-32C. The
 * library does raw blocks; the frames, checksums and the output limit are ours.
 */
export const STREAM_IDENTIFIER = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
const COMPRESSED = 0x00;
const UNCOMPRESSED = 0x01;
const BLOCK = 65536;

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32C (Castagnoli), as unsigned. */
export function crc32c(data: Uint8Array): number {
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const masked = (data: Uint8Array): number => {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
};

export function snappyCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [STREAM_IDENTIFIER];
  for (let at = 0; at < data.length; at += BLOCK) {
    const block = data.subarray(at, at + BLOCK);
    const packed = compress(block);
    // As snap does: keep the compressed form only when it saves at least an eighth.
    const useCompressed = packed.length < block.length - (block.length >> 3);
    const body = useCompressed ? packed : block;
    const header = Buffer.allocUnsafe(8);
    header[0] = useCompressed ? COMPRESSED : UNCOMPRESSED;
    header.writeUIntLE(body.length + 4, 1, 3);
    header.writeUInt32LE(masked(block), 4);
    parts.push(header, body);
  }
  return Buffer.concat(parts);
}

/** Decompresses framed Snappy; throws `tooLarge()` as soon as the output would pass `maxSize`. */
export function snappyDecompress(data: Buffer, maxSize: number, tooLarge: () => Error): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  let at = 0;
  let seenIdentifier = false;
  while (at < data.length) {
    if (data.length - at < 4) throw new Error(`truncated chunk header at byte ${at}`);
    const type = data[at]!;
    if (!seenIdentifier && type !== 0xff) throw new Error('missing the sNaPpY stream identifier at the start');
    const length = data.readUIntLE(at + 1, 3);
    const body = data.subarray(at + 4, at + 4 + length);
    if (body.length < length) throw new Error(`chunk at byte ${at} declares ${length} bytes, ${body.length} follow`);
    if (type === 0xff) {
      if (!body.equals(STREAM_IDENTIFIER.subarray(4))) throw new Error(`bad stream identifier at byte ${at}`);
      seenIdentifier = true;
    } else if (type === COMPRESSED || type === UNCOMPRESSED) {
      if (length < 4) throw new Error(`data chunk at byte ${at} is shorter than its checksum`);
      let block = body.subarray(4);
      if (type === COMPRESSED) {
        try {
          block = uncompress(block, BLOCK);
        } catch (err) {
          throw new Error(`chunk at byte ${at}: ${(err as Error).message}`);
        }
      } else if (block.length > BLOCK) throw new Error(`uncompressed chunk at byte ${at} holds ${block.length} bytes, more than 65536`);
      if (masked(block) !== body.readUInt32LE(0)) throw new Error(`checksum mismatch in the chunk at byte ${at}`);
      size += block.length;
      if (size > maxSize) throw tooLarge();
      parts.push(block);
    } else if (type < 0x80) {
      throw new Error(`reserved unskippable chunk type 0x${type.toString(16).padStart(2, '0')} at byte ${at}`);
    }
    // 0x80-0xfe (padding among them) are skippable by the format's rules.
    at += 4 + length;
  }
  if (!seenIdentifier) throw new Error('missing the sNaPpY stream identifier at the start');
  return Buffer.concat(parts, size);
}
