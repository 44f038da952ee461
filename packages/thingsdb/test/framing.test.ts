import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { msgpack } from '../../../src/kinds/codecs/msgpack.js';
import thingsdb from '../thingsdb-framing.js';
import { codecOf } from '../../../test/unit/kinds/codecs/support.js';
import { configProblems, hex, post, pre } from '../../../test/unit/kinds/processors/support.js';

// The byte examples of shared/reference/thingsdb.md (verified there by decoding).
const EXAMPLES = [
  { name: 'AUTH', bytes: '0c000000 0000 21 de 92a561646d696ea470617373', id: 0, type: 0x21, value: ['admin', 'pass'] },
  { name: 'QUERY', bytes: '0b000000 0000 22 dd 92a24074a631202b20313b', id: 0, type: 0x22, value: ['@t', '1 + 1;'] },
  { name: 'DATA 2', bytes: '01000000 0000 12 ed 02', id: 0, type: 0x12, value: 2 },
  { name: 'JOIN', bytes: '0d000000 0000 26 d9 93a72f2f7374756666 11 cd01c8', id: 0, type: 0x26, value: ['//stuff', 17, 456] },
  { name: 'DATA [17,nil]', bytes: '03000000 0000 12 ed 9211c0', id: 0, type: 0x12, value: [17, null] },
  { name: 'OK', bytes: '00000000 0000 11 ee', id: 0, type: 0x11, value: undefined },
  { name: 'ON_JOIN', bytes: '05000000 ffff 06 f9 81a2696411', id: 0xffff, type: 0x06, value: { id: 17 } },
] as const;

const codec = codecOf(msgpack);

for (const ex of EXAMPLES) {
  test(`the reference's ${ex.name} package decodes to its value and re-encodes byte for byte`, () => {
    const wire = hex(ex.bytes);
    const inbound = pre(thingsdb).feed([wire]).finish();
    assert.equal(inbound.errors, []);
    assert.is(inbound.frames.length, 1);
    assert.equal(inbound.metas[0], { thingsdb: { id: ex.id, type: ex.type } });
    assert.equal(codec.decode(inbound.frames[0]!, {}), ex.value);
    const payload = ex.value === undefined ? Buffer.alloc(0) : Buffer.from(codec.encode(ex.value, {}));
    const outbound = post(thingsdb).feed([payload], { thingsdb: { id: ex.id, type: ex.type } }).finish();
    assert.equal(outbound.errors, []);
    assert.is(outbound.frames[0]!.toString('hex'), wire.toString('hex'));
  });
}

test('the metadata keeps what was there and adds thingsdb', () => {
  const run = pre(thingsdb).feed([hex('01000000 0700 12 ed 02')], { ws_client: { tls: false } });
  assert.equal(run.metas, [{ ws_client: { tls: false }, thingsdb: { id: 7, type: 0x12 } }]);
});

test('packages split over many reads and merged into one read are reassembled', () => {
  const stream = Buffer.concat(EXAMPLES.map((e) => hex(e.bytes)));
  const oneByOne = pre(thingsdb).feed([...stream].map((b) => [b])).finish();
  const allAtOnce = pre(thingsdb).feed([stream]).finish();
  assert.is(oneByOne.frames.length, EXAMPLES.length);
  assert.equal(oneByOne.frames, allAtOnce.frames);
  assert.equal(oneByOne.metas.map((m) => m.thingsdb), EXAMPLES.map((e) => ({ id: e.id, type: e.type })));
});

test('a bad check byte is an error naming it, the type and the expected byte', () => {
  const run = pre(thingsdb).feed([hex('01000000 0000 20 12 02')]);
  assert.equal(run.messages, ['ERR_PROCESSOR_FAILED thingsdb: check byte 0x12 does not match type 0x20 (expected 0xdf); the rest of this read is dropped']);
  assert.is(run.errors[0]!.data!.toString('hex'), '0100000000002012');
});

test('after a bad header the rest of that read is dropped once, and the next read starts afresh', () => {
  const run = pre(thingsdb).feed([Buffer.concat([hex('01000000 0000 20 12 02'), hex('01000000 0000 12 ed 03')]), hex('01000000 0000 12 ed 04')]).finish();
  assert.is(run.errors.length, 1);
  assert.equal(run.frames.map((f) => f.toString('hex')), ['04']);
});

test('a declared size over max_size is refused at once, before buffering the payload', () => {
  const run = pre(thingsdb, { max_size: 16 }).feed([hex('11000000 0000 12 ed')]);
  assert.equal(run.messages, ['ERR_PROCESSOR_MAX_LENGTH thingsdb: package of 17 bytes exceeds max_size 16; the rest of this read is dropped']);
});

test('max_size defaults to 16 MiB and cannot exceed the 32-bit size field', () => {
  const big = pre(thingsdb).feed([hex('01000001 0000 12 ed')]);
  assert.equal(big.messages, ['ERR_PROCESSOR_MAX_LENGTH thingsdb: package of 16777217 bytes exceeds max_size 16777216; the rest of this read is dropped']);
  assert.equal(configProblems(thingsdb, { max_size: 2 ** 32 }), ['max_size: expected a number <= 4294967295, received 4294967296']);
});

test('a stream that ends inside a package is an error at finish', () => {
  const run = pre(thingsdb).feed([hex('05000000 ffff 06 f9 81a2')]).finish();
  assert.equal(run.messages, ['ERR_PROCESSOR_FAILED thingsdb: the stream ended 2 bytes into a frame of 5 bytes']);
});

test('the postprocessor needs meta.thingsdb with an id and a type, and says what is missing', () => {
  assert.equal(post(thingsdb).feed(['x']).messages, ['ERR_PROCESSOR_FAILED thingsdb: meta.thingsdb is missing; expected {id, type} with id 0-65535 and type 0-255, got undefined']);
  assert.equal(post(thingsdb).feed(['x'], { thingsdb: { type: 0x22 } }).messages, ['ERR_PROCESSOR_FAILED thingsdb: meta.thingsdb.id must be an integer 0-65535, got undefined']);
  assert.equal(post(thingsdb).feed(['x'], { thingsdb: { id: 1, type: 256 } }).messages, ['ERR_PROCESSOR_FAILED thingsdb: meta.thingsdb.type must be an integer 0-255, got 256']);
});

test('unknown config keys are refused', () => {
  assert.equal(configProblems(thingsdb, { max: 1 }), ['max: unknown key "max"; expected one of: max_size']);
});

const payload = fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u));

/** A byte stream cut at arbitrary points: every chunking, empty reads included. */
const cut = (stream: Buffer, points: number[]): Buffer[] => {
  const at = [0, ...points.map((p) => p % (stream.length + 1)).sort((a, b) => a - b), stream.length];
  return at.slice(1).map((end, i) => stream.subarray(at[i], end));
};

test('thingsdb: post then pre gives back the payloads and their {id, type} for every chunking', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(payload, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (packages, points) => {
      const writer = post(thingsdb);
      for (const [data, id, type] of packages) writer.feed([data], { thingsdb: { id, type } });
      const reader = pre(thingsdb).feed(cut(Buffer.concat(writer.frames), points)).finish();
      assert.equal(reader.errors, []);
      assert.equal(reader.frames, packages.map(([data]) => data));
      assert.equal(reader.metas, packages.map(([, id, type]) => ({ thingsdb: { id, type } })));
    }),
    { numRuns: 300 },
  );
});

test('thingsdb: random bytes in random reads are reported, never thrown, and output stays bounded', () => {
  const bytes = fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u));
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(), { maxLength: 6 }), (stream, points) => {
      const run = pre(thingsdb, { max_size: 1024 }).feed(cut(stream, points)).finish();
      const size = run.frames.reduce((n, f) => n + f.length, 0);
      assert.ok(size <= stream.length, `thingsdb emitted ${size} bytes from ${stream.length}`);
      for (const e of run.errors) assert.type(e.message, 'string');
    }),
    { numRuns: 400 },
  );
});

test.run();
