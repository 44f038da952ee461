import type { Segment } from '../../lang/troy/ast.js';
import type { SiteRoot } from '../../lang/expr/strict.js';
import type { Place } from '../../lang/troy/errors.js';

/**
 * Tremor's paths are strict: reading a key that is not there fails the event, and the failure
 * shows the .troy line with carets under the key. The translation writes tremolo expression
 * text by joining pieces in whatever order the construct needs, so it cannot count offsets as it
 * goes; instead each key of a path is preceded by a marker that says where it was written, and
 * once an expression is whole (`strictText`) the markers come out and their offsets, now known,
 * go into `strict(EXPR, {"sites": [...]})` (see src/lang/expr/strict.ts).
 *
 * The markers are control characters because every literal and quoted key of the expression
 * text is written by JSON.stringify (expr-text.ts), which always escapes U+0000-U+001F: so no
 * user string, whatever it holds, can put a marker's character into the text raw. (Private-use
 * characters, which JSON.stringify leaves raw, collided with strings that held them.) The
 * marker's own payload is JSON too, so a line of source holding these characters is carried
 * escaped and drawn as written.
 */

const OPEN = '\u0001';
const CLOSE = '\u0002';

/** The lines of the .troy files a flow was compiled from, by the name their places give. */
export type SourceTexts = ReadonlyMap<string, readonly string[]>;

/** A file's text as the lines `SourceTexts` holds. */
export const sourceLines = (text: string): string[] => text.split('\n').map((l) => l.replace(/\r$/, ''));

/** The 0-based end of the key that starts at `start` of `line`: an identifier, a `quoted` one, or an index up to its `]`. */
function keyEnd(line: string, start: number, index: boolean): number {
  if (!index) {
    if (line[start] === '`') {
      const close = line.indexOf('`', start + 1);
      return close < 0 ? line.length : close + 1;
    }
    let end = start;
    while (end < line.length && /[A-Za-z0-9_]/.test(line[end]!)) end++;
    return end;
  }
  let depth = 0;
  let quote = false;
  for (let i = start; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') {
      if (depth === 0) return line.slice(start, i).trimEnd().length + start;
      depth--;
    }
  }
  return line.length;
}

/**
 * The marker put before a key of a path: where the key is written (the segment's place is its
 * `.` or `[`, or the key itself after `$`). Without the file's text the read is still strict, only
 * its failure is not drawn.
 */
export function keyMarker(root: SiteRoot, seg: Segment, sources: SourceTexts | undefined): string {
  const text = sources?.get(seg.at.file)?.[seg.at.line - 1];
  if (text === undefined) return `${OPEN}${JSON.stringify([root])}${CLOSE}`;
  let start = seg.at.column - 1;
  const opener = text[start];
  if (opener === '.' || opener === '[') {
    start++;
    while (text[start] === ' ' || text[start] === '\t') start++;
  }
  const end = keyEnd(text, start, seg.kind !== 'field');
  return mark(root, seg.at.line, start + 1, Math.max(end - start, 1), text);
}

const mark = (root: SiteRoot, line: number, column: number, length: number, text: string): string =>
  `${OPEN}${JSON.stringify([root, line, column, length, text])}${CLOSE}`;

/**
 * The marker put before a binary operator written at `at`: a failure of the operator on the types
 * it was given is drawn under it. Empty when the file's text is not known (nothing to draw).
 */
export function operatorMarker(op: string, at: Place, sources: SourceTexts | undefined): string {
  const text = sources?.get(at.file)?.[at.line - 1];
  return text === undefined ? '' : mark('event', at.line, at.column, op.length, text);
}

/** Tremor's root names for the roots a marker can stand for. */
export const siteRoot = (root: string): SiteRoot | undefined =>
  root === 'event' ? 'event' : root === 'meta' ? 'global' : root === 'local' ? 'local' : root === 'state' ? 'state' : undefined;

type Payload = [root: string, line?: number, column?: number, length?: number, source?: string];

/** The marker's payload, or undefined when the text between the characters is not one. */
function payload(text: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value) || typeof value[0] !== 'string') return undefined;
    if (value.length === 1) return value as Payload;
    const [, line, column, length, source] = value as unknown[];
    return value.length === 5 && typeof line === 'number' && typeof column === 'number' && typeof length === 'number' && typeof source === 'string'
      ? (value as Payload)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Expression text with markers as tremolo expression text: strict, with the places of its keys,
 * when it reads any path; unchanged when it has no marker. A config string that is not
 * expression text can hold the characters raw; only a whole marker is taken for one.
 */
export function strictText(text: string): string {
  if (!text.includes(OPEN)) return text;
  const sites: unknown[] = [];
  const lines: Record<string, string> = {};
  let marked = false;
  let clean = '';
  let from = 0;
  for (let at = text.indexOf(OPEN); at >= 0; at = text.indexOf(OPEN, at + 1)) {
    const close = text.indexOf(CLOSE, at);
    const found = close < 0 ? undefined : payload(text.slice(at + 1, close));
    if (found === undefined) continue;
    marked = true;
    clean += text.slice(from, at);
    const [root, line, column, length, source] = found;
    if (source !== undefined) {
      sites.push([clean.length, root, line, column, length]);
      lines[String(line)] = source;
    }
    from = close + 1;
    at = close;
  }
  if (!marked) return text;
  clean += text.slice(from);
  return sites.length === 0 ? `strict(${clean})` : `strict(${clean}, ${JSON.stringify({ lines, sites })})`;
}

/** Every expression text in an operator's config made strict (`strictText`); other values as they are. */
export function strictConfig(value: unknown): unknown {
  if (typeof value === 'string') return strictText(value);
  if (Array.isArray(value)) return value.map(strictConfig);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictConfig(v)]));
  }
  return value;
}
