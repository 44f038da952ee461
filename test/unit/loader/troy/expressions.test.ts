import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../../../src/lang/expr/index.js';
import { describePlace, TroyError } from '../../../../src/lang/troy/errors.js';
import { Lexer } from '../../../../src/lang/troy/lexer.js';
import { ExprParser } from '../../../../src/lang/troy/parse-script.js';
import type { TranslateEnv } from '../../../../src/loader/troy/translate-env.js';
import { Translator } from '../../../../src/loader/troy/translate-expr.js';
import { strictText } from '../../../../src/loader/troy/strict-sites.js';
import { isRuntimeError } from '../../../../src/sdk/errors.js';

const env = (change: Partial<TranslateEnv> = {}): TranslateEnv => ({ args: { limit: 3, name: 'snot', nested: { a: [1, 2] } }, owner: 'pipeline p', locals: new Map(), version: 0, ...change });

/** Tremor expression text as tremolo expression text. */
const translate = (source: string, change: Partial<TranslateEnv> = {}): string => {
  const parser = new ExprParser(new Lexer(source, 'e.troy').tokens());
  const expr = parser.complex();
  assert.is(parser.peek().kind, 'eof', `all of ${source} parsed`);
  // As the pipeline takes it: Tremor's paths are strict (strict-sites.ts).
  return strictText(new Translator(env(change)).expr(expr));
};

/** What a Tremor expression evaluates to on an event, through tremolo's expression language. */
const value = (source: string, event: unknown = null, meta: Record<string, unknown> = {}): unknown =>
  compile(translate(source)).evaluate({ event, meta, args: {} });

const refusal = (source: string, change: Partial<TranslateEnv> = {}): string => {
  try {
    translate(source, change);
  } catch (err) {
    if (err instanceof TroyError) return `${describePlace(err.at)}: ${err.message}`;
    throw err;
  }
  throw new Error(`${source} was not refused`);
};

test('paths read the event, the metadata with $, and args as the constants they are', () => {
  const event = { a: { b: [10, 20] }, 'odd key': 1 };
  assert.is(translate('event.a.b[1]'), 'strict(event.a.b[1])');
  assert.is(value('event.a.b[1]', event), 20);
  assert.is(value('event["odd key"]', event), 1);
  assert.is(translate('$ws_server.peer.port'), 'strict($.ws_server.peer.port)');
  assert.is(value('$ws_server.peer.port', null, { ws_server: { peer: { port: 4242 } } }), 4242);
  assert.equal(value('$', null, { a: 1 }), { a: 1 });
  assert.is(translate('args.limit'), '3');
  assert.is(translate('args.nested.a[event.i]'), 'strict([1,2][event.i])');
  assert.is(value('args.nested.a[event.i]', { i: 1 }), 2);
  // Tremor's paths are strict: a missing key fails the event (tremolo's own expressions read null).
  assert.throws(() => value('event.missing.deeper'), (err: Error) => err.message === 'Trying to access a non existing event key `missing` in "event.missing"');
});

test('records, arrays and literals keep their shape', () => {
  assert.equal(value('{"a": [1, 2.5, "x", true, null], "b": {"c": event}}', 7), { a: [1, 2.5, 'x', true, null], b: { c: 7 } });
  assert.equal(value('[]'), []);
  assert.equal(value('{}'), {});
});

test('comparison, arithmetic and boolean operators keep Tremor precedence, not binds tighter than ==', () => {
  assert.is(value('1 + 2 * 3 == 7 and not false'), true);
  assert.is(value('event.n >= args.limit or event.n < 0', { n: 3 }), true);
  assert.is(value('not event.ok == false', { ok: true }), true);
  assert.is(translate('not event.ok == false'), 'strict(((not event.ok) == false))');
  assert.is(value('true xor false'), true);
  assert.is(value('true xor true'), false);
  assert.is(value('-event.n % 4', { n: 6 }), -2);
  assert.is(value('"snot" != args.name'), false);
});

test('string interpolation joins text, and writes other values as JSON', () => {
  assert.is(translate('"#{event.a}-#{args.name}"'), 'strict((string(event.a) + "-" + "snot"))');
  assert.is(value('"#{event.a}-#{args.name}: #{event.list}"', { a: 'x', list: [1, 2] }), 'x-snot: [1,2]');
  assert.is(value('"plain \\#{not interpolated}"'), 'plain #{not interpolated}');
  assert.is(value('"""\n  two\n  lines\n  """'), '  two\n  lines\n  ');
});

test('functions of Tremor\'s standard library map onto tremolo\'s', () => {
  assert.is(value('string::uppercase(event)', 'a'), 'A');
  assert.is(value('std::string::len(event)', 'abc'), 3);
  assert.is(value('string::format("{}/{}", event.a, 2)', { a: 1 }), '1/2');
  assert.is(value('array::contains(event, 2) and record::contains({"a": 1}, "a")', [1, 2]), true);
  assert.is(value('type::is_string(event) and not type::is_null(event)', 'x'), true);
  assert.is(value('math::floor(event) + math::max(1, 2)', 2.7), 4);
  assert.is(value('nanos::from_seconds(2)'), 2e9);
  assert.equal(value('json::decode(event)', '{"a":1}'), { a: 1 });
  assert.equal(value('array::push(event, 3)', [1, 2]), [1, 2, 3]);
});

test('present and absent test a key of a record or an index of an array', () => {
  assert.is(value('present event.a', { a: null }), true);
  assert.is(value('present event.a', { b: 1 }), false);
  assert.is(value('absent event.a.b', { a: 'not a record' }), true);
  assert.is(value('present event[1]', [0, 1]), true);
  assert.is(value('present event[2]', [0, 1]), false);
  assert.is(value('present $ws_server', null, { ws_server: {} }), true);
});

test('a match that computes a value becomes conditionals, the first case that holds wins', () => {
  const m = 'match event of case "a" => 1 case %{ present n, n > 2 } => "big" case %{ kind ~= %{ name == "x" } } => "x" default => "other" end';
  assert.is(value(m, 'a'), 1);
  assert.is(value(m, { n: 3 }), 'big');
  assert.is(value(m, { n: 1 }), 'other');
  assert.is(value(m, { kind: { name: 'x' } }), 'x');
  assert.is(value(m, 'b'), 'other');
  assert.is(value('match event of case %{ absent n } => "none" case _ => "some" end', {}), 'none');
});

test('a match binds its target to a name for the guard and the value', () => {
  const m = 'match event.user of case u = %{ present name } when u.name != "root" => "hello #{u.name}" default => "who?" end';
  assert.is(value(m, { user: { name: 'ann' } }), 'hello ann');
  assert.is(value(m, { user: { name: 'root' } }), 'who?');
});

test('a match with no case that holds and no default fails the event, naming where the match is written', () => {
  const compiled = compile(translate('match event of case 1 => "one" end'));
  try {
    compiled.evaluate({ event: 2, meta: {}, args: {} });
    assert.unreachable('evaluated');
  } catch (err) {
    assert.ok(isRuntimeError(err));
    assert.is(err.code, 'ERR_EXPR_EVAL');
    assert.match(err.message, 'no case of the match matched (e.troy:1:1)');
  }
});

test('a for comprehension makes one value per item: the index or key and the value are bound by each case', () => {
  assert.equal(value('for [1, 2] of case (i, d) => { "i": i, "d": d } end'), [
    { i: 0, d: 1 },
    { i: 1, d: 2 },
  ]);
  assert.equal(value('for event of case (k, v) => k end', { a: 1, b: 2 }), ['a', 'b']);
  assert.is(translate('for event of case (i, d) => d end'), '[v_1 for k_1, v_1 in event]');
});

test('the first case whose guard holds gives the value, and an item no case takes is left out', () => {
  const source = 'for event of case (k, v) when v > 10 => "big" case (i, x) when x > 0 => i end';
  assert.equal(value(source, [5, 20, -1, 1]), [0, 'big', 3]);
  assert.equal(value('for event of case (k, v) when v > 10 => "big" case (k, v) => v end', [5, 20]), [5, 'big']);
  assert.equal(value('for event.list of case (i, a) => for a of case (j, b) => b * i end end', { list: [[1, 2], [3]] }), [[0, 0], [3]]);
});

test('a for that acts on the event is refused, its cases compute values', () => {
  assert.is(refusal('for event of case (k, v) => let x = 1 end'), 'e.troy:1:29: `let` is not supported yet: the cases of a "for" compute values; lets, emits and drops belong in script statements');
});

test('an extractor in a case tests the text; a name bound to the pattern holds what it took out', () => {
  const names = 'match event of case r = %{ msg ~= dissect|%{first} %{last}| } => r.msg case _ => "no" end';
  assert.equal(value(names, { msg: 'Ada Lovelace' }), { first: 'Ada', last: 'Lovelace' });
  assert.is(value(names, { msg: 'Ada' }), 'no');
  assert.is(value(names, { msg: 42 }), 'no');
  assert.is(value(names, { other: 'Ada Lovelace' }), 'no');
  const nested = 'match event of case r = %{ a ~= %{ b ~= re|(?P<n>\\d+)| }, c == 1 } => r case _ => null end';
  assert.equal(value(nested, { a: { b: 'x12', z: 0 }, c: 1 }), { a: { b: { n: '12' }, z: 0 }, c: 1 });
  assert.equal(value('match event of case x = ~ glob|*.log| => x case _ => "other" end', 'a.log'), 'a.log');
  assert.equal(value('match event of case x = ~ glob|*.log| => x case _ => "other" end', 'a.txt'), 'other');
  const decoded = 'match event of case %{ body ~= json|| } => 1 case %{ body ~= base64|| } => 2 case _ => 3 end';
  assert.equal([value(decoded, { body: '{"a": 1}' }), value(decoded, { body: 'null' }), value(decoded, { body: 'aGk=' }), value(decoded, { body: '{x' })], [1, 1, 2, 3]);
  assert.equal(value('match event of case r = %{ body ~= json|| } => r.body.a case _ => 0 end', { body: '{"a": [1]}' }), [1]);
  assert.equal(value('match event of case r = %{ body ~= base64|| } => r.body case _ => 0 end', { body: 'aGk=' }), 'hi');
  const piped = 'match event of case ~ glob|a\\|*| => "piped" case _ => "no" end';
  assert.equal([value(piped, 'a|b'), value(piped, 'ab')], ['piped', 'no']);
});

test("Tremor's array::sort, path::try_default and string::into_binary are tremolo functions", () => {
  assert.equal(value('array::sort(event)', [3, 1, 2]), [1, 2, 3]);
  assert.is(value('path::try_default($http, ["headers", "x"], "none")', null, { http: { headers: {} } }), 'none');
  assert.is(value('string::from_utf8_lossy(string::into_binary("exit")) == "exit"'), true);
});

test('what has no counterpart is refused where it is written, with the construct named', () => {
  assert.is(refusal('state.count'), "e.troy:1:1: `state` is not supported yet: `state` is a script's: read it in a script");
  assert.is(refusal('event.a & 1'), 'e.troy:1:9: `&` is not supported yet: bitwise operators have no counterpart in tremolo\'s expressions');
  assert.is(refusal('event[1:3]'), 'e.troy:1:6: `[start:end]` is not supported yet: ranges have no counterpart in tremolo\'s expressions');
  assert.is(refusal('string::reverse(event)'), 'e.troy:1:1: `string::reverse(...)` is not supported yet: this function has no counterpart in tremolo\'s expressions yet');
  assert.is(refusal('aggr::stats::count()'), 'e.troy:1:1: `aggr::stats::count(...)` is not supported yet: aggregate functions belong in a select over a window, e.g. `from in[my_window]`');
  assert.is(refusal('group[0]'), 'e.troy:1:1: `group` is not supported yet: `group` is the group of a windowed select with `group by`');
  assert.is(refusal('patch event of erase "a" end'), 'e.troy:1:16: `erase` is not supported yet: erase has no counterpart in tremolo\'s expressions yet; insert, update, upsert, default and merge do');
  assert.is(refusal('match event of case %[1] => 1 end'), 'e.troy:1:21: `%[ ... ]` is not supported yet: array patterns have no counterpart yet; compare with a value');
  assert.is(refusal('match event of case ~ grok|%{WORD:w}| => 1 end'), 'e.troy:1:21: `~ grok|%{WORD:w}|` is not supported yet: the grok extractor has no counterpart in tremolo yet; extractors tremolo has: base64, dissect, glob, json, re');
  assert.is(refusal('match event of case %{ a ~= dissect|%{x}%{y}| } => 1 end'), 'e.troy:1:29: invalid dissect pattern "%{x}%{y}": the fields at 4 and before it need text between them to tell where one ends');
  assert.is(refusal('match event of case %{ a ~= re|(| } => 1 end'), 'e.troy:1:29: invalid regex "(": Invalid regular expression: /(/: Unterminated group');
  assert.is(refusal('<<1, 2>>'), 'e.troy:1:1: `<< ... >>` is not supported yet: binary literals have no counterpart in tremolo\'s expressions');
  assert.is(refusal('args.nope'), 'e.troy:1:5: unknown arg "nope" in args of pipeline p; known: limit, name, nested');
  assert.is(refusal('x + 1'), 'e.troy:1:1: `x` is not set: a local is set with `let x = ...` before it is read');
});

test('a local computed from the event cannot be read once the event has changed', () => {
  const locals = new Map([['x', { text: '(event.a)', dynamic: true, version: 0 }]]);
  assert.is(translate('x + 1', { locals }), '((event.a) + 1)');
  assert.is(refusal('x + 1', { locals, version: 1 }), 'e.troy:1:1: `x` is not supported yet: reading a local after the event it was computed from changed; set it after the change');
});

test.run();
