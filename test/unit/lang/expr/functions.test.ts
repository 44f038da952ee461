import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../../../src/lang/expr/index.js';
import { ctx, evalError, regexProblem, run } from './helpers.js';

// Text

test('lowercase, uppercase and trim change text', () => {
  assert.is(run('lowercase("AbC")'), 'abc');
  assert.is(run('uppercase("AbC")'), 'ABC');
  assert.is(run('trim("  a b \\n")'), 'a b');
});

test('the string functions also answer to their string:: names', () => {
  assert.is(run('string::lowercase("A")'), 'a');
  assert.is(run('string::uppercase("a")'), 'A');
  assert.is(run('string::trim(" a ")'), 'a');
  assert.is(run('string::starts_with("abc", "a")'), true);
  assert.is(run('string::ends_with("abc", "c")'), true);
  assert.is(run('string::contains("abc", "b")'), true);
  assert.equal(run('string::split("a-b", "-")'), ['a', 'b']);
  assert.is(run('string::replace("aa", "a", "b")'), 'bb');
  assert.is(run('string::length("abc")'), 3);
  assert.is(run('string::substr("abc", 1)'), 'bc');
  assert.is(run('string::format("<{}>", 1)'), '<1>');
});

test('a string function given another type names itself, the argument and the type', () => {
  evalError('lowercase(event.n)', 'lowercase: argument 1 (s) must be a string, got number in "lowercase(event.n)"', ctx({ n: 1 }));
  evalError('string::uppercase(event.x)', 'string::uppercase: argument 1 (s) must be a string, got null in "string::uppercase(event.x)"');
  evalError('trim([])', 'trim: argument 1 (s) must be a string, got array in "trim([])"');
});

test('starts_with and ends_with test prefixes and suffixes', () => {
  assert.is(run('starts_with("hello", "he")'), true);
  assert.is(run('starts_with("hello", "lo")'), false);
  assert.is(run('ends_with("hello", "lo")'), true);
  assert.is(run('ends_with("hello", "he")'), false);
  evalError('starts_with("a", 1)', 'starts_with: argument 2 (prefix) must be a string, got number in "starts_with(\\"a\\", 1)"');
  evalError('ends_with(true, "a")', 'ends_with: argument 1 (s) must be a string, got bool in "ends_with(true, \\"a\\")"');
});

test('contains looks for a substring or an element', () => {
  assert.is(run('contains("hello", "ell")'), true);
  assert.is(run('contains("hello", "x")'), false);
  assert.is(run('contains([1, {"a": 2}], {"a": 2})'), true);
  assert.is(run('contains([1, 2], 3)'), false);
  evalError('contains(5, 1)', 'contains: argument 1 (haystack) must be a string or an array, got number in "contains(5, 1)"');
  evalError('contains("a", 1)', 'contains: argument 2 (needle) must be a string, got number in "contains(\\"a\\", 1)"');
});

test('split cuts text at every separator, or into characters with an empty one', () => {
  assert.equal(run('split("a,b,,c", ",")'), ['a', 'b', '', 'c']);
  assert.equal(run('split("abc", "")'), ['a', 'b', 'c']);
  assert.equal(run('split("a😀b", "")'), ['a', '😀', 'b']);
  evalError('split("a", 1)', 'split: argument 2 (separator) must be a string, got number in "split(\\"a\\", 1)"');
});

test('join puts the text of each element between separators', () => {
  assert.is(run('join(["a", "b"], ", ")'), 'a, b');
  assert.is(run('join([1, true, null, [2]], "|")'), '1|true|null|[2]');
  assert.is(run('join([], "-")'), '');
  evalError('join("ab", "")', 'join: argument 1 (array) must be an array, got string in "join(\\"ab\\", \\"\\")"');
  evalError('join([], 0)', 'join: argument 2 (separator) must be a string, got number in "join([], 0)"');
});

test('replace replaces every occurrence, literally', () => {
  assert.is(run('replace("a.b.c", ".", "-")'), 'a-b-c');
  assert.is(run('replace("abc", "b", "$&$&")'), 'a$&$&c');
  assert.is(run('replace("abc", "x", "y")'), 'abc');
  evalError('replace("a", "a", 1)', 'replace: argument 3 (to) must be a string, got number in "replace(\\"a\\", \\"a\\", 1)"');
});

test('length counts characters, elements, keys or bytes', () => {
  assert.is(run('length("héllo")'), 5);
  assert.is(run('length("a😀")'), 2);
  assert.is(run('length([1, 2, 3])'), 3);
  assert.is(run('length({"a": 1, "b": 2})'), 2);
  assert.is(run('length(event.b)', ctx({ b: Buffer.from('abcd') })), 4);
  evalError('length(1)', 'length: argument 1 (value) must be a string, an array, a record or bytes, got number in "length(1)"');
});

test('substr slices by character, negative positions from the end, the end optional', () => {
  assert.is(run('substr("hello", 1, 3)'), 'el');
  assert.is(run('substr("hello", 2)'), 'llo');
  assert.is(run('substr("hello", -3)'), 'llo');
  assert.is(run('substr("hello", 0, -1)'), 'hell');
  assert.is(run('substr("hello", 1, null)'), 'ello');
  assert.is(run('substr("a😀b", 1, 2)'), '😀');
  assert.is(run('substr("abc", 5)'), '');
  evalError('substr("abc", "1")', 'substr: argument 2 (start) must be an integer, got string in "substr(\\"abc\\", \\"1\\")"');
  evalError('substr("abc", 1.5)', 'substr: argument 2 (start) must be an integer, got 1.5 in "substr(\\"abc\\", 1.5)"');
  evalError('substr("abc", 0, true)', 'substr: argument 3 (end) must be an integer, got bool in "substr(\\"abc\\", 0, true)"');
});

test('format fills {} placeholders in order and keeps doubled braces', () => {
  assert.is(run('format("{} and {}", 1, "b")'), '1 and b');
  assert.is(run('format("{{{}}}", [1])'), '{[1]}');
  assert.is(run('format("none")'), 'none');
  assert.is(run('format("{}", event.x)'), 'null');
});

test('a format string computed at run time is checked when used', () => {
  evalError('format(event.f, 1)', 'format: the format string has 2 placeholders but 1 value was given in "format(event.f, 1)"', ctx({ f: '{}{}' }));
  evalError('format(event.f)', 'format: unmatched "}" at 1 of the format string; write {{ or }} for a literal brace in "format(event.f)"', ctx({ f: 'a}' }));
  evalError('format(event.f)', 'format: argument 1 (template) must be a string, got number in "format(event.f)"', ctx({ f: 1 }));
});

test('string gives the text of any value, JSON for records and arrays', () => {
  assert.is(run('string("a")'), 'a');
  assert.is(run('string(1.5)'), '1.5');
  assert.is(run('string(true)'), 'true');
  assert.is(run('string(null)'), 'null');
  assert.is(run('string({"a": [1, "x"]})'), '{"a":[1,"x"]}');
  assert.is(run('string(event.t)', ctx({ t: 12345678901234567890n })), '12345678901234567890');
  assert.is(run('string(event.b)', ctx({ b: Buffer.from('hé') })), 'hé');
});

test('matches tests text against a regex given as a string or a literal', () => {
  assert.is(run('matches("abc", "^a.c$")'), true);
  assert.is(run('matches("abc", "^b")'), false);
  assert.is(run('matches("ABC", /abc/i)'), true);
  assert.is(run('matches(event.s, event.p)', ctx({ s: 'x1', p: '\\d' })), true);
  assert.is(run('matches(event.nope, "a")'), false);
  evalError('matches(1, "a")', 'matches: argument 1 (s) must be a string, got number in "matches(1, \\"a\\")"');
  evalError('matches("a", 1)', 'matches: argument 2 (pattern) must be a string, got number in "matches(\\"a\\", 1)"');
  evalError('matches("a", event.p)', `invalid regex "[" (${regexProblem('[')}) in "matches(\\"a\\", event.p)"`, ctx({ p: '[' }));
});

// Numbers

test('number parses numeric text and passes numbers through', () => {
  assert.is(run('number("42")'), 42);
  assert.is(run('number(" -1.5e2 ")'), -150);
  assert.is(run('number(".5")'), 0.5);
  assert.is(run('number(7)'), 7);
  assert.is(run('number(event.t)', ctx({ t: 3n })), 3n);
});

test('number of text that is not numeric is an evaluation error', () => {
  evalError('number("12abc")', 'number: "12abc" is not numeric in "number(\\"12abc\\")"');
  evalError('number("")', 'number: "" is not numeric in "number(\\"\\")"');
  evalError('number(true)', 'number: argument 1 (value) must be a string or a number, got bool in "number(true)"');
});

test('int truncates towards zero and parses text', () => {
  assert.is(run('int(3.9)'), 3);
  assert.is(run('int(-3.9)'), -3);
  assert.is(run('int("42")'), 42);
  assert.is(run('int("4.7")'), 4);
  assert.is(run('int("123456789012345678901")'), 123456789012345678901n);
  assert.is(run('int(event.t)', ctx({ t: 5n })), 5n);
  evalError('int("x")', 'int: "x" is not numeric in "int(\\"x\\")"');
  evalError('int(null)', 'int: argument 1 (value) must be a string or a number, got null in "int(null)"');
});

test('round, floor and ceil round numbers; round goes half away from zero', () => {
  assert.is(run('round(2.5)'), 3);
  assert.is(run('round(-2.5)'), -3);
  assert.is(run('round(2.4)'), 2);
  assert.is(run('floor(-1.5)'), -2);
  assert.is(run('ceil(1.1)'), 2);
  assert.is(run('floor(event.t)', ctx({ t: 7n })), 7n);
  evalError('round("1")', 'round: argument 1 (n) must be a number, got string in "round(\\"1\\")"');
  evalError('floor(null)', 'floor: argument 1 (n) must be a number, got null in "floor(null)"');
  evalError('ceil([])', 'ceil: argument 1 (n) must be a number, got array in "ceil([])"');
});

test('abs drops the sign', () => {
  assert.is(run('abs(-3)'), 3);
  assert.is(run('abs(2.5)'), 2.5);
  assert.is(run('abs(event.t)', ctx({ t: -4n })), 4n);
  evalError('abs("x")', 'abs: argument 1 (n) must be a number, got string in "abs(\\"x\\")"');
});

test('min and max pick among their arguments or the elements of one array', () => {
  assert.is(run('min(3, 1, 2)'), 1);
  assert.is(run('max(3, 1, 2)'), 3);
  assert.is(run('min(5)'), 5);
  assert.is(run('max([4, 9, 2])'), 9);
  assert.is(run('min([])'), null);
  assert.is(run('max("a", "c", "b")'), 'c');
  assert.is(run('max(1, event.t)', ctx({ t: 2n })), 2n);
  evalError('min(1, "a")', 'min: cannot compare number with string in "min(1, \\"a\\")"');
  evalError('max(1, null)', 'max: argument 2 (values) must be a number or a string, got null in "max(1, null)"');
  evalError('max([1, true])', 'max: argument 1 (value) must hold numbers or strings, got bool at [1] in "max([1, true])"');
});

// Records and types

test('keys and values list a record', () => {
  assert.equal(run('keys({"a": 1, "b": 2})'), ['a', 'b']);
  assert.equal(run('values({"a": 1, "b": [2]})'), [1, [2]]);
  assert.equal(run('keys(event)', ctx({ a: 1, gone: undefined })), ['a']);
  assert.equal(run('values(event)', ctx({ a: 1, gone: undefined })), [1]);
  evalError('keys([1])', 'keys: argument 1 (record) must be a record, got array in "keys([1])"');
  evalError('values("a")', 'values: argument 1 (record) must be a record, got string in "values(\\"a\\")"');
});

test('merge combines two records shallowly, the right one winning, without touching either', () => {
  const data = { a: { x: 1, y: { z: 1 } }, b: { y: 2, w: 3 } };
  const before = structuredClone(data);
  assert.equal(run('merge(event.a, event.b)', ctx(data)), { x: 1, y: 2, w: 3 });
  assert.equal(data, before);
  evalError('merge({}, 1)', 'merge: argument 2 (right) must be a record, got number in "merge({}, 1)"');
  evalError('merge(null, {})', 'merge: argument 1 (left) must be a record, got null in "merge(null, {})"');
});

test('type names the type of any value', () => {
  assert.is(run('type(null)'), 'null');
  assert.is(run('type(event.nope)'), 'null');
  assert.is(run('type(true)'), 'bool');
  assert.is(run('type(1.5)'), 'number');
  assert.is(run('type(event.t)', ctx({ t: 1n })), 'number');
  assert.is(run('type("a")'), 'string');
  assert.is(run('type([])'), 'array');
  assert.is(run('type({})'), 'record');
  assert.is(run('type(event.b)', ctx({ b: new Uint8Array(1) })), 'bytes');
});

test('is_null and default deal with missing values', () => {
  assert.is(run('is_null(event.nope)'), true);
  assert.is(run('is_null(0)'), false);
  assert.is(run('default(event.nope, 5)'), 5);
  assert.is(run('default(event.n, 5)', ctx({ n: 0 })), 0);
  assert.is(run('default(false, true)'), false);
  assert.is(run('default(event.count, 0) > 10', ctx({})), false);
});

// JSON and base64

test('json::decode parses JSON text or bytes', () => {
  assert.equal(run('json::decode("{\\"a\\": [1, null]}")'), { a: [1, null] });
  assert.equal(run('json::decode(event.b)', ctx({ b: Buffer.from('[1,2]') })), [1, 2]);
  assert.is(run('json::decode("3")'), 3);
});

test('json::decode of invalid JSON or of another type is an evaluation error', () => {
  evalError('json::decode("{")', `json::decode: invalid JSON (${jsonError('{')}) in "json::decode(\\"{\\")"`);
  evalError('json::decode(1)', 'json::decode: argument 1 (text) must be a string, got number in "json::decode(1)"');
});

test('json::encode writes compact JSON, bigints exact and bytes as byte values', () => {
  assert.is(run('json::encode({"a": [1, "x", null, true]})'), '{"a":[1,"x",null,true]}');
  assert.is(run('json::encode(event)', ctx({ t: 12345678901234567890n, b: Buffer.from([1, 255]) })), '{"t":12345678901234567890,"b":[1,255]}');
  assert.is(run('json::encode("a\\"b")'), '"a\\"b"');
});

test('base64::encode encodes bytes or the UTF-8 of text', () => {
  assert.is(run('base64::encode("hi")'), 'aGk=');
  assert.is(run('base64::encode(event.b)', ctx({ b: Buffer.from([0xfb, 0xff]) })), '+/8=');
  evalError('base64::encode(1)', 'base64::encode: argument 1 (data) must be bytes or a string, got number in "base64::encode(1)"');
});

test('base64::decode gives bytes from standard or URL-safe base64', () => {
  const b = run('base64::decode("aGk=")');
  assert.ok(Buffer.isBuffer(b));
  assert.equal([...(b as Buffer)], [104, 105]);
  assert.equal([...(run('base64::decode("aGk")') as Buffer)], [104, 105]);
  assert.equal([...(run('base64::decode("-_8")') as Buffer)], [0xfb, 0xff]);
  assert.is(run('type(base64::decode(""))'), 'bytes');
});

test('base64::decode of text that is not base64 is an evaluation error', () => {
  evalError('base64::decode("a*b")', 'base64::decode: "a*b" is not base64 in "base64::decode(\\"a*b\\")"');
  evalError('base64::decode(1)', 'base64::decode: argument 1 (text) must be a string, got number in "base64::decode(1)"');
});

test('a call returning bytes is not folded, so every evaluation gets its own buffer', () => {
  const expr = compile('base64::decode("aGk=")');
  assert.is.not(expr.evaluate(ctx()), expr.evaluate(ctx()));
});

// Time

test('now gives wall-clock nanoseconds and now_ms milliseconds', () => {
  const before = Date.now();
  const ns = run('now()') as number;
  const ms = run('now_ms()') as number;
  const after = Date.now();
  assert.ok(ms >= before && ms <= after);
  // now() is the monotonic clock anchored to the wall clock once per process (no Date per event),
  // so it may drift from Date.now() by the rate difference of the two clocks: a few ms on a VM.
  const slackMs = 50;
  assert.ok(ns >= (before - slackMs) * 1e6 && ns <= (after + slackMs) * 1e6, `${ns} within [${before}, ${after}] ms ± ${slackMs}`);
});

test('now is read at every evaluation, never folded', () => {
  const expr = compile('now() + 0');
  assert.is(expr.constant, false);
  const a = expr.evaluate(ctx()) as number;
  const b = expr.evaluate(ctx()) as number;
  assert.ok(b >= a);
});

test('nanos:: functions convert to nanoseconds, exactly for bigints', () => {
  assert.is(run('nanos::from_millis(2)'), 2_000_000);
  assert.is(run('nanos::from_seconds(1.5)'), 1_500_000_000);
  assert.is(run('nanos::from_minutes(1)'), 60_000_000_000);
  assert.is(run('nanos::from_hours(2)'), 7_200_000_000_000);
  assert.is(run('nanos::from_seconds(event.t)', ctx({ t: 10n })), 10_000_000_000n);
  evalError('nanos::from_millis("1")', 'nanos::from_millis: argument 1 (ms) must be a number, got string in "nanos::from_millis(\\"1\\")"');
  evalError('nanos::from_seconds(null)', 'nanos::from_seconds: argument 1 (s) must be a number, got null in "nanos::from_seconds(null)"');
  evalError('nanos::from_minutes([])', 'nanos::from_minutes: argument 1 (min) must be a number, got array in "nanos::from_minutes([])"');
  evalError('nanos::from_hours({})', 'nanos::from_hours: argument 1 (h) must be a number, got record in "nanos::from_hours({})"');
});

test('iso8601 writes epoch milliseconds as an ISO date', () => {
  assert.is(run('iso8601(0)'), '1970-01-01T00:00:00.000Z');
  assert.is(run('iso8601(1700000000123)'), '2023-11-14T22:13:20.123Z');
  evalError('iso8601("x")', 'iso8601: argument 1 (ms) must be a number, got string in "iso8601(\\"x\\")"');
  evalError('iso8601(1e20)', 'iso8601: 100000000000000000000 is outside the range of dates in "iso8601(1e20)"');
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

test.run();
