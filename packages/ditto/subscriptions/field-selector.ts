import { isRecord } from '../ditto-protocol.js';

/**
 * Ditto's field selectors (a subscription's `extraFields`): comma-separated pointers, with
 * parenthesised sub-selections and `*` for any key at a level: `attributes`,
 * `attributes/complex(some,serialNo)`, `features/*\/properties/on`. Parsed once into paths, so
 * selecting from a document is a walk along each path.
 */
export interface FieldSelector {
  readonly source: string;
  readonly paths: readonly (readonly string[])[];
}

/** Throws an Error naming the offset when the selector is malformed (an unbalanced parenthesis, an empty field). */
export function parseFieldSelector(source: string): FieldSelector {
  return { source, paths: parseList(source, 0) };
}

function parseList(text: string, offset: number): string[][] {
  const paths: string[][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) throw new Error(`unexpected ")" at ${offset + i}`);
    } else if ((c === ',' || c === undefined) && depth === 0) {
      paths.push(...parseEntry(text.slice(start, i), offset + start));
      start = i + 1;
    }
  }
  if (depth > 0) throw new Error(`missing ")" at ${offset + text.length}`);
  return paths;
}

function parseEntry(entry: string, offset: number): string[][] {
  const open = entry.indexOf('(');
  const prefix = segments(open < 0 ? entry : entry.slice(0, open));
  if (open < 0) {
    if (prefix.length === 0) throw new Error(`empty field at ${offset}`);
    return [prefix];
  }
  if (!entry.trimEnd().endsWith(')')) throw new Error(`expected "," or the end after ")" at ${offset + entry.lastIndexOf(')') + 1}`);
  const inner = entry.slice(open + 1, entry.trimEnd().length - 1);
  return parseList(inner, offset + open + 1).map((sub) => [...prefix, ...sub]);
}

const segments = (pointer: string): string[] =>
  pointer
    .trim()
    .split('/')
    .filter((s) => s !== '');

/**
 * The parts of `document` the selector names, as a record of the same shape (`{attributes: {a: 1}}`);
 * what the document lacks is left out, so the result may be `{}`.
 */
export function selectFields(document: unknown, selector: FieldSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of selector.paths) copy(document, out, path, 0);
  return out;
}

function copy(from: unknown, into: Record<string, unknown>, path: readonly string[], i: number): void {
  if (!isRecord(from)) return;
  const segment = path[i]!;
  const keys = segment === '*' ? Object.keys(from) : Object.hasOwn(from, segment) ? [segment] : [];
  for (const key of keys) {
    const value = from[key];
    if (i === path.length - 1) {
      into[key] = value;
      continue;
    }
    // Already copied whole by a shorter path: nothing deeper to add.
    if (into[key] === value || !isRecord(value)) continue;
    const existing = into[key];
    const child = isRecord(existing) ? (existing as Record<string, unknown>) : {};
    copy(value, child, path, i + 1);
    if (existing === undefined && Object.keys(child).length > 0) into[key] = child;
  }
}

/** `base` with `extra` merged in (records key by key, `base` winning elsewhere): what a filter sees of changed data plus extra fields. */
export function overlay(base: unknown, extra: Readonly<Record<string, unknown>>): unknown {
  if (!isRecord(base)) return base === undefined ? extra : base;
  const out: Record<string, unknown> = { ...extra };
  for (const [key, value] of Object.entries(base)) {
    const other = extra[key];
    out[key] = isRecord(value) && isRecord(other) ? overlay(value, other) : value;
  }
  return out;
}
