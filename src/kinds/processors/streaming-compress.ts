import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { z } from 'zod';
import type { Meta } from '../../sdk/event.js';
import { defineProcessor, type ProcessorOutput } from '../../sdk/processor-api.js';
import { MiB, withDefaults } from './config-defaults.js';

/**
 * Formats whose compressed streams may follow one another in one file and still read back as the
 * whole (`xz -d`, `zstd -d` and `gzip -d` read every stream, member or frame in turn): what is too
 * long for one segment goes on in the next.
 */
const FORMATS = {
  xz2: { min: 0, max: 9, level: 6, tool: 'xz' },
  zstd: { min: -7, max: 22, level: 3, tool: 'zstd' },
  gzip: { min: 0, max: 9, level: 6, tool: undefined },
} as const;
type Format = keyof typeof FORMATS;
const NAMES = Object.keys(FORMATS) as Format[];

const toolFound = new Map<string, boolean>();
/** Whether `tool` runs here; asked once per process, when a flow that needs it loads. */
function hasTool(tool: string): boolean {
  let found = toolFound.get(tool);
  if (found === undefined) {
    found = spawnSync(tool, ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0;
    toolFound.set(tool, found);
  }
  return found;
}

const Config = withDefaults(
  z
    .strictObject({
      algorithm: z
        .string()
        .superRefine((name, ctx) => {
          if (!NAMES.includes(name as Format)) ctx.addIssue({ code: 'custom', message: `expected one of ${NAMES.join(', ')}, received ${JSON.stringify(name)}` });
        })
        .describe('xz2 (level 0-9, default 6), zstd (level -7 to 22, default 3) or gzip (level 0-9, default 6); required'),
      level: z.number().int().optional().describe('compression level, per algorithm as above'),
      segment_size: z
        .number()
        .int()
        .min(1)
        .default(16 * MiB)
        .describe('bytes held before they are written out as one complete compressed stream (default 16 MiB); the next bytes start another, and the file still decompresses as a whole'),
    })
    .superRefine(({ algorithm, level }, ctx) => {
      const format = FORMATS[algorithm as Format];
      if (format === undefined) return;
      if (level !== undefined && (level < format.min || level > format.max)) {
        ctx.addIssue({ code: 'custom', path: ['level'], message: `${algorithm} takes a level from ${format.min} to ${format.max}, received ${level}` });
      }
      if (format.tool !== undefined && !hasTool(format.tool)) {
        ctx.addIssue({ code: 'custom', path: ['algorithm'], message: `${algorithm} needs the \`${format.tool}\` command (the library Tremor links), which is not on this machine's PATH` });
      }
    }),
);

/** One complete compressed stream of `data`: the system's liblzma and libzstd, as Tremor uses them, so the bytes are Tremor's. */
function compressAll(format: Format, level: number, data: Buffer): Buffer {
  if (format === 'gzip') return zlib.gzipSync(data, { level });
  const args =
    format === 'xz2'
      ? // One thread: the single-threaded encoder writes one block, as Tremor's xz2 encoder does.
        ['--compress', '--stdout', '--threads=1', `-${level}`]
      : ['--compress', '--stdout', '--quiet', '--no-check', level < 0 ? `--fast=${-level}` : `-${level === 0 ? 3 : level}`];
  const run = spawnSync(FORMATS[format].tool!, args, { input: data, maxBuffer: data.length + 1 * MiB });
  if (run.status !== 0) throw new Error(run.error?.message ?? (run.stderr.toString().trim() || `exit status ${run.status}`));
  return run.stdout;
}

/**
 * Tremor's `streaming-compress`: unlike `compress`, which compresses each frame on its own, this
 * compresses the whole stream of a connection or file as one, ending it when the stream ends (the
 * file's sink flushes), so `xz -d` reads it back as it was written. The bytes are held until the
 * stream ends or `segment_size` is reached, then compressed in one go.
 */
export const streamingCompress = defineProcessor({
  name: 'streaming-compress',
  description: 'Out: compresses a stream’s data as one xz2, zstd or gzip stream, ended when the stream ends (Tremor’s `streaming-compress`; byte for byte Tremor’s output for xz2).',
  config: Config,
  post: ({ algorithm, level, segment_size }) => {
    const format = algorithm as Format;
    const used = level ?? FORMATS[format].level;
    let held: Buffer[] = [];
    let size = 0;
    let lastMeta: Meta = {};
    const flush = (out: ProcessorOutput): void => {
      if (size === 0) return;
      const data = Buffer.concat(held, size);
      held = [];
      size = 0;
      try {
        out.emit(compressAll(format, used, data), lastMeta);
      } catch (err) {
        out.error('ERR_PROCESSOR_FAILED', `streaming-compress: ${algorithm}: ${(err as Error).message}`, data.subarray(0, 64));
      }
    };
    return {
      process(data, meta, out) {
        held.push(data);
        size += data.length;
        lastMeta = meta;
        if (size >= segment_size) flush(out);
      },
      finish: flush,
    };
  },
});
