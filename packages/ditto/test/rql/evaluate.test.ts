import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileRql } from '../../rql/index.js';
import { keeps, matches } from './helpers.js';

const thing = {
  thingId: 'org.eclipse.ditto:car-1',
  _modified: '2024-05-01T10:00:00Z',
  attributes: { location: 'kitchen', counter: 42, active: true, tags: ['a', 'b'], nothing: null, big: 12345678901234567890n },
  features: { temp: { properties: { value: 21.5, unit: 'C' } }, 'odd/id': { properties: { on: false } } },
};

test('eq and ne on numbers, strings, booleans and null; ne needs the property', () => {
  assert.ok(matches('eq(attributes/counter,42)', thing));
  assert.ok(matches('eq(attributes/counter,42.0)', thing));
  assert.not.ok(matches('eq(attributes/counter,43)', thing));
  assert.ok(matches('eq(attributes/location,"kitchen")', thing));
  assert.ok(matches('eq(attributes/active,true)', thing));
  assert.ok(matches('eq(attributes/nothing,null)', thing));
  assert.ok(matches('eq(features/temp/properties/value,21.5)', thing));
  assert.ok(matches('eq(thingId,"org.eclipse.ditto:car-1")', thing));
  assert.ok(matches('ne(attributes/counter,41)', thing));
  assert.not.ok(matches('ne(attributes/counter,42)', thing));
  assert.ok(matches('ne(attributes/nothing,1)', thing), 'null is present, and not 1');
  assert.not.ok(matches('ne(attributes/nothing,null)', thing));
  assert.not.ok(matches('ne(attributes/missing,1)', thing), 'ne only matches a property that exists');
  assert.not.ok(matches('eq(attributes/missing,null)', thing), 'missing is not null');
});

test('bigints compare with numbers by value', () => {
  assert.ok(matches('eq(attributes/big,12345678901234567890)', thing));
  assert.ok(matches('gt(attributes/big,1)', thing));
  assert.ok(matches('eq(n,5)', { n: 5n }));
  assert.ok(matches('lt(n,5.5)', { n: 5n }));
  assert.ok(matches('eq(n,12345678901234567890)', { n: 12345678901234567890n }));
  assert.not.ok(matches('eq(n,12345678901234567891)', { n: 12345678901234567890n }));
});

test('gt ge lt le order numbers numerically, strings by code unit, booleans false < true', () => {
  keeps('gt(n,2)', [1, 2, 3, 2.5].map((n) => ({ n })), [{ n: 3 }, { n: 2.5 }]);
  keeps('ge(n,2)', [1, 2, 3].map((n) => ({ n })), [{ n: 2 }, { n: 3 }]);
  keeps('lt(n,2)', [1, 2, 3, -1].map((n) => ({ n })), [{ n: 1 }, { n: -1 }]);
  keeps('le(n,-1)', [1, -1, -2].map((n) => ({ n })), [{ n: -1 }, { n: -2 }]);
  // "10" < "9" as text: strings are never read as numbers.
  keeps('gt(s,"9")', ['10', '91', 'a', '9'].map((s) => ({ s })), [{ s: '91' }, { s: 'a' }]);
  keeps('lt(s,"b")', ['a', 'B', 'b', 'ab'].map((s) => ({ s })), [{ s: 'a' }, { s: 'B' }, { s: 'ab' }]);
  keeps('gt(b,false)', [true, false].map((b) => ({ b })), [{ b: true }]);
  keeps('le(b,false)', [true, false].map((b) => ({ b })), [{ b: false }]);
  assert.ok(matches('gt(_modified,"2024-01-01")', thing), 'ISO dates order as text');
});

test('type mismatches never match, in either direction, and never throw', () => {
  keeps('eq(v,1)', [1, '1', true, [1], { 1: 1 }, null].map((v) => ({ v })), [{ v: 1 }]);
  keeps('eq(v,"1")', [1, '1', ['1']].map((v) => ({ v })), [{ v: '1' }]);
  keeps('eq(v,true)', [true, 1, 'true'].map((v) => ({ v })), [{ v: true }]);
  keeps('gt(v,0)', ['5', true, [5], { a: 5 }, null, 5].map((v) => ({ v })), [{ v: 5 }]);
  keeps('lt(v,"z")', [1, 'a', null, ['a']].map((v) => ({ v })), [{ v: 'a' }]);
  keeps('gt(v,false)', [1, 'true', true].map((v) => ({ v })), [{ v: true }]);
  // ne: present and not equal, whatever the type.
  keeps('ne(v,1)', [1, '1', [1], null].map((v) => ({ v })), [{ v: '1' }, { v: [1] }, { v: null }]);
  assert.not.ok(matches('eq(attributes/tags,"a")', thing), 'an array equals no literal');
  assert.not.ok(matches('gt(attributes,1)', thing), 'a record has no order');
  assert.not.ok(matches('eq(b,1)', { b: Buffer.from([1]) }), 'bytes equal no literal');
});

test('a missing property, or a path through a non-record, matches nothing but exists/empty/not', () => {
  for (const q of ['eq(x/y,1)', 'ne(x/y,1)', 'gt(x/y,1)', 'ge(x/y,"a")', 'lt(x/y,1)', 'le(x/y,true)', 'like(x/y,"*")', 'ilike(x/y,"*")', 'in(x/y,1,null)', 'exists(x/y)']) {
    assert.not.ok(matches(q, { x: 5 }), q);
    assert.not.ok(matches(q, { x: { z: 1 } }), q);
    assert.not.ok(matches(q, 'text'), q);
    assert.not.ok(matches(q, null), q);
    assert.not.ok(matches(q, undefined), q);
  }
  assert.ok(matches('not(eq(x/y,1))', { x: 5 }));
  assert.ok(matches('empty(x/y)', { x: 5 }));
  assert.not.ok(matches('exists(a)', { a: undefined }), 'an undefined key reads as absent');
  assert.not.ok(matches('exists(toString)', {}), 'inherited members are not keys');
  assert.not.ok(matches('exists(__proto__)', {}));
  assert.not.ok(matches('exists(constructor/name)', {}));
  assert.ok(matches('eq(__proto__/x,1)', JSON.parse('{"__proto__": {"x": 1}}')));
});

test('arrays are reached by canonical indexes; the root by an empty pointer', () => {
  assert.ok(matches('eq(attributes/tags/0,"a")', thing));
  assert.ok(matches('eq(attributes/tags/1,"b")', thing));
  assert.not.ok(matches('exists(attributes/tags/2)', thing));
  assert.not.ok(matches('exists(attributes/tags/01)', thing));
  assert.not.ok(matches('exists(attributes/tags/-1)', thing));
  assert.not.ok(matches('exists(attributes/tags/length)', thing));
  assert.ok(matches('eq(0/1,"x")', [['w', 'x']]));
  assert.ok(matches('eq(/,5)', 5));
  assert.ok(matches('exists(/)', null));
  assert.ok(matches('eq(features/odd~1id/properties/on,false)', thing), '~1 is a slash inside a key');
  assert.ok(matches('eq(a~0b,1)', { 'a~b': 1 }));
});

test('exists: present, even when null; empty: missing, null, "", [], {} and empty bytes', () => {
  assert.ok(matches('exists(attributes/nothing)', thing));
  assert.ok(matches('exists(attributes)', thing));
  assert.not.ok(matches('exists(attributes/missing)', thing));
  keeps(
    'empty(v)',
    [{}, { v: null }, { v: '' }, { v: [] }, { v: {} }, { v: { a: undefined } }, { v: Buffer.alloc(0) }, { v: 0 }, { v: false }, { v: ' ' }, { v: [null] }, { v: { a: null } }, { v: Buffer.from([0]) }],
    [{}, { v: null }, { v: '' }, { v: [] }, { v: {} }, { v: { a: undefined } }, { v: Buffer.alloc(0) }],
  );
});

test('like and ilike: * any run, ? one character, the whole value, other characters literal', () => {
  keeps('like(s,"kit*")', ['kitchen', 'kit', 'the kitchen', 'Kitchen'].map((s) => ({ s })), [{ s: 'kitchen' }, { s: 'kit' }]);
  keeps('like(s,"*chen")', ['kitchen', 'chen', 'chens'].map((s) => ({ s })), [{ s: 'kitchen' }, { s: 'chen' }]);
  keeps('like(s,"*tch*")', ['kitchen', 'tch', 'tc h'].map((s) => ({ s })), [{ s: 'kitchen' }, { s: 'tch' }]);
  keeps('like(s,"k?t")', ['kit', 'kat', 'kt', 'kiit', 'k😀t'].map((s) => ({ s })), [{ s: 'kit' }, { s: 'kat' }, { s: 'k😀t' }]);
  keeps('like(s,"a**b")', ['ab', 'axxb', 'a*b'].map((s) => ({ s })), [{ s: 'ab' }, { s: 'axxb' }, { s: 'a*b' }]);
  keeps('like(s,"*")', ['', 'x', 'line\nbreak'].map((s) => ({ s })), [{ s: '' }, { s: 'x' }, { s: 'line\nbreak' }]);
  keeps('like(s,"a.b+c(d)[e]{2}|^$")', ['a.b+c(d)[e]{2}|^$', 'axb+c(d)[e]{2}|^$', 'a.bbc(d)e2'].map((s) => ({ s })), [{ s: 'a.b+c(d)[e]{2}|^$' }]);
  keeps('like(s,"a/b-c")', ['a/b-c'].map((s) => ({ s })), [{ s: 'a/b-c' }]);
  keeps('like(s,"")', ['', 'x'].map((s) => ({ s })), [{ s: '' }]);
  keeps('ilike(s,"KIT*")', ['kitchen', 'KITCHEN', 'Kit', 'skit'].map((s) => ({ s })), [{ s: 'kitchen' }, { s: 'KITCHEN' }, { s: 'Kit' }]);
  keeps('ilike(s,"ÉTÉ")', ['été', 'ete'].map((s) => ({ s })), [{ s: 'été' }]);
  keeps('like(s,"KIT*")', ['kitchen', 'KITCHEN'].map((s) => ({ s })), [{ s: 'KITCHEN' }]);
  keeps('like(v,"1*")', [1, 10, '10', ['1']].map((v) => ({ v })), [{ v: '10' }]);
});

test('like escapes: \\* \\? \\\\ in the pattern are literal, other backslashes are themselves', () => {
  // In RQL text a backslash in a string is written \\, so the pattern a\*b is written "a\\*b".
  keeps('like(s,"a\\\\*b")', ['a*b', 'axb', 'ab'].map((s) => ({ s })), [{ s: 'a*b' }]);
  keeps('like(s,"what\\\\?")', ['what?', 'whatx', 'what'].map((s) => ({ s })), [{ s: 'what?' }]);
  keeps('like(s,"c:\\\\\\\\*")', ['c:\\dir', 'c:dir', 'c:\\'].map((s) => ({ s })), [{ s: 'c:\\dir' }, { s: 'c:\\' }]);
  keeps('like(s,"a\\\\d")', ['a\\d', 'a5'].map((s) => ({ s })), [{ s: 'a\\d' }]);
  keeps('like(s,"\\"*\\"")', ['"quoted"', 'quoted'].map((s) => ({ s })), [{ s: '"quoted"' }]);
  keeps('ilike(s,"*\\\\*")', ['A*', 'a', '*'].map((s) => ({ s })), [{ s: 'A*' }, { s: '*' }]);
});

test('in: equal to any of the values, each compared like eq', () => {
  keeps('in(v,1,"a",true,null)', [1, 'a', true, null, 2, '1', false, [1]].map((v) => ({ v })), [{ v: 1 }, { v: 'a' }, { v: true }, { v: null }]);
  keeps('in(attributes/location,"kitchen","hall")', [thing, { attributes: { location: 'hall' } }, { attributes: {} }], [thing, { attributes: { location: 'hall' } }]);
  keeps('in(v,2)', [2, 2n, 3].map((v) => ({ v })), [{ v: 2 }, { v: 2n }]);
  assert.not.ok(matches('in(missing,null)', {}));
});

test('and, or, not: any arity, nested, short-circuiting', () => {
  keeps('and(gt(n,1))', [1, 2].map((n) => ({ n })), [{ n: 2 }]);
  keeps('and(gt(n,1),lt(n,5))', [1, 2, 5].map((n) => ({ n })), [{ n: 2 }]);
  keeps('and(gt(n,1),lt(n,5),ne(n,3))', [2, 3, 4].map((n) => ({ n })), [{ n: 2 }, { n: 4 }]);
  keeps('and(gt(n,0),lt(n,9),ne(n,3),ne(n,4))', [2, 3, 4, 5].map((n) => ({ n })), [{ n: 2 }, { n: 5 }]);
  keeps('or(eq(n,1))', [1, 2].map((n) => ({ n })), [{ n: 1 }]);
  keeps('or(eq(n,1),eq(n,3))', [1, 2, 3].map((n) => ({ n })), [{ n: 1 }, { n: 3 }]);
  keeps('or(eq(n,1),eq(n,3),eq(n,5))', [1, 2, 5].map((n) => ({ n })), [{ n: 1 }, { n: 5 }]);
  keeps('or(eq(n,1),eq(n,3),eq(n,5),eq(n,7))', [2, 7].map((n) => ({ n })), [{ n: 7 }]);
  keeps('not(eq(n,1))', [1, 2, undefined].map((n) => ({ n })), [{ n: 2 }, { n: undefined }]);
  keeps('not(not(eq(n,1)))', [1, 2].map((n) => ({ n })), [{ n: 1 }]);
  keeps(
    'or(and(eq(t,"car"),gt(speed,100)),and(eq(t,"bike"),not(exists(helmet))))',
    [{ t: 'car', speed: 120 }, { t: 'car', speed: 80 }, { t: 'bike' }, { t: 'bike', helmet: true }],
    [{ t: 'car', speed: 120 }, { t: 'bike' }],
  );
});

test('placeholders on the property side come from the context; absent ones are missing', () => {
  const f = compileRql('and(eq(topic:action,"modified"),like(resource:path,"/attributes*"))');
  assert.ok(f.matches({}, { placeholders: { 'topic:action': 'modified', 'resource:path': '/attributes/counter' } }));
  assert.not.ok(f.matches({}, { placeholders: { 'topic:action': 'created', 'resource:path': '/attributes/counter' } }));
  assert.not.ok(f.matches({}, { placeholders: { 'topic:action': 'modified' } }));
  assert.not.ok(f.matches({}));
  assert.not.ok(matches('exists(topic:action)', { 'topic:action': 'x' }), 'the value is not where placeholders come from');
  assert.ok(matches('not(exists(topic:action))', {}, { placeholders: {} }));
  assert.ok(matches('exists(topic:action)', {}, { placeholders: { 'topic:action': null } }));
  assert.ok(matches('eq(header:x-id,"7")', {}, { placeholders: { 'header:x-id': '7' } }));
  assert.ok(matches('eq(header:X-Id,"7")', {}, { placeholders: { 'header:x-id': '7' } }), 'header names are case-insensitive');
  assert.ok(matches('in(thing:namespace,"a","b")', {}, { placeholders: { 'thing:namespace': 'b' } }));
});

test('time:now and time:now_epoch_millis: from the context, else the clock', () => {
  const past = { _modified: '2000-01-01T00:00:00.000Z', ms: 946684800000 };
  const future = { _modified: '2999-01-01T00:00:00.000Z', ms: 32472144000000 };
  keeps('lt(_modified,time:now)', [past, future], [past]);
  keeps('gt(ms,time:now_epoch_millis)', [past, future], [future]);
  const fixed = { placeholders: { 'time:now': '2500-01-01T00:00:00.000Z', 'time:now_epoch_millis': 1 } };
  keeps('gt(_modified,time:now)', [past, future], [future], fixed);
  keeps('eq(ms,time:now_epoch_millis)', [{ ms: 1 }, past], [{ ms: 1 }], fixed);
  keeps('ne(ms,time:now_epoch_millis)', [{ ms: 1 }, past, {}], [past], fixed);
  keeps('in(ms,0,time:now_epoch_millis)', [{ ms: 1 }, { ms: 0 }, past], [{ ms: 1 }, { ms: 0 }], fixed);
  keeps('ge(ms,time:now)', [{ ms: 1 }], [], fixed);
  assert.ok(matches('le(time:now_epoch_millis,1)', {}, fixed), 'a time: placeholder works as a property too');
  assert.ok(matches('gt(time:now,"2020")', {}), 'and falls back to the clock there too');
});

test('a filter is compiled once and evaluated many times, each call independent', () => {
  const f = compileRql('and(eq(a,1),like(b,"x*"))');
  assert.is(f.source, 'and(eq(a,1),like(b,"x*"))');
  for (let i = 0; i < 3; i++) {
    assert.ok(f.matches({ a: 1, b: 'xy' }));
    assert.not.ok(f.matches({ a: 1, b: 'yx' }));
  }
});

test.run();
