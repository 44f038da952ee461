import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { binary } from '../../../../src/kinds/codecs/binary.js';
import { json } from '../../../../src/kinds/codecs/json.js';
import { string } from '../../../../src/kinds/codecs/string.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

test('json decodes a document and encodes a value; blank frames carry nothing', () => {
  const c = codecOf(json);
  assert.equal(decode(c, '{"b":[1,2],"a":null}'), { b: [1, 2], a: null });
  assert.is(decode(c, '  \n'), undefined);
  assert.is(encodeText(c, { b: 1, a: [true] }), '{"b":1,"a":[true]}');
});

test('json sorted mode writes keys in order at every level, for stable test output', () => {
  const c = codecOf(json, { mode: 'sorted' });
  assert.is(encodeText(c, { b: { z: 1, y: [{ d: 1, c: 2 }] }, a: 0 }), '{"a":0,"b":{"y":[{"c":2,"d":1}],"z":1}}');
});

test('json refuses bad text and bytes that are not UTF-8, saying what was wrong', () => {
  const c = codecOf(json);
  assert.match(thrown(() => decode(c, '{"a":')), /^invalid JSON: /);
  assert.is(thrown(() => decode(c, Buffer.from([0x22, 0xff, 0x22]))), 'invalid JSON: not valid UTF-8');
});

test('json writes bigints as exact integers, and bytes as Node writes them', () => {
  const c = codecOf(json);
  assert.is(encodeText(c, { n: 5n, big: 2n ** 70n }), '{"n":5,"big":1180591620717411303424}');
  assert.is(encodeText(c, { b: Buffer.from('hi') }), '{"b":{"type":"Buffer","data":[104,105]}}');
  assert.is(thrown(() => encodeText(c, undefined)), 'a undefined has no JSON form');
});

test('json with bytes: array writes bytes as arrays of byte values, as Tremor does, keeping 42.0 and sorting beside them', () => {
  const c = codecOf(json, { mode: 'sorted', bytes: 'array' });
  const doc = decode(c, '{"n":42.0,"list":[1.0]}') as Record<string, unknown>;
  doc.key = Buffer.from('heinz');
  (doc.list as unknown[]).push(new Uint8Array([0, 255]));
  assert.is(encodeText(c, doc), '{"key":[104,101,105,110,122],"list":[1.0,[0,255]],"n":42.0}');
  assert.is(encodeText(codecOf(json, { bytes: 'array' }), { b: Buffer.from('hi'), a: 1 }), '{"b":[104,105],"a":1}');
  assert.is(encodeText(codecOf(json, { bytes: 'array' }), Buffer.from('hi')), '[104,105]');
  assert.is(encodeText(codecOf(json, { bytes: 'node' }), { b: Buffer.from('hi') }), '{"b":{"type":"Buffer","data":[104,105]}}');
});

test('json rejects an unknown mode at load time', () => {
  assert.is(json.config!.safeParse({ mode: 'pretty' }).success, false);
  assert.is(json.config!.safeParse({ bytes: 'base64' }).success, false);
});

test('string is UTF-8 text both ways; other values are written as JSON', () => {
  const c = codecOf(string);
  assert.is(decode(c, 'héllo'), 'héllo');
  assert.is(thrown(() => decode(c, Buffer.from([0xc3]))), 'invalid UTF-8 for the string codec');
  assert.is(encodeText(c, 'plain'), 'plain');
  assert.is(encodeText(c, { a: 1 }), '{"a":1}');
});

test('binary passes bytes through untouched and writes binary frames', () => {
  const c = codecOf(binary);
  const bytes = Buffer.from([0, 255, 1]);
  assert.is(decode(c, bytes), bytes);
  assert.equal([...(c.encode(new Uint8Array([7, 8]), {}) as Buffer)], [7, 8]);
  assert.is((c.encode('text', {}) as Buffer).toString(), 'text');
  assert.is(binary.binary, true);
});

test.run();
