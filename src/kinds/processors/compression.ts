import zlib from 'node:zlib';
import { z } from 'zod';
import { snappyCompress, snappyDecompress, STREAM_IDENTIFIER } from './snappy-frames.js';
import { zstdDecompress } from './zstd-frames.js';

/** Every name Tremor knows, plus raw `deflate`. */
export const ALGORITHMS = ['gzip', 'zlib', 'deflate', 'br', 'snappy', 'zstd', 'xz2', 'lz4'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/**
 * What tremolo can do without native builds: node:zlib, snappyjs (plus our framing) and fzstd,
 * which only decompresses. No well-kept pure-JS xz or lz4 frame library bounds its output (or
 * survives hostile input), so those names are refused when the flow loads.
 */
export const DECOMPRESSES: readonly Algorithm[] = ['gzip', 'zlib', 'deflate', 'br', 'snappy', 'zstd'];
export const COMPRESSES: readonly Algorithm[] = ['gzip', 'zlib', 'deflate', 'br', 'snappy'];

/** The `algorithm` setting: an unknown name lists them all, a known but unsupported one says so. */
export function algorithmSchema(supported: readonly string[], extra: readonly string[] = []) {
  return z.enum([...extra, ...ALGORITHMS] as unknown as [string, ...string[]]).superRefine((name, ctx) => {
    if (!supported.includes(name) && !extra.includes(name)) {
      ctx.addIssue({ code: 'custom', message: `algorithm ${JSON.stringify(name)} is not supported by tremolo; supported: ${[...extra, ...supported].join(', ')}` });
    }
  });
}

export class TooLarge extends Error {}

const ZLIB_DECODERS: Partial<Record<Algorithm, (data: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer>> = {
  gzip: zlib.gunzipSync,
  zlib: zlib.inflateSync,
  deflate: zlib.inflateRawSync,
  br: zlib.brotliDecompressSync,
};

/** Decompresses one complete payload; output beyond `maxSize` throws TooLarge instead of growing. */
export function decompress(algorithm: Algorithm, data: Buffer, maxSize: number): Buffer {
  const tooLarge = (detail = `output exceeds max_size ${maxSize} bytes`): Error => new TooLarge(`${algorithm} ${detail}`);
  const decoder = ZLIB_DECODERS[algorithm];
  if (decoder !== undefined) {
    try {
      return decoder(data, { maxOutputLength: maxSize });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw err;
    }
  }
  if (algorithm === 'snappy') return snappyDecompress(data, maxSize, tooLarge);
  if (algorithm === 'zstd') return zstdDecompress(data, maxSize, tooLarge);
  throw new Error(`${algorithm} is not supported`);
}

/** The algorithm the first bytes announce; Brotli and raw deflate have no magic and are never detected. */
export function detect(data: Buffer): Algorithm | undefined {
  if (data[0] === 0x1f && data[1] === 0x8b) return 'gzip';
  // A zlib header: CM 8, and the first two bytes as a big-endian number divisible by 31.
  if (data.length >= 2 && (data[0]! & 0x0f) === 8 && data[0]! >> 4 <= 7 && data.readUInt16BE(0) % 31 === 0) return 'zlib';
  if (data.length >= STREAM_IDENTIFIER.length && data.subarray(0, STREAM_IDENTIFIER.length).equals(STREAM_IDENTIFIER)) return 'snappy';
  if (data.length >= 4 && data.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (data.length >= 6 && data.subarray(0, 6).equals(XZ_MAGIC)) return 'xz2';
  if (data.length >= 4 && data.readUInt32LE(0) === 0x184d2204) return 'lz4';
  return undefined;
}
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/** Compression levels each supported algorithm takes, and what it means when none is given. */
export const LEVELS: Partial<Record<Algorithm, { min: number; max: number }>> = {
  gzip: { min: 0, max: 9 },
  zlib: { min: 0, max: 9 },
  deflate: { min: 0, max: 9 },
  br: { min: 0, max: 11 },
};

export function compress(algorithm: Algorithm, data: Buffer, level: number | undefined): Buffer {
  const zlibOptions = level === undefined ? {} : { level };
  switch (algorithm) {
    case 'gzip':
      return zlib.gzipSync(data, zlibOptions);
    case 'zlib':
      return zlib.deflateSync(data, zlibOptions);
    case 'deflate':
      return zlib.deflateRawSync(data, zlibOptions);
    case 'br':
      return zlib.brotliCompressSync(data, level === undefined ? {} : { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: level } });
    case 'snappy':
      return snappyCompress(data);
    default:
      throw new Error(`${algorithm} is not supported`);
  }
}
