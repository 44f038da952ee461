import zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decompress } from '../../../../src/kinds/processors/decompress.js';
import { crc32c, snappyCompress } from '../../../../src/kinds/processors/snappy-frames.js';
import { configProblems, hex, pre } from './support.js';

const TEXT = Buffer.from('snot badger '.repeat(20));
const MiB = 1024 * 1024;
const zeros = Buffer.alloc(2 * MiB);

// Made with the zstd command line tool: `printf snot | zstd`, two frames, and 2 MiB of zeros
// with a 64 KiB window and no declared size (so only the running output count can stop it).
const ZSTD_SNOT = hex('28b52ffd0458210000736e6f7479d168b9');
const ZSTD_TWO_FRAMES = hex('28b52ffd0458210000736e6f7479d168b928b52ffd0458310000626164676572b35ba32d');
const ZSTD_ZEROS_SIZED = hex(
  '28b52ffd04684c000008000100fcff391002020010000200100002001000020010000200100002001000020010000200100002001000020010000200100002001000020010000200100003001000db238ef8',
);
const ZSTD_ZEROS_STREAMED = hex(
  '28b52ffd04305400001000000100fb7f1d60010200080002000800020008000200080002000800020008000200080002000800020008000200080002000800020008000200080002000800020008004c000008000100fc7f742704020008000200080002000800020008000200080002000800020008000200080002000800020008000200080002000800020008000200080002000800010000db238ef8',
);
const XZ_SNOT = hex('fd377a585a000004e6d6b4460200210116000000742fe5a3010003736e6f7400a9f0db5ccdc31c7100011c046f2c9cc11fb6f37d010000000004595a');
const LZ4_SNOT = hex('04224d186440a704000080736e6f74000000008945fe17');

const SUPPORTED = 'autodetect, gzip, zlib, deflate, br, snappy, zstd';

for (const [algorithm, packed] of [
  ['gzip', zlib.gzipSync(TEXT)],
  ['zlib', zlib.deflateSync(TEXT)],
  ['deflate', zlib.deflateRawSync(TEXT)],
  ['br', zlib.brotliCompressSync(TEXT)],
  ['snappy', snappyCompress(TEXT)],
] as const) {
  test(`decompresses ${algorithm}`, () => {
    const run = pre(decompress, { algorithm }).feed([packed]);
    assert.equal(run.errors, []);
    assert.equal(run.frames, [TEXT]);
  });
}

test('decompresses zstd made by the zstd tool, one frame or several', () => {
  assert.equal(pre(decompress, { algorithm: 'zstd' }).feed([ZSTD_SNOT, ZSTD_TWO_FRAMES]).texts, ['snot', 'snotbadger']);
});

test('autodetect (the default) recognises gzip, zlib, snappy and zstd by their magic bytes', () => {
  const run = pre(decompress).feed([zlib.gzipSync(TEXT), zlib.deflateSync(TEXT), snappyCompress(TEXT), ZSTD_SNOT]);
  assert.equal(run.errors, []);
  assert.equal(run.texts, [TEXT.toString(), TEXT.toString(), TEXT.toString(), 'snot']);
});

test('autodetect passes data without a known magic unchanged (Tremor\'s rule)', () => {
  assert.equal(pre(decompress).feed(['{"plain":"json"}']).texts, ['{"plain":"json"}']);
});

test('autodetect names xz and lz4 data as recognised but unsupported', () => {
  const run = pre(decompress).feed([XZ_SNOT, LZ4_SNOT]);
  assert.equal(run.messages, [
    'ERR_PROCESSOR_FAILED decompress: the data looks like xz2, which is not supported; supported: gzip, zlib, deflate, br, snappy, zstd',
    'ERR_PROCESSOR_FAILED decompress: the data looks like lz4, which is not supported; supported: gzip, zlib, deflate, br, snappy, zstd',
  ]);
});

for (const [algorithm, bomb] of [
  ['gzip', zlib.gzipSync(zeros)],
  ['zlib', zlib.deflateSync(zeros)],
  ['deflate', zlib.deflateRawSync(zeros)],
  ['br', zlib.brotliCompressSync(zeros)],
  ['snappy', snappyCompress(zeros)],
  ['zstd', ZSTD_ZEROS_STREAMED],
] as const) {
  test(`a ${algorithm} bomb stops at max_size with an error, not a 2 MiB buffer`, () => {
    const run = pre(decompress, { algorithm, max_size: MiB }).feed([bomb]);
    assert.equal(run.frames, []);
    assert.equal(run.messages, [`ERR_PROCESSOR_MAX_LENGTH decompress: ${algorithm} output exceeds max_size 1048576 bytes; dropped`]);
  });
}

test('a zstd frame declaring more than max_size is refused before anything is allocated', () => {
  assert.equal(pre(decompress, { algorithm: 'zstd', max_size: MiB }).feed([ZSTD_ZEROS_SIZED]).messages, ['ERR_PROCESSOR_MAX_LENGTH decompress: zstd output exceeds max_size 1048576 bytes; dropped']);
  const hugeWindow = hex('28b52ffd 00 f8 02 00 00');
  assert.equal(pre(decompress, { algorithm: 'zstd' }).feed([hugeWindow]).messages, [
    'ERR_PROCESSOR_MAX_LENGTH decompress: zstd window of 2199023255552 bytes exceeds max_size 67108864 bytes (and 8 MiB); dropped',
  ]);
});

test('a small max_size still takes zstd made from a pipe (2 MiB window, no declared size)', () => {
  assert.equal(pre(decompress, { algorithm: 'zstd', max_size: 100 }).feed([ZSTD_SNOT]).texts, ['snot']);
});

test('corrupt data is an error naming the algorithm and the library\'s reason', () => {
  assert.equal(pre(decompress, { algorithm: 'gzip' }).feed(['not gzip']).messages, ['ERR_PROCESSOR_FAILED decompress: invalid gzip data: incorrect header check']);
  assert.equal(pre(decompress, { algorithm: 'zstd' }).feed(['not zstd']).messages, ['ERR_PROCESSOR_FAILED decompress: invalid zstd data: bad magic number 0x20746f6e at byte 0']);
  assert.equal(pre(decompress, { algorithm: 'snappy' }).feed(['not snappy']).messages, ['ERR_PROCESSOR_FAILED decompress: invalid snappy data: missing the sNaPpY stream identifier at the start']);
});

test('snappy: a checksum mismatch is an error', () => {
  const framed = snappyCompress(Buffer.from('snot'));
  framed.writeUInt8(framed[framed.length - 1]! ^ 1, framed.length - 1);
  assert.equal(pre(decompress, { algorithm: 'snappy' }).feed([framed]).messages, ['ERR_PROCESSOR_FAILED decompress: invalid snappy data: checksum mismatch in the chunk at byte 10']);
});

test('CRC-32C matches its standard check value', () => {
  assert.is(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('xz2 and lz4 are refused when the flow loads, listing what is supported', () => {
  assert.equal(configProblems(decompress, { algorithm: 'xz2' }), [`algorithm: algorithm "xz2" is not supported by tremolo; supported: ${SUPPORTED}`]);
  assert.equal(configProblems(decompress, { algorithm: 'lz4' }), [`algorithm: algorithm "lz4" is not supported by tremolo; supported: ${SUPPORTED}`]);
});

test('an unknown algorithm lists every name', () => {
  assert.equal(configProblems(decompress, { algorithm: 'zip' }), [
    'algorithm: expected one of "autodetect", "gzip", "zlib", "deflate", "br", "snappy", "zstd", "xz2", "lz4", received "zip"',
  ]);
});

test.run();
