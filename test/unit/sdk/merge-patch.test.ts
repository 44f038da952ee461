import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergePatch } from '../../../src/sdk/merge-patch.js';

test('RFC 7396 appendix A, every example', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of cases) assert.equal(mergePatch(target, patch), result, JSON.stringify([target, patch]));
});

test('the RFC’s worked example: null deletes, nested records merge, arrays replace', () => {
  const target = { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' };
  const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
  assert.equal(mergePatch(target, patch), {
    title: 'Hello!',
    author: { givenName: 'John' },
    tags: ['example'],
    content: 'This will be unchanged',
    phoneNumber: '+01-123-456-7890',
  });
});

test('copy-on-write: neither the target nor the patch changes; untouched records are shared', () => {
  const untouched = { deep: [1, 2] };
  const target = { a: { b: 1, c: 2 }, keep: untouched };
  const patch = { a: { b: null, d: { e: null, f: 3 } } };
  const before = JSON.stringify([target, patch]);
  const merged = mergePatch(target, patch) as Record<string, unknown>;
  assert.equal(merged, { a: { c: 2, d: { f: 3 } }, keep: { deep: [1, 2] } });
  assert.is(JSON.stringify([target, patch]), before);
  assert.is(merged.keep, untouched);
});

test('a "__proto__" key in a patch is an ordinary key, never the prototype', () => {
  const merged = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
  assert.ok(Object.hasOwn(merged, '__proto__'));
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is(Object.getPrototypeOf(merged), Object.prototype);
});

test.run();
