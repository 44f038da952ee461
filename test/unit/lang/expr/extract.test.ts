import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../../../src/lang/expr/index.js';
import { ctx, evalError, run, syntaxError, throws } from './helpers.js';

test('dissect takes fields out of text between the literal parts, the last field taking the rest', () => {
  assert.equal(run('dissect(event, "%{first} %{last}")', ctx('Nebojša Di Napoli')), { first: 'Nebojša', last: 'Di Napoli' });
  assert.equal(run('dissect(event, "[%{level}] %{msg}")', ctx('[warn] disk full')), { level: 'warn', msg: 'disk full' });
  assert.equal(run('dissect(event, "%{a}-%{b}")', ctx('x-')), { a: 'x', b: '' });
});

test('dissect gives null when the text does not fit the pattern', () => {
  assert.is(run('dissect(event, "%{first} %{last}")', ctx('BadNameGetsDeleted')), null);
  assert.is(run('dissect(event, "[%{level}]")', ctx('[warn] extra')), null);
  assert.is(run('dissect(event, "a=%{n:int}")', ctx('a=x')), null);
});

test('dissect skips %{?name} and %{}, appends %{+name}, converts :int and :float, and skips padding with %{_}', () => {
  assert.equal(run('dissect(event, "%{?ts} %{} %{msg}")', ctx('12:00 host hello')), { msg: 'hello' });
  assert.equal(run('dissect(event, "%{name} %{+name}, %{age:int} %{h:float}")', ctx('Ada Lovelace, 36 1.65')), { name: 'Ada Lovelace', age: 36, h: 1.65 });
  assert.equal(run('dissect(event, "%{a}%{_}|%{b}")', ctx('x    |y')), { a: 'x', b: 'y' });
  assert.equal(run('dissect(event, "%{a}%{_(-)}%{b}")', ctx('x---y')), { a: 'x', b: 'y' });
  assert.equal(run('dissect(event, "%{a}%{_(-)}>%{b}")', ctx('x--->y')), { a: 'x', b: 'y' });
});

test('a field named __proto__ is data, not the prototype', () => {
  const out = run('dissect(event, "%{__proto__} %{b}")', ctx('x y')) as Record<string, unknown>;
  assert.equal(Object.keys(out), ['__proto__', 'b']);
  assert.is(Object.getPrototypeOf(out), Object.prototype);
});

test('a dissect pattern that is not one is refused when it is written, else when it is met', () => {
  syntaxError('dissect(event, "%{a}%{b}")', 'invalid pattern at 15: the fields at 4 and before it need text between them to tell where one ends', 15);
  syntaxError('dissect(event, "%{a")', 'invalid pattern at 15: "%{" at 0 is never closed with "}"', 15);
  evalError('dissect(event.s, event.p)', 'dissect: invalid pattern "%{a": "%{" at 0 is never closed with "}" in "dissect(event.s, event.p)"', ctx({ s: 'x', p: '%{a' }));
  evalError('dissect(event, "%{a}")', 'dissect: argument 1 (s) must be a string, got number in "dissect(event, \\"%{a}\\")"', ctx(1));
});

test('a pattern given per event is compiled for each new one; an invalid one in between fails alone', () => {
  const expr = compile('dissect(event.s, event.p)');
  const at = (p: string): unknown => expr.evaluate(ctx({ s: 'a-b c', p }));
  assert.equal(at('%{x}-%{y}'), { x: 'a', y: 'b c' });
  assert.equal(at('%{x}-%{y}'), { x: 'a', y: 'b c' });
  assert.equal(at('%{x} %{y}'), { x: 'a-b', y: 'c' });
  throws(() => at('%{x'), 'ERR_EXPR_EVAL', 'dissect: invalid pattern "%{x": "%{" at 0 is never closed with "}" in "dissect(event.s, event.p)"');
  assert.equal(at('%{x} %{y}'), { x: 'a-b', y: 'c' });
  const glob = compile('glob(event.s, event.p)');
  assert.is(glob.evaluate(ctx({ s: 'app.log', p: '*.log' })), true);
  assert.is(glob.evaluate(ctx({ s: 'app.log', p: '*.txt' })), false);
  assert.is(glob.evaluate(ctx({ s: 'app.txt', p: '*.txt' })), true);
});

test('glob tests text against * ? and [classes], anchored at both ends', () => {
  assert.is(run('glob(event, "app-*.log")', ctx('app-1.log')), true);
  assert.is(run('glob(event, "app-?.log")', ctx('app-12.log')), false);
  assert.is(run('glob(event, "[ab]*")', ctx('bob')), true);
  assert.is(run('glob(event, "[!ab]*")', ctx('bob')), false);
  assert.is(run('glob(event, "a.c")', ctx('abc')), false);
});

test('captures gives the named groups of a regex match, or null', () => {
  assert.equal(run('captures(event, "(?<k>\\\\w+)=(?<v>\\\\d+)")', ctx('n=42')), { k: 'n', v: '42' });
  assert.equal(run('captures(event, /(?<k>\\w+)=(?<v>\\d+)?/)', ctx('n=')), { k: 'n' });
  assert.is(run('captures(event, "^x")', ctx('y')), null);
  syntaxError('captures(event, "(")', 'invalid pattern at 16: Invalid regular expression: /(/: Unterminated group', 16);
});

test.run();
