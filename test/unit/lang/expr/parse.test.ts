import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { functionNames } from '../../../../src/lang/expr/functions.js';
import { parse } from '../../../../src/lang/expr/parse.js';
import { ctx, regexProblem, run, syntaxError } from './helpers.js';

test('integers, decimals and exponents are numbers', () => {
  assert.is(run('42'), 42);
  assert.is(run('3.25'), 3.25);
  assert.is(run('1e3'), 1000);
  assert.is(run('2.5E-1'), 0.25);
  assert.is(run('1e+2'), 100);
});

test('an integer literal past 2^53 keeps every digit as a bigint', () => {
  assert.is(run('12345678901234567890'), 12345678901234567890n);
});

test('a minus sign is the unary operator and folds into the literal', () => {
  assert.is(run('-5'), -5);
  assert.is(run('- 5'), -5);
  assert.is(run('--5'), 5);
  assert.equal(parse('-5'), { kind: 'negate', operand: { kind: 'literal', value: 5, start: 1, end: 2 }, start: 0, end: 2 });
});

test('a malformed number is a syntax error at its start', () => {
  syntaxError('1.', 'invalid number "1." at 0', 0);
  syntaxError('(1.)', 'invalid number "1." at 1', 1);
  syntaxError('1e+', 'invalid number "1e+" at 0', 0);
  syntaxError('x == 1e', 'unknown root "x" at 0; expected one of event, $, args, state, group', 0);
  syntaxError('event.a == 1e', 'invalid number "1e" at 11', 11);
  syntaxError('12abc', 'invalid number "12abc" at 0', 0);
  syntaxError('1e400', 'number 1e400 at 0 is out of range', 0);
});

test('strings take double or single quotes and JSON escapes', () => {
  assert.is(run('"a\\"b"'), 'a"b');
  assert.is(run("'it\\'s'"), "it's");
  assert.is(run(`'say "hi"'`), 'say "hi"');
  assert.is(run('"\\n\\t\\r\\b\\f\\/\\\\"'), '\n\t\r\b\f/\\');
  assert.is(run('"caf\\u00e9"'), 'café');
  assert.is(run('"\\ud83d\\ude00"'), '😀');
  assert.is(run('""'), '');
});

test('an unknown escape or a short \\u escape is a syntax error at the backslash', () => {
  syntaxError('"a\\qb"', 'invalid escape "\\q" at 2', 2);
  syntaxError('"\\u12"', 'invalid escape "\\u12" at 1', 1);
  syntaxError('"\\uzzzz"', 'invalid escape "\\u" at 1', 1);
});

test('an unterminated string is reported where it starts', () => {
  syntaxError('event.a == "abc', 'unterminated string starting at 11', 11);
  syntaxError("'abc\\", 'unterminated string starting at 0', 0);
});

test('true, false and null are literals', () => {
  assert.is(run('true'), true);
  assert.is(run('false'), false);
  assert.is(run('null'), null);
});

test('arrays hold any expressions and may end with a comma', () => {
  assert.equal(run('[1, "a", event.x]', ctx({ x: true })), [1, 'a', true]);
  assert.equal(run('[]'), []);
  assert.equal(run('[1, 2,]'), [1, 2]);
  assert.equal(run('[[1], [2, [3]]]'), [[1], [2, [3]]]);
});

test('record keys are quoted strings or bare names, keywords included', () => {
  assert.equal(run('{"a": 1, b: event.x, "odd key": 2}', ctx({ x: 'y' })), { a: 1, b: 'y', 'odd key': 2 });
  assert.equal(run('{in: 1, not: 2, true: 3,}'), { in: 1, not: 2, true: 3 });
  assert.equal(run('{}'), {});
});

test('a record key "__proto__" is data, not a prototype', () => {
  const r = run('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(r), Object.prototype);
  assert.equal(Object.keys(r), ['__proto__']);
  assert.is(({} as Record<string, unknown>)['polluted'], undefined);
});

test('a duplicate record key is a syntax error at the second key', () => {
  syntaxError('{a: 1, "a": 2}', 'duplicate key "a" at 7', 7);
});

test('a record needs keys, colons and commas in their places', () => {
  syntaxError('{1: 2}', 'unexpected "1" at 1, expected a key (a string or a name) or "}"', 1);
  syntaxError('{a 1}', 'unexpected "1" at 3, expected ":" after the key "a"', 3);
  syntaxError('{a: 1 b: 2}', 'unexpected "b" at 6, expected an operator, "," or "}"', 6);
  syntaxError('{"a": 1, b: }', 'unexpected "}" at 12, expected an operand', 12);
  syntaxError('{a: 1', 'unexpected end of expression at 5, expected an operator, "," or "}"', 5);
});

test('an unclosed array, call or parenthesis says what was expected', () => {
  syntaxError('[1, 2', 'unexpected end of expression at 5, expected an operator, "," or "]"', 5);
  syntaxError('lowercase("A"', 'unexpected end of expression at 13, expected an operator, "," or ")"', 13);
  syntaxError('(event.a', 'unexpected end of expression at 8, expected an operator or ")"', 8);
  syntaxError('event[0', 'unexpected end of expression at 7, expected an operator or "]"', 7);
  syntaxError('true ? 1', 'unexpected end of expression at 8, expected an operator or ":"', 8);
});

test('the roots are event, $, args, state and group', () => {
  const c = ctx({ a: 1 }, { meta: { m: 2 }, args: { delay: 3 }, state: { s: 4 }, group: 'g' });
  assert.equal(run('event', c), { a: 1 });
  assert.equal(run('$', c), { m: 2 });
  assert.is(run('$.m', c), 2);
  assert.is(run('$["m"]', c), 2);
  assert.is(run('args.delay', c), 3);
  assert.is(run('state.s', c), 4);
  assert.is(run('group', c), 'g');
});

test('any other bare name is an unknown root, with a hint when it names a function', () => {
  syntaxError('evnt.a', 'unknown root "evnt" at 0; expected one of event, $, args, state, group', 0);
  syntaxError('event.a == user', 'unknown root "user" at 11; expected one of event, $, args, state, group', 11);
  syntaxError(
    'now > 1',
    'unknown root "now" at 0; expected one of event, $, args, state, group; now is a function, call it as now(...)',
    0,
  );
  syntaxError('toString', 'unknown root "toString" at 0; expected one of event, $, args, state, group', 0);
});

test('field names after a dot may be keywords', () => {
  assert.is(run('event.in + event.not', ctx({ in: 1, not: 2 })), 3);
});

test('a dot needs a field name after it', () => {
  syntaxError('event.', 'unexpected end of expression at 6, expected a field name after "."', 6);
  syntaxError('event..a', 'unexpected "." at 6, expected a field name after "."', 6);
  syntaxError('event.0', 'unexpected "0" at 6, expected a field name after "."', 6);
  syntaxError('$abc', 'unexpected "abc" at 1, expected an operator or the end of the expression', 1);
});

test('only functions can be called', () => {
  syntaxError('event.a(1)', 'unexpected "(" at 7; only functions can be called', 7);
});

test('an unknown function lists close names, or every name when none is close', () => {
  syntaxError('lowercse(event.a)', 'unknown function "lowercse" at 0; did you mean lowercase?', 0);
  syntaxError('str::lowercase(event.a)', 'unknown function "str::lowercase" at 0; did you mean lowercase, string::lowercase?', 0);
  syntaxError(
    'event.a + frobnicate(1)',
    `unknown function "frobnicate" at 10; known: ${functionNames().join(', ')}`,
    10,
  );
  assert.equal(functionNames(), [...functionNames()].sort());
});

test('a wrong number of arguments is a load-time error at the function name', () => {
  syntaxError('lowercase(event.a, 1)', 'lowercase() at 0 takes 1 argument, got 2', 0);
  syntaxError('true and substr("a")', 'substr() at 9 takes 2 or 3 arguments, got 1', 9);
  syntaxError('now(1)', 'now() at 0 takes no arguments, got 1', 0);
  syntaxError('min()', 'min() at 0 takes at least 1 argument, got 0', 0);
  syntaxError('replace("a")', 'replace() at 0 takes 3 arguments, got 1', 0);
});

test('a literal format string is checked against its values at load time', () => {
  syntaxError('format("{} and {}", 1)', 'format string at 7 has 2 placeholders but 1 value was given', 7);
  syntaxError('format("{", 1)', 'format string at 7: unmatched "{" at 0 of the format string; write {{ or }} for a literal brace', 7);
});

test('a literal pattern of matches() is checked at load time', () => {
  syntaxError('matches(event.a, "(")', `invalid regex at 17: ${regexProblem('(')}`, 17);
});

test('regex literals take i, m, s and u flags and may contain slashes in classes or escaped', () => {
  assert.is(run('"ABC" ~= /b/i'), true);
  assert.is(run('"a/b" ~= /a[/]b/'), true);
  assert.is(run('"a/b" ~= /a\\/b/'), true);
  assert.is(run('"a\\nb" ~= /^b$/m'), true);
  assert.is(run('"a\\nb" ~= /a.b/s'), true);
});

test('a regex flag that makes matching stateful is refused', () => {
  syntaxError('event.a ~= /x/g', 'unsupported regex flag "g" at 14; allowed: i, m, s, u', 14);
  syntaxError('event.a ~= /x/y', 'unsupported regex flag "y" at 14; allowed: i, m, s, u', 14);
});

test('an invalid or unterminated regex literal is a syntax error where it starts', () => {
  syntaxError('event.a ~= /(/', `invalid regex at 11: ${regexProblem('(')}`, 11);
  syntaxError('event.a ~= /abc', 'unterminated regex starting at 11', 11);
});

test('a regex literal stands only on the right of ~= or as the pattern of matches() and captures()', () => {
  syntaxError('[/a/]', 'a regex literal at 1 can only stand on the right of "~=" or as the pattern of matches() and captures()', 1);
  syntaxError('/a/ ~= "a"', 'a regex literal at 0 can only stand on the right of "~=" or as the pattern of matches() and captures()', 0);
  assert.is(run('matches("abc", /B/i)'), true);
});

test('a slash after an operand divides', () => {
  assert.is(run('8 / 2 / 2'), 2);
  assert.is(run('(8) / 4'), 2);
});

test('an operand is expected after an operator and at the start', () => {
  syntaxError('', 'unexpected end of expression at 0, expected an operand', 0);
  syntaxError('event.a == ', 'unexpected end of expression at 11, expected an operand', 11);
  syntaxError('event.a + * 2', 'unexpected "*" at 10, expected an operand', 10);
  syntaxError('event.a and or true', 'unexpected "or" at 12, expected an operand', 12);
  syntaxError('1 == not true', 'unexpected "not" at 5, expected an operand', 5);
});

test('something after a complete expression is reported', () => {
  syntaxError('event.a event.b', 'unexpected "event" at 8, expected an operator or the end of the expression', 8);
  syntaxError('event.a )', 'unexpected ")" at 8, expected an operator or the end of the expression', 8);
});

test('comparisons cannot be chained', () => {
  syntaxError('1 < event.a < 3', 'unexpected "<" at 12; comparisons cannot be chained, use parentheses', 12);
  assert.is(run('(1 < 2) == true'), true);
});

test('single = & | and stray characters point to what was meant', () => {
  syntaxError('event.a = 1', 'unexpected "=" at 8; compare with "=="', 8);
  syntaxError('true & false', 'unexpected "&" at 5; use "&&" or "and"', 5);
  syntaxError('true | false', 'unexpected "|" at 5; use "||" or "or"', 5);
  syntaxError('event.a # 1', 'unexpected character "#" at 8', 8);
});

test('whitespace is insignificant', () => {
  assert.is(run(' \t\n event . a\n==\r\n1 ', ctx({ a: 1 })), true);
  assert.is(run('event.a==1&&true', ctx({ a: 1 })), true);
});

test('a parenthesised expression spans its parentheses', () => {
  const node = parse('(1 + 2) * 3');
  assert.is(node.start, 0);
  assert.is(node.end, 11);
  assert.is(node.kind === 'binary' && node.left.start, 0);
});

test('a quoted key in brackets is a field and a number is an index', () => {
  const field = parse('event["odd key"]');
  assert.is(field.kind, 'field');
  assert.is(field.kind === 'field' && field.name, 'odd key');
  assert.is(parse('event[0]').kind, 'index');
});

test.run();
