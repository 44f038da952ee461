import { defineKey } from './values.js';

/**
 * Dissect patterns, as Tremor's and Elastic's `dissect` read them: text between `%{...}` fields is
 * matched literally, and each field takes what lies up to the next occurrence of the text after it
 * (the last one takes the rest). `%{name}` keeps a value, `%{?name}` and `%{}` skip it, `%{+name}`
 * appends to an earlier one with a space, `%{name:int}` / `%{name:float}` convert it, and `%{_}`
 * (or `%{_(-)}`) skips a run of spaces (or of dashes). A pattern is compiled once per call site.
 */
type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly name: string; readonly mode: 'keep' | 'skip' | 'append'; readonly type: 'string' | 'int' | 'float' }
  | { readonly kind: 'padding'; readonly pad: string };

export type Dissect = (text: string) => Record<string, unknown> | null;

const FIELD = /^([?+]?)([^:]*)(?::(int|float))?$/;

/** The compiled pattern, or the reason it is not one. */
export function compileDissect(pattern: string): Dissect | string {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < pattern.length) {
    const open = pattern.indexOf('%{', i);
    if (open < 0) {
      pieces.push({ kind: 'text', text: pattern.slice(i) });
      break;
    }
    if (open > i) pieces.push({ kind: 'text', text: pattern.slice(i, open) });
    const close = pattern.indexOf('}', open);
    if (close < 0) return `"%{" at ${open} is never closed with "}"`;
    const inner = pattern.slice(open + 2, close);
    const padding = /^_(?:\((.+)\))?$/.exec(inner);
    if (padding !== null) {
      pieces.push({ kind: 'padding', pad: padding[1] ?? ' ' });
    } else {
      const m = FIELD.exec(inner)!;
      const [, mark, name, type] = m as unknown as [string, string, string, 'int' | 'float' | undefined];
      const mode = name === '' || mark === '?' ? 'skip' : mark === '+' ? 'append' : 'keep';
      const previous = pieces[pieces.length - 1];
      if (previous?.kind === 'field') return `the fields at ${open} and before it need text between them to tell where one ends`;
      pieces.push({ kind: 'field', name, mode, type: type ?? 'string' });
    }
    i = close + 1;
  }
  return (text) => run(pieces, text);
}

function run(pieces: readonly Piece[], text: string): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let pos = 0;
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    if (piece.kind === 'text') {
      if (!text.startsWith(piece.text, pos)) return null;
      pos += piece.text.length;
    } else if (piece.kind === 'padding') {
      while (text.startsWith(piece.pad, pos)) pos += piece.pad.length;
    } else {
      const next = pieces[k + 1];
      let end: number;
      if (next === undefined) end = text.length;
      else {
        const delimiter = next.kind === 'text' ? next.text : next.kind === 'padding' ? next.pad : '';
        end = text.indexOf(delimiter, pos);
        if (end < 0) return null;
      }
      const raw = text.slice(pos, end);
      pos = end;
      if (piece.mode === 'skip') continue;
      let value: unknown = raw;
      if (piece.type !== 'string') {
        const n = Number(raw);
        if (raw.trim() === '' || Number.isNaN(n) || (piece.type === 'int' && !Number.isInteger(n))) return null;
        value = n;
      }
      const earlier = piece.mode === 'append' && Object.hasOwn(out, piece.name) ? out[piece.name] : undefined;
      // A key of a record is data: `__proto__` is defined as an own field, not the prototype.
      defineKey(out, piece.name, earlier !== undefined ? `${String(earlier)} ${String(value)}` : value);
    }
  }
  return pos === text.length ? out : null;
}

/** A glob (`*` any text, `?` one character, `[abc]` a class) as an anchored regex. */
export function globRegex(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/[\\\]]/g, '\\$&');
        source += `[${body}]`;
        i = close;
      }
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}
