import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { locate } from '../../../../src/lang/source/locate.js';

const text = `// a comment with { braces } and "quotes"
{
  /* block
     comment */ a: 1,
  'b c': { "d": [10, { e: 'x\\'y' }], },
  f: "multi\\
line",
  g: true,
}`;

test('keys and values of JSON5 are located by path, through comments, quotes and escapes', () => {
  const l = locate(text);
  assert.equal(l.key(['a']), { line: 4, column: 17 });
  assert.equal(l.value(['a']), { line: 4, column: 20 });
  assert.equal(l.key(['b c']), { line: 5, column: 3 });
  assert.equal(l.value(['b c', 'd', 0]), { line: 5, column: 18 });
  assert.equal(l.value(['b c', 'd', 1, 'e']), { line: 5, column: 27 });
  assert.equal(l.key(['g']), { line: 8, column: 3 });
});

test('a path that does not exist falls back to its nearest existing parent', () => {
  const l = locate(text);
  assert.equal(l.value(['b c', 'd', 7]), l.value(['b c', 'd']));
  assert.equal(l.key(['zzz']), { line: 2, column: 1 });
});

test.run();
