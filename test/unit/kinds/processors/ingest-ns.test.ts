import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nowNs } from '../../../../src/sdk/event.js';
import { ingestNs } from '../../../../src/kinds/processors/ingest-ns.js';
import { hex, post, pre } from './support.js';

test('in: the first 8 bytes (big-endian) become meta.ingest_ns and are stripped', () => {
  const run = pre(ingestNs).feed([hex('17d3f5c3a1b2c3d4 736e6f74')], { other: 1 });
  assert.equal(run.texts, ['snot']);
  assert.equal(run.metas, [{ other: 1, ingest_ns: 0x17d3f5c3a1b2c3d4n }]);
});

test('in: a chunk shorter than 8 bytes is an error', () => {
  assert.equal(pre(ingestNs).feed([hex('0102')]).messages, ['ERR_PROCESSOR_FAILED ingest-ns: a chunk of 2 bytes is shorter than the 8-byte ingest time']);
});

test('out: meta.ingest_ns goes before the frame, as a bigint or a number', () => {
  assert.is(post(ingestNs).feed(['x'], { ingest_ns: 0x0102030405060708n }).frames[0]!.toString('hex'), '010203040506070878');
  assert.is(post(ingestNs).feed(['x'], { ingest_ns: 258 }).frames[0]!.toString('hex'), '000000000000010278');
});

test('out: without meta.ingest_ns the time now is written', () => {
  const before = nowNs();
  const frame = post(ingestNs).feed(['x']).frames[0]!;
  const written = frame.readBigUInt64BE(0);
  assert.ok(written >= before && written <= nowNs());
});

test('in and out round-trip the time and the payload', () => {
  const framed = post(ingestNs).feed(['payload'], { ingest_ns: 1700000000123456789n }).frames[0]!;
  const run = pre(ingestNs).feed([framed]);
  assert.equal(run.texts, ['payload']);
  assert.is(run.metas[0]!.ingest_ns, 1700000000123456789n);
});

test('out: an ingest_ns that is not non-negative integer nanoseconds is an error', () => {
  assert.equal(post(ingestNs).feed(['x'], { ingest_ns: -1 }).messages, ['ERR_PROCESSOR_FAILED ingest-ns: meta.ingest_ns must be non-negative integer nanoseconds (a bigint or a number), got -1']);
});

test.run();
