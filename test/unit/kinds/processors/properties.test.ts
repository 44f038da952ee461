import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMPRESSES } from '../../../../src/kinds/processors/compression.js';
import { builtins } from '../../../../src/app/builtins/registries.js';
import { Driver, post, pre } from './support.js';

const RUNS = { numRuns: 300 };
const processor = (name: string) => builtins().processors.get(name);
const payload = fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u));

/** A byte stream cut at arbitrary points: every chunking, empty reads included. */
const cut = (stream: Buffer, points: number[]): Buffer[] => {
  const at = [0, ...points.map((p) => p % (stream.length + 1)).sort((a, b) => a - b), stream.length];
  return at.slice(1).map((end, i) => stream.subarray(at[i], end));
};

function framedThenSplit(name: string, config: unknown, payloads: fc.Arbitrary<Buffer[]>): void {
  fc.assert(
    fc.property(payloads, fc.array(fc.nat(), { maxLength: 12 }), (frames, points) => {
      const writer = post(processor(name), config);
      writer.feed(frames);
      assert.equal(writer.errors, []);
      const reader = pre(processor(name), config).feed(cut(Buffer.concat(writer.frames), points)).finish();
      assert.equal(reader.errors, []);
      assert.equal(reader.frames, frames);
    }),
    RUNS,
  );
}

test('length-prefixed: post then pre gives back the payloads for every chunking of the stream', () => {
  framedThenSplit('length-prefixed', undefined, fc.array(payload, { maxLength: 8 }));
});

test('textual-length-prefixed: post then pre gives back the payloads for every chunking of the stream', () => {
  framedThenSplit('textual-length-prefixed', { max_length: 100 }, fc.array(payload, { maxLength: 8 }));
});

test('separate: post then pre gives back the payloads for every chunking of the stream', () => {
  const line = payload.map((b) => Buffer.from(b.filter((x) => x !== 0x0a)));
  framedThenSplit('separate', { max_length: 0 }, fc.array(line, { maxLength: 8 }));
});

test('base64, ingest-ns and every compression algorithm: post then pre gives back each payload', () => {
  const pairs: Array<[string, unknown]> = [['base64', undefined], ['ingest-ns', undefined], ...COMPRESSES.map((algorithm): [string, unknown] => ['compress', { algorithm }])];
  for (const [name, config] of pairs) {
    fc.assert(
      fc.property(payload, (data) => {
        const out = post(processor(name), config).feed([data]);
        const inName = name === 'compress' ? 'decompress' : name;
        const back = pre(processor(inName), config).feed(out.frames).finish();
        assert.equal(back.errors, []);
        assert.equal(back.frames, [data]);
      }),
      { numRuns: 100 },
    );
  }
});

test('chunk: frames hold whole payloads in order, at most max_bytes unless a payload alone is larger', () => {
  fc.assert(
    fc.property(fc.array(payload, { maxLength: 12 }), fc.integer({ min: 1, max: 48 }), (payloads, max_bytes) => {
      const run = post(processor('chunk'), { max_bytes }).feed(payloads).finish();
      assert.equal(Buffer.concat(run.frames), Buffer.concat(payloads));
      // Every frame is a run of whole payloads: its end falls on a payload boundary.
      const boundaries = new Set(payloads.reduce<number[]>((acc, p) => [...acc, (acc.at(-1) ?? 0) + p.length], []));
      let end = 0;
      for (const frame of run.frames) {
        end += frame.length;
        assert.ok(boundaries.has(end));
        assert.ok(frame.length <= max_bytes || payloads.some((p) => p.length === frame.length && p.length > max_bytes));
      }
    }),
    RUNS,
  );
});

const PREPROCESSORS: Array<[string, unknown]> = [
  ['separate', undefined],
  ['remove-empty', undefined],
  ['base64', undefined],
  ['length-prefixed', { max_length: 1024 }],
  ['textual-length-prefixed', { max_length: 1024 }],
  ['ingest-ns', undefined],
  ...['autodetect', 'gzip', 'zlib', 'deflate', 'br', 'snappy', 'zstd'].map((algorithm): [string, unknown] => ['decompress', { algorithm, max_size: 4096 }]),
];

test('random bytes in random reads to every preprocessor: errors are reported, never thrown, and output stays bounded', () => {
  const bytes = fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u));
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 6 }), (stream, points) => {
      for (const [name, config] of PREPROCESSORS) {
        const run: Driver = pre(processor(name), config).feed(cut(stream, points)).finish();
        const size = run.frames.reduce((n, f) => n + f.length, 0);
        const bound = name === 'decompress' ? 4096 * run.frames.length : stream.length;
        assert.ok(size <= bound, `${name} emitted ${size} bytes from ${stream.length}`);
        for (const e of run.errors) assert.type(e.message, 'string');
      }
    }),
    { numRuns: 400 },
  );
});

test('compressed data with bytes flipped: decompress reports, never throws', () => {
  const data = Buffer.from('snot badger '.repeat(40));
  for (const algorithm of COMPRESSES) {
    const packed = post(processor('compress'), { algorithm }).feed([data]).frames[0]!;
    fc.assert(
      fc.property(fc.nat(packed.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(packed.length), (at, byte, end) => {
        const mangled = Buffer.from(packed).fill(byte, at, at + 1).subarray(0, end);
        pre(processor('decompress'), { algorithm, max_size: 4096 }).feed([mangled]).finish();
      }),
      { numRuns: 200 },
    );
  }
});

test.run();
