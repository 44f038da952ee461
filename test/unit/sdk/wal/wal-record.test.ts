import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeRecord, scanRecords } from '../../../../src/sdk/wal/wal-record.js';

test('records read back with their sequence number, data, metadata and size', () => {
  const a = encodeRecord(1, { n: 1 }, { file: { path: 'x' } });
  const b = encodeRecord(2, Buffer.from([0, 255]), {});
  const { records, end } = scanRecords(Buffer.concat([a, b]));
  assert.equal(end, { kind: 'clean' });
  assert.equal(records.map((r) => [r.seq, r.data, r.meta, r.bytes]), [
    [1, { n: 1 }, { file: { path: 'x' } }, a.length],
    [2, Buffer.from([0, 255]), {}, b.length],
  ]);
});

test('a record cut short is reported torn at its start, and the records before it are kept', () => {
  const a = encodeRecord(1, 'one', {});
  const b = encodeRecord(2, 'two', {});
  const { records, end } = scanRecords(Buffer.concat([a, b.subarray(0, b.length - 3)]));
  assert.equal(records.map((r) => r.data), ['one']);
  assert.equal(end, { kind: 'torn', offset: a.length, why: `a record of ${b.length - 8} bytes with ${b.length - 11} written` });
});

test('a header cut short is reported torn', () => {
  const a = encodeRecord(1, 'one', {});
  const { end } = scanRecords(Buffer.concat([a, Buffer.from([1, 2, 3])]));
  assert.equal(end, { kind: 'torn', offset: a.length, why: 'a 3-byte header' });
});

test('a record whose bytes changed fails its checksum and is reported corrupt', () => {
  const a = encodeRecord(1, 'one', {});
  const b = encodeRecord(2, 'two', {});
  b[b.length - 2] = b[b.length - 2]! ^ 0xff;
  const { records, end } = scanRecords(Buffer.concat([a, b]));
  assert.equal(records.length, 1);
  assert.equal(end, { kind: 'corrupt', offset: a.length, why: 'a checksum mismatch' });
});

test('data that cannot be stored as JSON is refused when encoding', () => {
  assert.throws(() => encodeRecord(1, undefined, {}), /undefined cannot be stored as JSON/);
});

test.run();
