import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { yaml } from '../../../../src/kinds/codecs/yaml.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

const codec = codecOf(yaml);

test('decodes a YAML document to a value', () => {
  assert.equal(decode(codec, 'name: snot\nlist: [1, 2.5, true, null]\nnested:\n  a: b\n'), { name: 'snot', list: [1, 2.5, true, null], nested: { a: 'b' } });
});

test('encodes a value as a YAML document that reads back equal', () => {
  const value = { a: [1, 'two', { three: 3 }], 'needs quotes': 'yes: no', n: null, empty: '' };
  const text = encodeText(codec, value);
  assert.is(text.startsWith('a:\n- 1\n'), true);
  assert.equal(decode(codec, text), value);
});

test("writes as Tremor's yaml codec does: a long string on one line, list items at their key's indentation", () => {
  const about = 'word '.repeat(40).trim();
  assert.is(encodeText(codecOf(yaml), { about, tags: ['a', 'b'], n: { list: [1] } }), `about: ${about}\ntags:\n- a\n- b\nn:\n  list:\n  - 1\n`);
});

test('YAML 1.2: yes/no and on/off are strings, not booleans', () => {
  assert.equal(decode(codec, 'a: yes\nb: off\n'), { a: 'yes', b: 'off' });
});

test('bytes round-trip as !!binary', () => {
  const text = encodeText(codec, { b: Buffer.from('hi') });
  assert.is(text, 'b: !!binary |-\n  aGk=\n');
  const out = decode(codec, text) as { b: Buffer };
  assert.is(Buffer.from(out.b).toString(), 'hi');
});

test('has the YAML mime types', () => {
  assert.equal(yaml.mimeTypes, ['application/yaml', 'application/x-yaml', 'text/yaml']);
});

test('a blank frame carries nothing', () => {
  assert.is(decode(codec, '  \n'), undefined);
});

test('several documents in one frame are an error', () => {
  assert.is(thrown(() => decode(codec, 'a: 1\n---\nb: 2\n')), 'invalid YAML: several documents in one frame, expected one at line 2, column 1');
});

test('a syntax error names the line and column', () => {
  assert.is(
    thrown(() => decode(codec, 'a: [1\n')),
    'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
  );
});

test('duplicate keys are an error, not a silent overwrite', () => {
  assert.is(thrown(() => decode(codec, 'a: 1\na: 2\n')), 'invalid YAML: Map keys must be unique at line 2, column 1');
});

test('too many aliases (a "billion laughs" document) are an error, not unbounded memory', () => {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    laughs.push(`${name}: &${name} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
  }
  assert.match(thrown(() => decode(codec, laughs.join('\n'))), /^invalid YAML: Excessive alias count indicates a resource exhaustion attack/);
});

test('a document nested deeper than 256 levels is an error before it is parsed, at once, however it nests', () => {
  const deep = ['['.repeat(20_000), '{'.repeat(20_000), '- '.repeat(20_000), '? '.repeat(20_000), '[a, '.repeat(300), Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')];
  for (const text of deep) {
    const started = performance.now();
    assert.is(thrown(() => codec.decode(Buffer.from(text), {})), 'invalid YAML: nested deeper than 256 levels', text.slice(0, 20));
    assert.ok(performance.now() - started < 1000, `${text.slice(0, 10)}: ${performance.now() - started} ms`);
  }
  // 200 levels of each kind still read.
  assert.equal(codec.decode(Buffer.from(`${'['.repeat(200)}1${']'.repeat(200)}`), {}), JSON.parse(`${'['.repeat(200)}1${']'.repeat(200)}`));
  const block = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
  assert.ok(codec.decode(Buffer.from(block), {}) !== undefined);
  // Brackets in quotes, in comments or inside plain scalars, and many lines of one level, are no depth.
  const plain = codec.decode(Buffer.from(Array.from({ length: 2000 }, (_, i) => `k${i}: don't [${i} # [{[{`).join('\n')), {}) as Record<string, string>;
  assert.is(plain.k1999, "don't [1999");
  const flat = codec.decode(Buffer.from(Array.from({ length: 2000 }, (_, i) => `k${i}: "[{"`).join('\n')), {}) as Record<string, string>;
  assert.is(flat.k1999, '[{');
});

test('invalid UTF-8 is an error', () => {
  assert.is(thrown(() => decode(codec, Buffer.from([0x61, 0x3a, 0x20, 0xff]))), 'invalid YAML: not valid UTF-8');
});

test('a value without a YAML form is an encode error', () => {
  assert.is(thrown(() => codec.encode(undefined, {})), 'cannot write as YAML: nothing has no YAML form');
  assert.is(thrown(() => codec.encode({ f: () => 1 }, {})), 'cannot write as YAML: Tag not resolved for Function value');
});

test.run();
