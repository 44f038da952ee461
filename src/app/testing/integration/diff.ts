/**
 * A line diff for failed `equals_file` asserts: `-` expected, `+` actual, two lines of context,
 * cut after `maxLines` so a wholly different file stays readable.
 */
export function lineDiff(expected: string, actual: string, maxLines = 40): string {
  // A final newline ends the last line; it is not an empty line of its own.
  const lines = (text: string): string[] => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const a = lines(expected);
  const b = lines(actual);
  // Longest common subsequence table; test outputs are small enough for O(n·m).
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return `  (too large to diff: ${n} expected lines, ${m} actual lines)`;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: [' ' | '-' | '+', string][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push([' ', a[i]!]);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push(['-', a[i++]!]);
    else ops.push(['+', b[j++]!]);
  }
  const keep = new Set<number>();
  ops.forEach(([op], k) => {
    if (op !== ' ') for (let c = k - 2; c <= k + 2; c++) keep.add(c);
  });
  const out: string[] = [];
  let last = -1;
  for (let k = 0; k < ops.length; k++) {
    if (!keep.has(k)) continue;
    if (last >= 0 && k > last + 1) out.push('  ...');
    const [op, text] = ops[k]!;
    out.push(`  ${op} ${text}`);
    last = k;
  }
  if (out.length > maxLines) return [...out.slice(0, maxLines), `  ... (${out.length - maxLines} more lines)`].join('\n');
  return out.join('\n');
}
