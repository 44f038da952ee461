/**
 * "did you mean …?" for a mistyped name: the nearest known name by edit distance (insertions,
 * deletions, substitutions and swaps of two neighbouring letters each count 1; case is ignored),
 * when it is near enough to be what was meant rather than just another name.
 */

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`stauts` → `status` is 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  // Three rolling rows (two back, for transpositions) instead of a full matrix.
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known name nearest to `name`, or undefined when none is within a third of its length (at
 * least 1, at most 3): `yson` → `json`, `ws-server` → `ws_server`, but `launch` → nothing. Ties go
 * to the first candidate.
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const lower = candidate.toLowerCase();
    if (Math.abs(lower.length - wanted.length) >= bestDistance) continue;
    const d = editDistance(wanted, lower);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean "json"? ` to put before the list of known names, or '' when nothing is near. */
export function didYouMean(name: string, candidates: Iterable<string>, quote: (s: string) => string = (s) => JSON.stringify(s)): string {
  const near = nearest(name, candidates);
  return near === undefined ? '' : `did you mean ${quote(near)}? `;
}
