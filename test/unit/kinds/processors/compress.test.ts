import zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compress } from '../../../../src/kinds/processors/compress.js';
import { decompress } from '../../../../src/kinds/processors/decompress.js';
import { configProblems, hex, post, pre } from './support.js';

const TEXT = Buffer.from('snot badger '.repeat(50));

for (const algorithm of ['gzip', 'zlib', 'deflate', 'br', 'snappy'] as const) {
  test(`${algorithm} output decompresses back to the frame`, () => {
    const packed = post(compress, { algorithm }).feed([TEXT]).frames[0]!;
    assert.ok(packed.length < TEXT.length);
    assert.equal(pre(decompress, { algorithm }).feed([packed]).frames, [TEXT]);
  });
}

test('gzip and zlib output is what node:zlib reads', () => {
  assert.equal(zlib.gunzipSync(post(compress, { algorithm: 'gzip' }).feed([TEXT]).frames[0]!), TEXT);
  assert.equal(zlib.inflateSync(post(compress, { algorithm: 'zlib', level: 9 }).feed([TEXT]).frames[0]!), TEXT);
});

test('snappy writes the framing format: stream identifier, then a checksummed chunk', () => {
  // Too short to compress, "snot" goes in an uncompressed chunk (type 1) with its masked CRC-32C.
  assert.is(post(compress, { algorithm: 'snappy' }).feed(['snot']).frames[0]!.toString('hex'), hex('ff060000734e61507059 01080000 e02d3671 736e6f74').toString('hex'));
});

test('level changes the output', () => {
  const fast = post(compress, { algorithm: 'gzip', level: 0 }).feed([TEXT]).frames[0]!;
  const small = post(compress, { algorithm: 'gzip', level: 9 }).feed([TEXT]).frames[0]!;
  assert.ok(fast.length > small.length);
});

test('algorithm is required', () => {
  assert.equal(configProblems(compress, undefined), ['algorithm: expected one of "gzip", "zlib", "deflate", "br", "snappy", "zstd", "xz2", "lz4", received nothing']);
});

test('zstd, xz2 and lz4 are refused when the flow loads, listing what is supported', () => {
  for (const algorithm of ['zstd', 'xz2', 'lz4']) {
    assert.equal(configProblems(compress, { algorithm }), [`algorithm: algorithm "${algorithm}" is not supported by tremolo; supported: gzip, zlib, deflate, br, snappy`]);
  }
});

test('a level outside the algorithm\'s range, or for one without levels, is refused', () => {
  assert.equal(configProblems(compress, { algorithm: 'gzip', level: 10 }), ['level: gzip takes a level from 0 to 9, received 10']);
  assert.equal(configProblems(compress, { algorithm: 'br', level: 12 }), ['level: br takes a level from 0 to 11, received 12']);
  assert.equal(configProblems(compress, { algorithm: 'snappy', level: 1 }), ['level: snappy takes no level']);
});

test.run();
