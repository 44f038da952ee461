import type { Template } from '../template.js';

/**
 * A framing processor, the kind most worth writing: its preprocessor has per-stream state (the
 * part of a frame that arrived) and must cope with frames split over reads and reads of many frames.
 */
export const processorTemplate: Template = ({ names: { registered: name, file } }) => [
  {
    path: `connectors/${file}.ts`,
    text: `/**
 * The \`${name}\` processor: frames a byte stream by a 4-byte big-endian length before each
 * payload. Made by \`tremolo new processor ${name}\` as a starting point: keep the shape and put
 * your framing in.
 *
 * A flow in flows/ loads it with \`use: ['../connectors/${file}.ts']\`; a connector then names it
 * like a built-in: \`preprocessors: ['${name}']\`, \`postprocessors: [{ name: '${name}', config: { max_length: 1024 } }]\`.
 */
import { z } from 'zod';
import { defineProcessor } from 'tremolo';

const HEADER = 4;
const EMPTY = Buffer.alloc(0);

export default defineProcessor({
  name: '${name}',
  description:
    'In: frames a byte stream by a 4-byte big-endian length before each payload, across reads; a length over \`max_length\` is reported and the rest of that read dropped. Out: writes that length before each frame.',
  // Named without a config (\`preprocessors: ['${name}']\`) it receives undefined: prefault fills in the defaults.
  config: z
    .strictObject({
      max_length: z
        .number()
        .int()
        .min(1)
        .max(2 ** 32 - 1)
        .default(1024 * 1024)
        .describe('the largest frame accepted, in bytes; a larger declared length is an error at once, before anything is buffered'),
    })
    .prefault({}),
  // One instance per stream (per connection), so what waits for the rest of a frame is that stream's own.
  pre({ max_length }) {
    let pending = EMPTY;
    return {
      process(data, meta, out) {
        let buffer = pending.length === 0 ? data : Buffer.concat([pending, data]);
        while (buffer.length >= HEADER) {
          const length = buffer.readUInt32BE(0);
          if (length > max_length) {
            // A byte stream cannot find the next frame after a bad header: drop the rest of this read.
            out.error('ERR_PROCESSOR_MAX_LENGTH', \`${name}: frame of \${length} bytes exceeds max_length \${max_length}; the rest of this read is dropped\`, buffer.subarray(0, HEADER));
            buffer = EMPTY;
            break;
          }
          if (buffer.length < HEADER + length) break;
          out.emit(buffer.subarray(HEADER, HEADER + length), meta);
          buffer = buffer.subarray(HEADER + length);
        }
        // A copy, so that a partial frame does not keep the whole read it came in alive.
        pending = buffer.length === 0 ? EMPTY : Buffer.from(buffer);
      },
      // The stream ended: a partial frame is lost, and says so.
      finish(out) {
        if (pending.length > 0) out.error('ERR_PROCESSOR_FAILED', \`${name}: the stream ended inside a frame (\${pending.length} bytes)\`, pending);
        pending = EMPTY;
      },
    };
  },
  post: () => ({
    process(data, meta, out) {
      const header = Buffer.alloc(HEADER);
      header.writeUInt32BE(data.length, 0);
      out.emit(Buffer.concat([header, data]), meta);
    },
  }),
});
`,
  },
  {
    path: `test/${file}.test.ts`,
    text: `/**
 * The \`${name}\` processor: frames split over reads, reads holding several frames, its errors, and
 * a flow that reads a file through it in small chunks. Run: node --import tsx test/${file}.test.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from 'tremolo/testing';
import processor from '../connectors/${file}.js';

// The config as a flow would give it: undefined when the processor is named alone.
const config = (given?: object) => processor.config!.parse(given);

/** One stream through the preprocessor: every read, then the end of the stream. */
function readAll(chunks: readonly Buffer[], given?: object): { frames: string[]; errors: string[] } {
  const frames: string[] = [];
  const errors: string[] = [];
  const out = {
    emit: (data: Buffer) => void frames.push(data.toString('utf8')),
    error: (code: string, message: string) => void errors.push(\`\${code} \${message}\`),
  };
  const pre = processor.pre!(config(given));
  for (const chunk of chunks) pre.process(chunk, {}, out);
  pre.finish?.(out);
  return { frames, errors };
}

/** What the postprocessor writes for each payload. */
function framed(...payloads: string[]): Buffer {
  const written: Buffer[] = [];
  const post = processor.post!(config());
  for (const p of payloads) post.process(Buffer.from(p), {}, { emit: (data) => void written.push(data), error: () => {} });
  return Buffer.concat(written);
}

test('out: each frame gets its length in 4 bytes, big-endian, before it', () => {
  assert.is(framed('hello').toString('hex'), '0000000568656c6c6f');
});

test('in: a frame split over many reads comes out whole, once', () => {
  const bytes = framed('hello');
  const oneByteReads = [...bytes].map((b) => Buffer.from([b]));
  assert.equal(readAll(oneByteReads), { frames: ['hello'], errors: [] });
});

test('in: a read holding several frames and the start of the next gives each whole', () => {
  const bytes = framed('a', 'bb', '', 'ccc');
  assert.equal(readAll([bytes.subarray(0, 12), bytes.subarray(12)]), { frames: ['a', 'bb', '', 'ccc'], errors: [] });
});

test('in: a declared length over max_length is refused at once, and the rest of that read dropped', () => {
  const result = readAll([Buffer.concat([framed('toolong'), framed('ok')]), framed('next')], { max_length: 4 });
  assert.equal(result, {
    frames: ['next'],
    errors: ['ERR_PROCESSOR_MAX_LENGTH ${name}: frame of 7 bytes exceeds max_length 4; the rest of this read is dropped'],
  });
});

test('in: a stream that ends inside a frame is an error', () => {
  assert.equal(readAll([framed('hello').subarray(0, 6)]), {
    frames: [],
    errors: ['ERR_PROCESSOR_FAILED ${name}: the stream ended inside a frame (6 bytes)'],
  });
});

test('a file read in 3-byte chunks comes out as its frames', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), '${file}-'));
  try {
    const input = path.join(dir, 'in.bin');
    writeFileSync(input, framed('first', 'second'));
    const flow = await startFlow(
      {
        use: ['../connectors/${file}.ts'],
        connectors: { input: { type: 'file', codec: 'string', preprocessors: ['${name}'], config: { path: input, mode: 'read', chunk_size: 3 } } },
      },
      // Placed in this folder, so \`use\` is relative to it.
      { file: path.join(import.meta.dirname, '${file}.flow.json5') },
    );
    try {
      const events = await flow.collect('input', 'out', 2, { timeout: 2000 });
      assert.equal(
        events.map((e) => e.data),
        ['first', 'second'],
      );
    } finally {
      await flow.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
`,
  },
];
