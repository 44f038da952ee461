/**
 * `like` / `ilike` patterns, Ditto's wildcards: `*` is any run of characters (none included), `?`
 * exactly one character (one code point), everything else stands for itself and the whole value
 * must match. An extension of Ditto's: in the pattern, `\*`, `\?` and `\\` are a literal `*`, `?`
 * and `\` (written `"a\\*b"` inside an RQL string), so a star can be matched at all; a backslash
 * before anything else is itself.
 */
export function likePattern(pattern: string, ignoreCase: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      source += `\\${next}`;
      i++;
    } else if (c === '*') {
      source += '.*';
      while (pattern[i + 1] === '*') i++;
    } else if (c === '?') source += '.';
    else source += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  // `s`: a wildcard matches line breaks too; `u`: `?` is one code point, not half a surrogate pair.
  return new RegExp(`^${source}$`, ignoreCase ? 'siu' : 'su');
}
