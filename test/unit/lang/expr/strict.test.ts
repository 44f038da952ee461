import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ctx, evalError, run, syntaxError } from './helpers.js';

test('outside strict() a missing key reads null; inside it fails, naming the key and the read', () => {
  assert.is(run('event.a.b', ctx({ a: {} })), null);
  evalError('strict(event.a.b)', 'Trying to access a non existing event key `b` in "event.a.b"', ctx({ a: {} }));
  evalError('strict(event["odd key"])', 'Trying to access a non existing event key `odd key` in "event[\\"odd key\\"]"', ctx({}));
  evalError('strict($.ws.peer)', 'Trying to access a non existing global key `ws` in "$.ws"', ctx({}));
  evalError('strict(state.n)', 'Trying to access a non existing state key `n` in "state.n"', ctx(null, { state: {} }));
});

test('strict() reads what is there as usual, a null value included', () => {
  assert.is(run('strict(event.a.b + 1)', ctx({ a: { b: 1 } })), 2);
  assert.is(run('strict(event.a)', ctx({ a: null })), null);
  assert.is(run('strict(event.a.b.c)', ctx({ a: { b: { c: null } } })), null);
  evalError('strict(event.a.b.c)', 'Trying to access a non existing event key `b` in "event.a.b"', ctx({ a: [1] }));
  evalError('strict(event.a.b.c)', 'Trying to access a non existing event key `c` in "event.a.b.c"', ctx({ a: { b: { d: null } } }));
  assert.is(run('strict(event.l[-1])', ctx({ l: [1, 2] })), 2);
  assert.is(run('strict(event[event.k])', ctx({ k: 'x', x: 'y' })), 'y');
});

test('strict() refuses a key of a non-record (as missing) and a position past the end, in Tremor words', () => {
  evalError('strict(event.a.b)', 'Trying to access a non existing event key `b` in "event.a.b"', ctx({ a: 'text' }));
  evalError('strict(event.l[5])', 'Array index out of bounds, got index 5 but expected an index in the range 0:2 in "event.l[5]"', ctx({ l: [1, 2] }));
  evalError('strict(event.r[0])', 'Conflicting types, got record but expected array in "event.r[0]"', ctx({ r: {} }));
  evalError('strict(event[event.k])', 'Conflicting types, got boolean but expected one of string, integer as an index in "event[event.k]"', ctx({ k: true }));
});

test('try() inside strict() still catches a missing key: how a presence test is written', () => {
  assert.is(run('strict(try(event.a.b, "none"))', ctx({})), 'none');
  assert.is(run('strict(type(try(event.a, null)) == "record")', ctx({})), false);
});

test('strict(EXPR, SOURCE) renders a failure as Tremor does, at the line and key SOURCE gives', () => {
  const line = '      let event["new"] = event.foo_script;';
  const source = `strict(event.foo_script, ${JSON.stringify({ lines: { 11: line }, sites: [[6, 'event', 11, 32, 10]] })})`;
  evalError(
    source,
    'Error: \n   11 |       let event["new"] = event.foo_script;\n      |                                ^^^^^^^^^^ Trying to access a non existing event key `foo_script`\n\n',
    ctx({ foo_having: true }),
  );
});

test("a key two edits from one the record has gets Tremor's note", () => {
  const source = `strict(event.fo, ${JSON.stringify({ lines: { 1: 'event.fo' }, sites: [[6, 'event', 1, 7, 2]] })})`;
  evalError(source, 'Error: \n    1 | event.fo\n      |       ^^ Trying to access a non existing event key `fo`\n      |          NOTE: Did you mean to use `foo`?\n\n', ctx({ foo: 1, bar: 2 }));
});

test('a binary operator with a site names the types it was given, in Tremor words, under the operator', () => {
  const source = `strict(event.a * 2, ${JSON.stringify({ lines: { 2: '  event.a * 2' }, sites: [[8, 'event', 2, 11, 1]] })})`;
  evalError(source, 'Error: \n    2 |   event.a * 2\n      |           ^ The binary operation `*` is not defined for the type `string` and `integer`\n\n', ctx({ a: 'x' }));
  assert.is(run(source, ctx({ a: 1.5 })), 3);
  // The failure of an operand is drawn where it happened, not at the operator.
  evalError(`strict(event.b + 1, ${JSON.stringify({ lines: { 2: 'x' }, sites: [[8, 'event', 2, 9, 1]] })})`, 'Trying to access a non existing event key `b` in "event.b"', ctx({}));
});

test('a hostile key is cut in the message; the note on a record of many keys looks at its first ones', () => {
  const long = 'k'.repeat(300);
  evalError(`strict(event[event.k])`, `Trying to access a non existing event key \`${'k'.repeat(200)}...\` in "event[event.k]"`, ctx({ k: long }));
  const many = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`${'x'.repeat(60)}${i}`, i]));
  const source = `strict(event[${JSON.stringify('x'.repeat(60))}], ${JSON.stringify({ lines: { 1: 'e' }, sites: [[6, 'event', 1, 1, 1]] })})`;
  evalError(source, `Error: \n    1 | e\n      | ^ Trying to access a non existing event key \`${'x'.repeat(60)}\`\n      |   NOTE: Did you mean to use \`${'x'.repeat(60)}0\`?\n\n`, ctx(many));
});

test("strict()'s source is a literal record of sites, checked when the expression is compiled", () => {
  syntaxError('strict(event.a, event.b)', 'the source of strict() at 16 must be a literal record', 16);
  syntaxError(
    'strict(event.a, {"lines": {"1": "x"}, "sites": [[0, "nowhere", 1, 1, 1]]})',
    'the source of strict() at 16 has a bad site [0,"nowhere",1,1,1]; expected {"lines": {"LINE": TEXT}, "sites": [[offset, root, line, column, length], ...]}',
    16,
  );
});

test.run();
