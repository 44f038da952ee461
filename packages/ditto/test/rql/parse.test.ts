import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRql } from '../../rql/parse.js';
import { keeps, matches, syntaxError } from './helpers.js';

const QUERIES = 'a query (eq, ne, gt, ge, lt, le, like, ilike, in, exists, empty, and, or, not)';
const VALUES = 'a value (a number, a "string", true, false, null, time:now or time:now_epoch_millis)';

test('a comparison parses to its operator, property and literal, with offsets', () => {
  assert.equal(parseRql('gt(attributes/counter,42)'), {
    kind: 'compare',
    op: 'gt',
    property: { kind: 'pointer', text: 'attributes/counter', segments: ['attributes', 'counter'], start: 3 },
    operand: { kind: 'literal', value: 42, start: 22 },
    start: 0,
  });
});

test('whitespace may stand between any two tokens; inside a property it is kept', () => {
  assert.ok(matches(' and ( eq ( a , 1 ) ,\n\tne( b ,"x" ) ) ', { a: 1, b: 'y' }));
  assert.equal(parseRql('exists( attributes/my key )'), {
    kind: 'exists',
    property: { kind: 'pointer', text: 'attributes/my key', segments: ['attributes', 'my key'], start: 8 },
    start: 0,
  });
});

test('numbers: integers, decimals, signs; past 2^53 an integer keeps its digits as a bigint', () => {
  const literal = (text: string): unknown => {
    const q = parseRql(`eq(a,${text})`);
    return q.kind === 'compare' && q.operand.kind === 'literal' ? q.operand.value : undefined;
  };
  assert.is(literal('0'), 0);
  assert.is(literal('42'), 42);
  assert.is(literal('-7'), -7);
  assert.is(literal('+7'), 7);
  assert.is(literal('3.25'), 3.25);
  assert.is(literal('-0.5'), -0.5);
  assert.is(literal('12345678901234567890'), 12345678901234567890n);
  assert.is(literal('12345678901234567890.5'), 12345678901234567890.5);
});

test('a malformed number is refused at its start', () => {
  syntaxError('eq(a,12abc)', 'invalid number "12abc" at 5', 5);
  syntaxError('eq(a,1.)', 'invalid number "1." at 5', 5);
  syntaxError('eq(a,1.5.3)', 'invalid number "1.5.3" at 5', 5);
  syntaxError('eq(a,007)', 'invalid number "007" at 5', 5);
  syntaxError('eq(a,1e3)', 'invalid number "1e3" at 5', 5);
  syntaxError('eq(a,-)', 'invalid number "-" at 5', 5);
});

test('strings take double or single quotes and JSON escapes', () => {
  keeps('eq(a,"say \\"hi\\"")', [{ a: 'say "hi"' }, { a: 'say hi' }], [{ a: 'say "hi"' }]);
  keeps("eq(a,'it\\'s')", [{ a: "it's" }], [{ a: "it's" }]);
  keeps(`eq(a,'say "hi"')`, [{ a: 'say "hi"' }], [{ a: 'say "hi"' }]);
  keeps('eq(a,"\\n\\t\\r\\b\\f\\/\\\\")', [{ a: '\n\t\r\b\f/\\' }], [{ a: '\n\t\r\b\f/\\' }]);
  keeps('eq(a,"caf\\u00e9 \\ud83d\\ude00")', [{ a: 'café 😀' }], [{ a: 'café 😀' }]);
  keeps('eq(a,"a,b)c")', [{ a: 'a,b)c' }], [{ a: 'a,b)c' }]);
  keeps('eq(a,"")', [{ a: '' }, { a: ' ' }], [{ a: '' }]);
});

test('a bad escape or an unterminated string is refused where it is', () => {
  syntaxError('eq(a,"a\\qb")', 'invalid escape "\\q" at 7', 7);
  syntaxError('eq(a,"\\u12")', 'invalid escape "\\u12" at 6', 6);
  syntaxError('eq(a\\x,1)', 'invalid escape "\\x" at 4', 4);
  syntaxError('eq(a,"abc', 'unterminated string starting at 5', 5);
  syntaxError("eq(a,'abc\\", 'unterminated escape at 9', 9);
});

test('true, false and null are literals; any other bare word as a value is refused', () => {
  keeps('eq(a,true)', [{ a: true }, { a: 'true' }, { a: 1 }], [{ a: true }]);
  keeps('eq(a,false)', [{ a: false }, { a: 0 }, { a: null }], [{ a: false }]);
  keeps('eq(a,null)', [{ a: null }, {}, { a: 0 }], [{ a: null }]);
  syntaxError('eq(a,kitchen)', `unexpected "kitchen" at 5, expected ${VALUES}`, 5);
  syntaxError('eq(a,True)', `unexpected "True" at 5, expected ${VALUES}`, 5);
  syntaxError('eq(a,truex)', `unexpected "truex" at 5, expected ${VALUES}`, 5);
});

test('properties: JSON pointers with an optional leading slash, escapes, ~0 and ~1', () => {
  const segments = (p: string): unknown => {
    const q = parseRql(`exists(${p})`);
    return q.kind === 'exists' && q.property.kind === 'pointer' ? q.property.segments : q;
  };
  assert.equal(segments('thingId'), ['thingId']);
  assert.equal(segments('/attributes/location'), ['attributes', 'location']);
  assert.equal(segments('features/temp/properties/value'), ['features', 'temp', 'properties', 'value']);
  assert.equal(segments('a//b/'), ['a', 'b']);
  assert.equal(segments('a~1b/c~0d'), ['a/b', 'c~d']);
  assert.equal(segments('a\\u002cb'), ['a,b']);
  assert.equal(segments('foo:bar'), ['foo:bar']);
  assert.equal(segments('/'), []);
});

test('a missing property, or a quoted one, is refused', () => {
  syntaxError('eq(,1)', 'unexpected "," at 3, expected a property', 3);
  syntaxError('eq( ,1)', 'unexpected "," at 4, expected a property', 4);
  syntaxError('eq("a",1)', 'unexpected string at 3, expected a property', 3);
  syntaxError('exists()', 'unexpected ")" at 7, expected a property', 7);
  syntaxError('exists(', 'unexpected end of input at 7, expected a property', 7);
});

test('placeholders on the property side are known by prefix; on the value side only time: ones', () => {
  assert.equal(parseRql('eq(topic:action,"modified")'), {
    kind: 'compare',
    op: 'eq',
    property: { kind: 'placeholder', name: 'topic:action', start: 3 },
    operand: { kind: 'literal', value: 'modified', start: 16 },
    start: 0,
  });
  const q = parseRql('lt(_modified,time:now)');
  assert.equal(q.kind === 'compare' && q.operand, { kind: 'placeholder', name: 'time:now', start: 13 });
  const h = parseRql('exists(header:X-Correlation)');
  assert.equal(h.kind === 'exists' && h.property, { kind: 'placeholder', name: 'header:x-correlation', start: 7 });
  syntaxError('eq(topic:foo,1)', 'unknown placeholder "topic:foo" at 3; topic: takes full, namespace, entityName, group, channel, criterion, action, subject', 3);
  syntaxError('exists(resource:kind)', 'unknown placeholder "resource:kind" at 7; resource: takes type, path', 7);
  syntaxError('exists(header:)', 'unknown placeholder "header:" at 7; header: needs a name', 7);
  syntaxError('eq(a,time:later)', 'unknown placeholder "time:later" at 5; time: takes now, now_epoch_millis', 5);
  syntaxError('eq(a,topic:action)', `unexpected "topic:action" at 5, expected ${VALUES}`, 5);
});

test('an unknown or misspelt operator is refused naming every known one', () => {
  syntaxError('EQ(a,1)', `unexpected "EQ" at 0, expected ${QUERIES}`, 0);
  syntaxError('equals(a,1)', `unexpected "equals" at 0, expected ${QUERIES}`, 0);
  syntaxError('and(eq(a,1),nor(b))', `unexpected "nor" at 12, expected ${QUERIES}`, 12);
  syntaxError('', `unexpected end of input at 0, expected ${QUERIES}`, 0);
  syntaxError('   ', `unexpected end of input at 3, expected ${QUERIES}`, 3);
  syntaxError('(eq(a,1))', `unexpected "(" at 0, expected ${QUERIES}`, 0);
  syntaxError('eq', 'unexpected end of input at 2, expected "(" after eq', 2);
  syntaxError('eq[a,1]', 'unexpected "[" at 2, expected "(" after eq', 2);
});

test('arity: each operator takes exactly its arguments', () => {
  syntaxError('eq(a)', 'unexpected ")" at 4, expected ","; eq takes a property and one value', 4);
  syntaxError('ne(a,1,2)', 'unexpected "," at 6, expected ")"; ne takes a property and one value', 6);
  syntaxError('gt(a,1', 'unexpected end of input at 6, expected ")"; gt takes a property and one value', 6);
  syntaxError('like(a)', 'unexpected ")" at 6, expected ","; like takes a property and a pattern', 6);
  syntaxError('ilike(a,"x","y")', 'unexpected "," at 11, expected ")"; ilike takes a property and a pattern', 11);
  syntaxError('in(a)', 'unexpected ")" at 4, expected ","; in takes a property and one or more values', 4);
  syntaxError('in(a,1,)', `unexpected ")" at 7, expected ${VALUES}`, 7);
  syntaxError('in(a,1 2)', 'unexpected "2" at 7, expected ")"; in takes a property and one or more values', 7);
  syntaxError('exists(a,1)', 'unexpected "," at 8, expected ")"; exists takes one property', 8);
  syntaxError('empty(a b,c)', 'unexpected "," at 9, expected ")"; empty takes one property', 9);
  syntaxError('and()', `unexpected ")" at 4, expected ${QUERIES}`, 4);
  syntaxError('or(eq(a,1),)', `unexpected ")" at 11, expected ${QUERIES}`, 11);
  syntaxError('and(eq(a,1)', 'unexpected end of input at 11, expected ")"; and takes one or more queries', 11);
  syntaxError('not()', `unexpected ")" at 4, expected ${QUERIES}`, 4);
  syntaxError('not(eq(a,1),eq(b,2))', 'unexpected "," at 11, expected ")"; not takes one query', 11);
  syntaxError('eq(a,1)x', 'unexpected "x" at 7, expected the end of the filter', 7);
  syntaxError('eq(a,1),eq(b,2)', 'unexpected "," at 7, expected the end of the filter', 7);
});

test('argument kinds: a query where a query goes, a string pattern, no null to order by', () => {
  syntaxError('and(a,b)', `unexpected "a" at 4, expected ${QUERIES}`, 4);
  syntaxError('not(true)', `unexpected "true" at 4, expected ${QUERIES}`, 4);
  syntaxError('eq(a,eq(b,1))', `unexpected "eq" at 5, expected ${VALUES}`, 5);
  syntaxError('eq(a(b),1)', 'unexpected "(" at 4, expected ","; eq takes a property and one value', 4);
  syntaxError('like(a,5)', 'unexpected "5" at 7, expected a string (the pattern)', 7);
  syntaxError('like(a,null)', 'unexpected "null" at 7, expected a string (the pattern)', 7);
  syntaxError('ilike(a,time:now)', 'unexpected "time:now" at 8, expected a string (the pattern)', 8);
  for (const op of ['gt', 'ge', 'lt', 'le']) {
    syntaxError(
      `${op}(a,null)`,
      `unexpected "null" at 5, expected a number, a string, a boolean, time:now or time:now_epoch_millis; ${op} orders values and null has no order`,
      5,
    );
  }
});

test('nesting is bounded, so that no filter can overflow the stack', () => {
  const deep = (n: number): string => `${'not('.repeat(n)}eq(a,1)${')'.repeat(n)}`;
  assert.ok(matches(deep(64), { a: 1 }));
  assert.not.ok(matches(deep(63), { a: 1 }));
  syntaxError(deep(65), 'queries nested deeper than 64 at 256', 256);
});

test.run();
