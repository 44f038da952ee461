import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { removeEmpty } from '../../../../src/kinds/processors/remove-empty.js';
import { separate } from '../../../../src/kinds/processors/separate.js';
import { configOf, configProblems, Driver } from './support.js';

const pre = (config?: unknown) => new Driver(separate.pre!(configOf(separate, config)));

test('buffered: a line split over reads waits for its end; the rest comes out at stream end', () => {
  const d = pre({}).feed(['{"a":', '1}\n{"b"', ':2}\n{"c":3}']);
  assert.equal(d.texts, ['{"a":1}', '{"b":2}']);
  d.finish();
  assert.equal(d.texts, ['{"a":1}', '{"b":2}', '{"c":3}']);
});

test('unbuffered: every read is complete in itself, its last fragment goes out at once', () => {
  const d = pre({ buffered: false }).feed(['a\nb', 'c\n']);
  assert.equal(d.texts, ['a', 'b', 'c']);
});

test('empty lines are kept (remove-empty drops them)', () => {
  assert.equal(pre({}).feed(['a\n\nb\n']).texts, ['a', '', 'b']);
  const r = new Driver(removeEmpty.pre!(undefined)).feed(['', 'x', '']);
  assert.equal(r.texts, ['x']);
});

test('another one-byte separator', () => {
  assert.equal(pre({ separator: '|' }).feed(['a|b|']).texts, ['a', 'b']);
  assert.equal(configProblems(separate, { separator: '||' }), ['separator: expected a separator of exactly one byte']);
  assert.equal(configProblems(separate, { separator: 'é' }), ['separator: expected a separator of exactly one byte']);
});

test('named alone it cuts at 8192 bytes (Tremor’s quirk); with a config, at max_length, 16 MiB unless given', () => {
  const long = `${'x'.repeat(9000)}\nok\n`;
  const byName = pre(undefined).feed([long]);
  assert.equal(byName.texts, ['ok']);
  assert.equal(byName.errors.map((e) => [e.code, e.message]), [['ERR_PROCESSOR_MAX_LENGTH', 'separate: fragment of 9000 bytes exceeds max_length 8192; dropped']]);
  assert.equal(pre({}).feed([long]).texts.map((t) => t.length), [9000, 2]);
});

test('an over-long line that never ends is reported once and skipped, so memory stays bounded', () => {
  const d = pre({ max_length: 10 }).feed(['0123456789ABC', 'DEFGHIJ', 'KLMN\nnext\n']);
  assert.equal(d.texts, ['next']);
  assert.equal(d.errors.map((e) => e.message), ['separate: fragment of 13 bytes exceeds max_length 10; dropped']);
});

test('with a config, a line that never ends is cut at 16 MiB: reported once, skipped to its end, and nothing held beyond it', () => {
  const piece = 'y'.repeat(64 * 1024);
  const chunks = [...Array.from({ length: 300 }, () => piece), 'tail\nok\n'];
  const run = pre({ separator: '\n' }).feed(chunks);
  assert.equal(run.texts, ['ok']);
  assert.equal(run.errors.map((e) => e.message), ['separate: fragment of 16842752 bytes exceeds max_length 16777216; dropped']);
  // 0 still means no limit, when asked for.
  assert.equal(pre({ max_length: 0 }).feed([...Array.from({ length: 300 }, () => piece), '\n']).texts.map((t) => t.length), [300 * 64 * 1024]);
});

test('a long line arriving in many reads is copied once when it ends, not again at every read', () => {
  const concat = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], length?: number) => {
    const joined = concat(list, length);
    copied += joined.length;
    return joined;
  }) as typeof Buffer.concat;
  try {
    const line = 8 * 1024 * 1024;
    const run = pre({}).feed([...Array.from({ length: line / 8192 }, () => 'z'.repeat(8192)), '\n']);
    assert.equal(run.texts.map((t) => t.length), [line]);
    assert.ok(copied <= line, `${copied} bytes copied for a line of ${line}`);
  } finally {
    Buffer.concat = concat;
  }
});

test('out: each frame gets the separator appended', () => {
  const post = new Driver(separate.post!(configOf(separate, { separator: ';' }))).feed(['a', 'b']);
  assert.equal(post.texts, ['a;', 'b;']);
});

test.run();
