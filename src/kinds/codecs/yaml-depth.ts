/**
 * An upper bound of how deeply a YAML text nests, found in one pass over its characters before the
 * parser sees it. The yaml library composes and converts documents recursively: a few kilobytes of
 * `[` or `- ` (or of growing indentation) overflow the stack, which costs seconds, and near the end
 * of the stack V8 may even abort the process while compiling a regular expression ("RegExpCompiler
 * Allocation failed"), which no catch can stop. So a text that may nest deeper than the limit is
 * refused before parsing.
 *
 * The bound counts, at each point: the indentation levels open (a stack of widths, as Python's
 * tokenizer keeps), the block indicators (`- `, `? `, `: `) that open a line after its indentation
 * (`- - - a` nests three sequences on one line), and the flow collections (`[`, `{`) not yet closed.
 * Quoted scalars and comments are skipped; a quote or bracket inside a plain scalar (`don't`,
 * `x [1]`) is text. It may overestimate (a block scalar's own indentation counts), never
 * underestimate.
 */
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }
const INDICATORS = new Set([0x2d, 0x3f, 0x3a]); // - ? :
// A quote opens a quoted scalar only where a scalar may begin: after these, or at a line's start.
const BEFORE_SCALAR = new Set([0x3a, 0x2d, 0x3f, 0x5b, 0x7b, 0x2c]); // : - ? [ { ,

export function yamlDepthBound(text: string, limit: number): number {
  const n = text.length;
  const indents: number[] = [];
  let flow = 0;
  let deepest = 0;
  let i = 0;
  while (i < n) {
    // The start of a line: its indentation (only spaces count in YAML), then compact indicators.
    let width = 0;
    while (i < n && text.charCodeAt(i) === SPACE) {
      width++;
      i++;
    }
    let line = 0;
    const first = i < n ? text.charCodeAt(i) : LF;
    if (first !== LF && first !== CR && first !== HASH && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= width) indents.pop();
      indents.push(width);
      while (i + 1 < n && INDICATORS.has(text.charCodeAt(i)) && (text.charCodeAt(i + 1) === SPACE || text.charCodeAt(i + 1) === TAB)) {
        line++;
        i += 2;
        while (i < n && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
      }
    }
    let before = -1; // the last significant character of the line; -1 at its start
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) {
        i++;
        break;
      }
      if (c === SPACE || c === TAB || c === CR) continue;
      if (c === HASH && (before === -1 || text.charCodeAt(i - 1) === SPACE || text.charCodeAt(i - 1) === TAB)) {
        while (i < n && text.charCodeAt(i) !== LF) i++;
        i--;
        continue;
      }
      if ((c === DQUOTE || c === SQUOTE) && (before === -1 || BEFORE_SCALAR.has(before))) {
        // To the closing quote, across lines if need be: `\"` escapes in double quotes, `''` in single.
        for (i++; i < n; i++) {
          const q = text.charCodeAt(i);
          if (c === DQUOTE && q === BACKSLASH) i++;
          else if (q === c) {
            if (c === SQUOTE && text.charCodeAt(i + 1) === SQUOTE) i++;
            else break;
          }
        }
        before = c;
        continue;
      }
      // A bracket opens a collection only where a node may begin; inside a plain scalar it is text.
      if (OPEN.has(c) && (before === -1 || BEFORE_SCALAR.has(before))) {
        flow++;
        if (indents.length + line + flow > deepest) deepest = indents.length + line + flow;
        if (deepest > limit) return deepest;
      } else if (CLOSE.has(c) && flow > 0) flow--;
      before = c;
    }
    if (indents.length + line + flow > deepest) deepest = indents.length + line + flow;
    if (deepest > limit) return deepest;
  }
  return deepest;
}
