import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../../../src/lang/expr/index.js';
import { ctx, evalError, regexProblem, run } from './helpers.js';

const event = {
  user: { name: 'Alice', tags: ['a', 'b', 'c'], 'odd key': 1 },
  list: [10, 20, 30],
  n: 5,
  s: 'hello',
  bytes: Buffer.from([1, 2, 3]),
};
const c = ctx(event, { meta: { ws_server: { peer: { port: 8080, host: '::1' } } }, args: { delay: 10, limit: 3 } });

// Arithmetic

test('+ - * / % work on numbers', () => {
  assert.is(run('1 + 2'), 3);
  assert.is(run('event.n - 7', c), -2);
  assert.is(run('event.n * 2.5', c), 12.5);
  assert.is(run('7 / 2'), 3.5);
  assert.is(run('7 % 3'), 1);
  assert.is(run('-7 % 3'), -1);
});

test('+ joins text when either side is a string', () => {
  assert.is(run('"a" + "b"'), 'ab');
  assert.is(run('"n=" + event.n', c), 'n=5');
  assert.is(run('event.n + "!"', c), '5!');
  assert.is(run('"x" + true + null'), 'xtruenull');
  assert.is(run('"r=" + {"a": [1]}'), 'r={"a":[1]}');
});

test('+ concatenates two arrays', () => {
  assert.equal(run('[1, 2] + [3] + []'), [1, 2, 3]);
  assert.equal(run('event.list + [40]', c), [10, 20, 30, 40]);
  assert.equal(event.list, [10, 20, 30]);
});

test('arithmetic with bigints stays exact while the values are whole', () => {
  const big = ctx({ t: 1700000000000000000n });
  assert.is(run('event.t + 1', big), 1700000000000000001n);
  assert.is(run('event.t - event.t', big), 0n);
  assert.is(run('event.t * 2', big), 3400000000000000000n);
  assert.is(run('event.t / 1000000', big), 1700000000000n);
  assert.is(run('event.t % 7', big), 1700000000000000000n % 7n);
  assert.is(run('event.t / 3', big), 1700000000000000000 / 3);
  assert.is(run('event.t + 0.5', big), 1700000000000000000 + 0.5);
});

test('a constant number on the right gives what the same number read from the event gives', () => {
  const outcome = (source: string, context: ReturnType<typeof ctx>): unknown => {
    try {
      return run(source, context);
    } catch (err) {
      return (err as Error).message.replace(/ in ".*"$/, '');
    }
  };
  for (const x of [7, -7.5, 0, 1700000000000000000n, 'a', null, [1], { a: 1 }, true]) {
    for (const op of ['+', '-', '*', '/', '%']) {
      for (const k of [3, 0.5, -2, 0]) {
        const context = ctx({ x, k });
        assert.equal(outcome(`event.x ${op} ${k}`, context), outcome(`event.x ${op} event.k`, context), `${String(x)} ${op} ${k}`);
      }
    }
  }
});

test('dividing by zero is an evaluation error', () => {
  evalError('event.n / 0', 'division by zero in "event.n / 0"', c);
  evalError('event.n % (1 - 1)', 'division by zero in "event.n % (1 - 1)"', c);
  evalError('event.t / 0', 'division by zero in "event.t / 0"', ctx({ t: 5n }));
});

test('arithmetic on other types is an evaluation error naming both types', () => {
  evalError('event.n - "a"', 'cannot apply "-" to number and string in "event.n - \\"a\\""', c);
  evalError('event.n + true', 'cannot apply "+" to number and bool in "event.n + true"', c);
  evalError('event.list + 1', 'cannot apply "+" to array and number in "event.list + 1"', c);
  evalError('event.user * 2', 'cannot apply "*" to record and number in "event.user * 2"', c);
  evalError('event.nope / 2', 'cannot apply "/" to null and number in "event.nope / 2"', c);
});

test('unary minus negates numbers and rejects the rest', () => {
  assert.is(run('-event.n', c), -5);
  assert.is(run('-event.t', ctx({ t: 5n })), -5n);
  assert.is(run('-(1 + 2) * 3'), -9);
  evalError('-event.s', 'cannot apply "-" to string in "-event.s"', c);
});

// Comparison

test('equality is deep: records and arrays compare by value', () => {
  assert.is(run('{"a": [1, {"b": 2}], "c": null} == {c: null, a: [1, {b: 2}]}'), true);
  assert.is(run('[1, 2] == [1, 2]'), true);
  assert.is(run('[1, 2] == [2, 1]'), false);
  assert.is(run('{"a": 1} == {"a": 1, "b": 2}'), false);
  assert.is(run('event.user == {"name": "Alice", "tags": ["a", "b", "c"], "odd key": 1}', c), true);
  assert.is(run('event.x == event.y', ctx({ x: Buffer.from('ab'), y: new Uint8Array([97, 98]) })), true);
});

test('numbers are equal by value whatever their representation', () => {
  assert.is(run('1 == 1.0'), true);
  assert.is(run('event.t == 5', ctx({ t: 5n })), true);
  assert.is(run('5 == event.t', ctx({ t: 5n })), true);
  assert.is(run('event.t == event.u', ctx({ t: 5n, u: 5 })), true);
});

test('== between different types is false, and null equals null', () => {
  assert.is(run('1 == "1"'), false);
  assert.is(run('true == 1'), false);
  assert.is(run('[] == {}'), false);
  assert.is(run('null == null'), true);
  assert.is(run('event.nope == null', c), true);
  assert.is(run('event.n == null', c), false);
});

test('!= is the negation of ==', () => {
  assert.is(run('1 != 2'), true);
  assert.is(run('[1] != [1]'), false);
  assert.is(run('event.s != "hello"', c), false);
  assert.is(run('"a" != event.nope', c), true);
});

test('ordering compares numbers and strings', () => {
  assert.is(run('1 < 2'), true);
  assert.is(run('2 <= 2'), true);
  assert.is(run('3 > 2'), true);
  assert.is(run('2 >= 3'), false);
  assert.is(run('event.n > args.limit', c), true);
  assert.is(run('event.t > 4', ctx({ t: 5n })), true);
  assert.is(run('"abc" < "abd"'), true);
  assert.is(run('"b" >= "a"'), true);
  assert.is(run('"B" < "a"'), true);
});

test('ordering a number with a string is an evaluation error', () => {
  evalError('event.a < event.b', 'cannot compare number with string in "event.a < event.b"', ctx({ a: 1, b: 'x' }));
  evalError('event.a >= 2', 'cannot compare string with number in "event.a >= 2"', ctx({ a: 'x' }));
});

test('ordering with null, a missing path, is an evaluation error', () => {
  evalError('event.nope > 2', 'cannot compare null with number in "event.nope > 2"', c);
  evalError('[1] < [2]', 'cannot compare array with array in "[1] < [2]"');
});

test('in finds an element of an array by deep equality', () => {
  assert.is(run('2 in [1, 2, 3]'), true);
  assert.is(run('4 in [1, 2, 3]'), false);
  assert.is(run('[1] in [[1], [2]]'), true);
  assert.is(run('{"a": 1} in [{"a": 1}]'), true);
  assert.is(run('event.t in [5, 6]', ctx({ t: 5n })), true);
  assert.is(run('event.s in ["hello", "bye"]', c), true);
  assert.is(run('event.nope in [null]', c), true);
  assert.is(run('event.x in event.list', ctx({ x: 2, list: [1, 2] })), true);
});

test('in finds a key of a record and a substring of a string', () => {
  assert.is(run('"name" in event.user', c), true);
  assert.is(run('"age" in event.user', c), false);
  assert.is(run('"toString" in event.user', c), false);
  assert.is(run('"ell" in event.s', c), true);
  assert.is(run('"xyz" in event.s', c), false);
});

test('in a missing container is false', () => {
  assert.is(run('1 in event.nope', c), false);
});

test('in with mismatched types is an evaluation error', () => {
  evalError('1 in event.s', '"in" a string needs a string on the left, got number in "1 in event.s"', c);
  evalError('1 in event.user', '"in" a record needs a string key on the left, got number in "1 in event.user"', c);
  evalError('1 in event.n', '"in" needs an array, a record or a string on the right, got number in "1 in event.n"', c);
});

test('~= matches a string against a regex literal', () => {
  assert.is(run('event.user.name ~= /^A/', c), true);
  assert.is(run('event.user.name ~= /^a/', c), false);
  assert.is(run('event.user.name ~= /^a/i', c), true);
});

test('~= with a missing string is false', () => {
  assert.is(run('event.nope ~= /x/', c), false);
});

test('~= takes a pattern computed as a string', () => {
  const expr = compile('event.s ~= args.pattern');
  assert.is(expr.evaluate(ctx({ s: 'abc' }, { args: { pattern: '^a' } })), true);
  assert.is(expr.evaluate(ctx({ s: 'abc' }, { args: { pattern: 'c$' } })), true);
  assert.is(expr.evaluate(ctx({ s: 'abc' }, { args: { pattern: '^b' } })), false);
});

test('~= with a non-string, a non-pattern or an invalid pattern is an evaluation error', () => {
  evalError('event.n ~= /5/', '"~=" needs a string on the left, got number in "event.n ~= /5/"', c);
  evalError('event.s ~= event.n', '"~=" needs a regex or a string pattern on the right, got number in "event.s ~= event.n"', c);
  evalError(
    'event.s ~= "("',
    `invalid regex "(" (${regexProblem('(')}) in "event.s ~= \\"(\\""`,
    c,
  );
});

// Logic

test('and, or and not return booleans and accept their symbol aliases', () => {
  assert.is(run('true and false'), false);
  assert.is(run('true && true'), true);
  assert.is(run('false or true'), true);
  assert.is(run('false || false'), false);
  assert.is(run('not true'), false);
  assert.is(run('!false'), true);
  assert.is(run('not not true'), true);
});

test('null counts as false in conditions', () => {
  assert.is(run('event.nope and true', c), false);
  assert.is(run('true and event.nope', c), false);
  assert.is(run('event.nope or true', c), true);
  assert.is(run('false or event.nope', c), false);
  assert.is(run('not event.nope', c), true);
  assert.is(run('event.nope ? 1 : 2', c), 2);
});

test('a condition of another type is an evaluation error naming the type', () => {
  evalError('event.n and true', 'the left side of "and" must be a boolean or null, got number in "event.n and true"', c);
  evalError('true and event.s', 'the right side of "and" must be a boolean or null, got string in "true and event.s"', c);
  evalError('event.list or true', 'the left side of "or" must be a boolean or null, got array in "event.list or true"', c);
  evalError('false or event.user', 'the right side of "or" must be a boolean or null, got record in "false or event.user"', c);
  evalError('not event.n', 'the operand of "not" must be a boolean or null, got number in "not event.n"', c);
  evalError('event.s ? 1 : 2', 'the condition of "?:" must be a boolean or null, got string in "event.s ? 1 : 2"', c);
});

test('and and or short-circuit', () => {
  assert.is(run('false and event.n / 0 == 1', c), false);
  assert.is(run('true or event.n / 0 == 1', c), true);
  assert.is(run('event.nope and event.n', c), false);
});

test('the conditional evaluates only the branch it takes', () => {
  assert.is(run('event.n > 3 ? "big" : "small"', c), 'big');
  assert.is(run('event.n > 9 ? "big" : "small"', c), 'small');
  assert.is(run('event.n > 3 ? 1 : event.n / 0', c), 1);
  assert.is(run('event.n > 9 ? event.n / 0 : 2', c), 2);
});

// Precedence

test('* / % bind tighter than + -, and both associate to the left', () => {
  assert.is(run('1 + 2 * 3'), 7);
  assert.is(run('(1 + 2) * 3'), 9);
  assert.is(run('10 - 2 - 3'), 5);
  assert.is(run('16 / 4 / 2'), 2);
  assert.is(run('2 * 3 % 4'), 2);
  assert.is(run('1 + 6 / 2 - 1'), 3);
});

test('unary minus binds tighter than * and postfix access tighter than unary minus', () => {
  assert.is(run('-2 * 3'), -6);
  assert.is(run('-event.list[0] + 1', c), -9);
});

test('comparison binds looser than arithmetic', () => {
  assert.is(run('1 + 1 == 2'), true);
  assert.is(run('2 * 2 > 3 + 0'), true);
  assert.is(run('"a" + "b" in ["ab"]'), true);
});

test('not binds looser than comparison, and ! binds like not', () => {
  assert.is(run('not 1 == 2'), true);
  assert.is(run('!1 == 2'), true);
  assert.is(run('not event.n > 3 and true', c), false);
});

test('and binds tighter than or', () => {
  assert.is(run('true or true and false'), true);
  assert.is(run('(true or true) and false'), false);
  assert.is(run('false and false or true'), true);
  assert.is(run('not false and false'), false);
});

test('the conditional binds loosest and nests to the right', () => {
  assert.is(run('false or true ? 1 : 2'), 1);
  assert.is(run('false ? 1 : true ? 2 : 3'), 2);
  assert.is(run('true ? false ? 1 : 2 : 3'), 2);
  assert.is(run('true ? 1 : 2 + 10'), 1);
});

test.run();
