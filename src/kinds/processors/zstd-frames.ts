import { Decompress } from 'fzstd';

const MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const MAX_BLOCK = 128 * 1024;
/** Windows up to this are always allowed: zstd's levels 1-19 use at most 8 MiB, even for tiny inputs. */
const WINDOW_FLOOR = 8 * 1024 * 1024;

/**
 * Walks the frame and block headers of Zstandard data before fzstd sees it: fzstd allocates a
 * frame's whole window up front, so a hostile header declaring a huge window or content size must
 * be refused here, before any allocation. Block contents are fzstd's business; the output is
 * counted as it comes, so a frame that lies about nothing but still expands too far stops too.
 */
function checkFrames(data: Buffer, maxSize: number, tooLarge: (detail?: string) => Error): void {
  let at = 0;
  while (at < data.length) {
    if (data.length - at < 8) throw new Error(`truncated frame header at byte ${at}`);
    const magic = data.readUInt32LE(at);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      at += 8 + data.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== MAGIC) throw new Error(`bad magic number 0x${magic.toString(16)} at byte ${at}`);
    const descriptor = data[at + 4]!;
    const contentSizeFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const checksum = (descriptor >> 2) & 1;
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
    if (descriptor & 0x08) throw new Error(`reserved bit set in the frame header at byte ${at}`);
    let pos = at + 5;
    let window = 0;
    if (!singleSegment) {
      const w = data[pos++]!;
      const base = 2 ** (10 + (w >> 3));
      window = base + (base / 8) * (w & 7);
    }
    pos += dictionaryBytes;
    const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : [0, 2, 4, 8][contentSizeFlag]!;
    if (pos + contentSizeBytes > data.length) throw new Error(`truncated frame header at byte ${at}`);
    if (contentSizeBytes > 0) {
      const declared = contentSizeBytes === 8 ? Number(data.readBigUInt64LE(pos)) : data.readUIntLE(pos, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
      if (declared > maxSize) throw tooLarge();
      if (singleSegment) window = declared;
    }
    if (window > Math.max(maxSize, WINDOW_FLOOR)) throw tooLarge(`window of ${window} bytes exceeds max_size ${maxSize} bytes (and 8 MiB)`);
    pos += contentSizeBytes;
    for (let last = 0; !last; ) {
      if (pos + 3 > data.length) throw new Error(`truncated block header at byte ${pos}`);
      const header = data.readUIntLE(pos, 3);
      last = header & 1;
      const type = (header >> 1) & 3;
      const size = header >> 3;
      if (type === 3) throw new Error(`reserved block type at byte ${pos}`);
      if (size > MAX_BLOCK) throw new Error(`block of ${size} bytes at byte ${pos} is larger than 128 KiB`);
      pos += 3 + (type === 1 ? 1 : size);
    }
    at = pos + checksum * 4;
    if (at > data.length) throw new Error('truncated frame at the end');
  }
}

/** Decompresses Zstandard (any number of frames); throws `tooLarge()` once output passes `maxSize`. */
export function zstdDecompress(data: Buffer, maxSize: number, tooLarge: (detail?: string) => Error): Buffer {
  checkFrames(data, maxSize, tooLarge);
  const parts: Uint8Array[] = [];
  let size = 0;
  const stream = new Decompress((part) => {
    size += part.length;
    if (size > maxSize) throw tooLarge();
    parts.push(part);
  });
  stream.push(data, true);
  return Buffer.concat(parts, size);
}
