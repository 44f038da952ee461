import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { csv } from '../../../../src/kinds/codecs/csv.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

const codec = codecOf(csv);

test('decodes one line to an array of strings (Tremor\'s example)', () => {
  assert.equal(decode(codec, '"some "" field",1234567,other_text,"2020-01-01 00:00:00"'), ['some " field', '1234567', 'other_text', '2020-01-01 00:00:00']);
});

test('a quoted field may hold the separator, quotes, CR and LF', () => {
  assert.equal(decode(codec, '"a,b","say ""hi""","two\r\nlines",x'), ['a,b', 'say "hi"', 'two\r\nlines', 'x']);
});

test('empty fields are kept, including a trailing one', () => {
  assert.equal(decode(codec, 'a,,b,'), ['a', '', 'b', '']);
});

test('one trailing line break ends the record', () => {
  assert.equal(decode(codec, 'a,b\r\n'), ['a', 'b']);
  assert.equal(decode(codec, 'a,b\n'), ['a', 'b']);
});

test('an empty line carries nothing', () => {
  assert.is(decode(codec, ''), undefined);
  assert.is(decode(codec, '\n'), undefined);
});

test('encodes an array, quoting fields with the separator, a quote, CR or LF and doubling quotes', () => {
  assert.is(encodeText(codec, ['plain', 'a,b', 'say "hi"', 'cr\r', 'lf\n']), 'plain,"a,b","say ""hi""","cr\r","lf\n"');
});

test('numbers, booleans and null are written as text, like Tremor writes 123', () => {
  assert.is(encodeText(codec, ['a', 123, true, null, 2n ** 64n]), 'a,123,true,,18446744073709551616');
});

test('a lone empty field is written quoted so that it reads back as one field', () => {
  assert.is(encodeText(codec, ['']), '""');
  assert.equal(decode(codec, '""'), ['']);
});

test('config separator changes the separator both ways', () => {
  const semi = codecOf(csv, { separator: ';' });
  assert.equal(decode(semi, 'a;"b;c";d,e'), ['a', 'b;c', 'd,e']);
  assert.is(encodeText(semi, ['a', 'b;c', 'd,e']), 'a;"b;c";d,e');
});

test('a separator must be one character other than a quote, CR or LF', () => {
  const result = csv.config!.safeParse({ separator: '||' });
  assert.is(result.success, false);
  assert.is(result.error?.issues[0]?.message, 'expected one character other than a double quote, CR or LF');
  assert.is(csv.config!.safeParse({ separator: '"' }).success, false);
});

test('an unclosed quote is an error naming the field', () => {
  assert.is(thrown(() => decode(codec, 'a,"bc')), `csv: quoted field 2 opened at character 2 is not closed; expected a closing '"'`);
});

test('text after a closing quote is an error', () => {
  assert.is(thrown(() => decode(codec, '"a"b,c')), 'csv: "b" after the closing quote of field 1 at character 3; expected "," or the end of the line');
});

test('a second line is an error, not silently dropped', () => {
  assert.is(thrown(() => decode(codec, 'a,b\nc,d')), 'csv: line break at character 3 outside quotes; expected one record per frame (split lines with the separate preprocessor)');
});

test('invalid UTF-8 is an error', () => {
  assert.is(thrown(() => decode(codec, Buffer.from([0x61, 0xff]))), 'csv: not valid UTF-8');
});

test('encoding anything but an array is an error', () => {
  assert.is(thrown(() => codec.encode({ a: 1 }, {})), 'csv: expected an array of fields, got {"a":1}');
});

test.run();
