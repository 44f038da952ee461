import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { streamingCompress } from '../../../../src/kinds/processors/streaming-compress.js';
import { tmpDir } from '../../../support/tmp.js';
import { configProblems, post } from './support.js';

const tmp = tmpDir('tremolo-streaming-compress-');
test.after(() => tmp.cleanup());

const LINES = Array.from({ length: 40 }, (_, i) => `{"snot":"badger","n":${i}}\n`);
const WHOLE = Buffer.from(LINES.join(''));
/** The real tools read it back: what a user of the file would run. */
const unpack = (tool: 'xz' | 'zstd', data: Buffer): Buffer => execFileSync(tool, ['--decompress', '--stdout', '--quiet'], { input: data });

test('xz2 holds the stream and writes it at its end as one xz stream, byte for byte what liblzma at level 6 makes (as Tremor)', () => {
  const d = post(streamingCompress, { algorithm: 'xz2' }).feed(LINES);
  assert.is(d.frames.length, 0, 'nothing before the stream ends');
  d.finish();
  assert.is(d.frames.length, 1);
  assert.equal(unpack('xz', d.frames[0]!), WHOLE);
  assert.equal(d.frames[0], execFileSync('xz', ['-6', '--stdout'], { input: WHOLE }));
  assert.equal(post(streamingCompress, { algorithm: 'xz2', level: 1 }).feed(LINES).finish().frames[0], execFileSync('xz', ['-1', '--stdout'], { input: WHOLE }));
});

test('zstd and gzip streams read back with zstd -d and gunzip', () => {
  assert.equal(unpack('zstd', post(streamingCompress, { algorithm: 'zstd' }).feed(LINES).finish().frames[0]!), WHOLE);
  assert.equal(unpack('zstd', post(streamingCompress, { algorithm: 'zstd', level: -3 }).feed(LINES).finish().frames[0]!), WHOLE);
  assert.equal(zlib.gunzipSync(post(streamingCompress, { algorithm: 'gzip', level: 9 }).feed(LINES).finish().frames[0]!), WHOLE);
});

test('past segment_size, each segment is written as a complete stream and the file still reads back whole', () => {
  for (const algorithm of ['xz2', 'zstd', 'gzip'] as const) {
    const d = post(streamingCompress, { algorithm, segment_size: 200 }).feed(LINES);
    const during = d.frames.length;
    assert.ok(during >= 4, `${algorithm}: ${during} segments written while the stream goes on`);
    d.finish();
    const file = Buffer.concat(d.frames);
    assert.equal(algorithm === 'gzip' ? zlib.gunzipSync(file) : unpack(algorithm === 'xz2' ? 'xz' : 'zstd', file), WHOLE, algorithm);
  }
});

test('a stream that carried nothing writes nothing', () => {
  assert.equal(post(streamingCompress, { algorithm: 'xz2' }).finish().frames, []);
});

test('an unknown algorithm or a level out of range is refused with what was expected', () => {
  assert.equal(configProblems(streamingCompress, { algorithm: 'lz4' }), ['algorithm: expected one of xz2, zstd, gzip, received "lz4"']);
  assert.equal(configProblems(streamingCompress, { algorithm: 'xz2', level: 10 }), ['level: xz2 takes a level from 0 to 9, received 10']);
  assert.equal(configProblems(streamingCompress, { algorithm: 'zstd', level: -8 }), ['level: zstd takes a level from -7 to 22, received -8']);
  assert.equal(configProblems(streamingCompress, {}).length, 1);
});

test('a file sink with streaming-compress writes one xz file of every event once the flow stops', async () => {
  const path = `${tmp.dir}/out.json.xz`;
  const flow = await startFlow({
    connectors: { out: { type: 'file', codec: 'json', postprocessors: ['separate', { name: 'streaming-compress', config: { algorithm: 'xz2' } }], config: { path, mode: 'truncate' } } },
  });
  for (let n = 0; n < 3; n++) flow.send('out', 'in', { n });
  await flow.stop();
  assert.is(unpack('xz', readFileSync(path)).toString(), '{"n":0}\n{"n":1}\n{"n":2}\n');
});

test.run();
