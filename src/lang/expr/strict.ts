import type { Evaluator } from './api.js';
import type { Root } from './ast.js';
import { rootOf } from './path-sites.js';
import { syntaxError, evalError } from './errors.js';
import { isRecord } from './values.js';

/**
 * Strict paths, Tremor's semantics: inside `strict(EXPR)` reading a key a record does not have, a
 * position past an array's end, or a key of something that is not a record fails the event,
 * where everywhere else it reads `null`. `try(x, fallback)` inside still catches it, which is how a
 * presence test is written.
 *
 * `strict(EXPR, SOURCE)` also says where EXPR's reads were written in another file (the .troy a
 * flow was compiled from), so that the failure is rendered as Tremor renders it: the source line
 * and carets under the key (`SOURCE` is `{"lines": {"11": TEXT}, "sites": [[offset, root, line,
 * column, length], ...]}`, offsets counted from the start of EXPR, each line written once). Sites are looked up when the expression is compiled;
 * only a failure renders text.
 */

/** What Tremor calls the root a path starts from, in its messages. */
export type SiteRoot = 'event' | 'global' | 'local' | 'state';

export interface Site {
  readonly root: SiteRoot;
  /** 1-based line and column of the key in its file, and the key's length as written. */
  readonly line: number;
  readonly column: number;
  readonly length: number;
  /** The whole line the key is on. */
  readonly text: string;
}

const ROOTS: ReadonlySet<string> = new Set(['event', 'global', 'local', 'state']);

/** The sites of a `strict` call's SOURCE (its value), by offset in the expression's own text. */
export function parseSites(source: unknown, base: number, at: number): Map<number, Site> {
  const bad = (why: string): never => {
    throw syntaxError(`the source of strict() at ${at} ${why}; expected {"lines": {"LINE": TEXT}, "sites": [[offset, root, line, column, length], ...]}`, at);
  };
  if (!isRecord(source) || !Array.isArray(source.sites) || !isRecord(source.lines)) return bad('has no record "lines" and list "sites"');
  const lines = source.lines;
  const sites = new Map<number, Site>();
  for (const entry of source.sites as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 5) return bad(`has a site that is not a list of 5: ${JSON.stringify(entry)}`);
    const [offset, root, line, column, length] = entry as unknown[];
    const ints = [offset, line, column, length].every((n) => Number.isInteger(n) && (n as number) >= 0);
    const text = Object.hasOwn(lines, String(line)) ? lines[String(line)] : undefined;
    if (!ints || typeof root !== 'string' || !ROOTS.has(root) || typeof text !== 'string') return bad(`has a bad site ${JSON.stringify(entry)}`);
    sites.set(base + (offset as number), { root: root as SiteRoot, line: line as number, column: column as number, length: length as number, text });
  }
  return sites;
}

/**
 * Tremor's hygienic rendering of a runtime error: the line, then carets under the key and the
 * callout, then a note when there is one, and an empty line.
 */
export function renderAt(site: Site, callout: string, hint?: string): string {
  const prefix = '      | ';
  let out = `Error: \n${String(site.line).padStart(5)} | ${site.text}\n${prefix}${' '.repeat(Math.max(site.column - 1, 0))}${'^'.repeat(Math.max(site.length, 1))} ${callout}\n`;
  if (hint !== undefined) out += `${prefix}${' '.repeat(site.column + site.length)}NOTE: ${hint}\n`;
  return `${out}\n`;
}

/** Tremor's names of types in its messages. */
function tremorType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  return 'record';
}

/** Optimal string alignment distance, cut off above `max`: enough to suggest a near key. */
function near(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Bounds on the note, whose cost is a distance per key of the record: keys come from peers, so a
 * record of many long keys must not make each failing event slow. Longer keys get no note, and
 * only the first keys of a large record are looked at.
 */
const NOTE_KEY_LENGTH = 64;
const NOTE_CANDIDATES = 1000;
/** A key quoted in a message is cut here: the message goes into an event and the log. */
const SHOWN_KEY_LENGTH = 200;

const shown = (key: string): string => (key.length <= SHOWN_KEY_LENGTH ? key : `${key.slice(0, SHOWN_KEY_LENGTH)}...`);

/** Tremor's note on a missing key: the nearest key of the record, two edits away at most. */
function suggestion(key: string, container: unknown, root: SiteRoot): string | undefined {
  if (key.length > NOTE_KEY_LENGTH) return undefined;
  const options: string[] = [];
  if (isRecord(container)) {
    for (const k in container) {
      if (options.length === NOTE_CANDIDATES) break;
      if (Object.hasOwn(container, k) && k.length <= NOTE_KEY_LENGTH) options.push(k);
    }
  }
  if (root === 'local') {
    if (key === 'nil') return 'Did you mean null?';
    options.push('event', 'true', 'false', 'null');
  }
  let best: { d: number; o: string } | undefined;
  for (const o of options) {
    const d = near(key, o, 2);
    if (d <= 2 && (best === undefined || d < best.d || (d === best.d && o < best.o))) best = { d, o };
  }
  return best === undefined ? undefined : `Did you mean to use \`${best.o}\`?`;
}

/** How a strict read fails: rendered at its site when it has one, else named by its text. */
export class StrictRead {
  constructor(
    /** The read as written in the expression, for messages without a site. */
    readonly text: string,
    readonly root: SiteRoot,
    readonly site: Site | undefined,
  ) {}

  #fail(callout: string, hint?: string): never {
    throw evalError(this.site === undefined ? `${callout} in ${JSON.stringify(this.text)}` : renderAt(this.site, callout, hint));
  }

  /** As Tremor, a key of something that is no record is as missing as a key the record lacks. */
  missingKey(key: string, container: unknown): never {
    this.#fail(`Trying to access a non existing ${this.site?.root ?? this.root} key \`${shown(key)}\``, suggestion(key, container, this.site?.root ?? this.root));
  }

  outOfBounds(index: number, container: unknown): never {
    if (!Array.isArray(container) && !(container instanceof Uint8Array)) this.#fail(`Conflicting types, got ${tremorType(container)} but expected array`);
    const length = (container as ArrayLike<unknown>).length;
    this.#fail(`Array index out of bounds, got index ${index} but expected an index in the range 0:${length}`);
  }
}

/** Tremor's words for a binary operator on types it does not take, drawn under the operator. */
export const binaryFailure = (site: Site, op: string, a: unknown, b: unknown): Error =>
  evalError(renderAt(site, `The binary operation \`${op}\` is not defined for the type \`${tremorType(a)}\` and \`${tremorType(b)}\``));

/**
 * `event.a.b` strict: `lenient` (the same path read as everywhere else) gives the value; only a
 * null is looked at again, key by key, to tell a null value from a missing key.
 */
export function strictRootPath(root: Root, lenient: Evaluator, keys: readonly string[], reads: readonly StrictRead[]): Evaluator {
  const n = keys.length;
  return (ctx) => {
    const v = lenient(ctx);
    if (v !== null) return v;
    let o: unknown = rootOf(ctx, root);
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      // Names that no prototype defines (the caller's condition): a direct read is exact.
      const next = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;
      if (next === undefined) return reads[i]!.missingKey(k, o);
      o = next;
    }
    return null;
  };
}

/** `o.name` that fails when the record does not have it. */
export function strictField(of: Evaluator, name: string, read: StrictRead): Evaluator {
  return (ctx) => {
    const o = of(ctx);
    if (isRecord(o) && Object.hasOwn(o, name)) {
      const v = o[name];
      if (v !== undefined) return v;
    }
    return read.missingKey(name, o);
  };
}

/** `o[i]` that fails past either end (negative positions count from the end, as in tremolo). */
export function strictPosition(o: unknown, i: number, read: StrictRead): unknown {
  if ((Array.isArray(o) || o instanceof Uint8Array) && Number.isInteger(i)) {
    const v: unknown = o[i < 0 ? o.length + i : i];
    if (v !== undefined) return v;
  }
  return read.outOfBounds(i, o);
}

/** `o[key]` with a key computed at run time. */
export function strictIndex(o: unknown, key: unknown, read: StrictRead): unknown {
  if (typeof key === 'number') return strictPosition(o, key, read);
  if (typeof key === 'bigint') return strictPosition(o, Number(key), read);
  if (typeof key === 'string') {
    if (isRecord(o) && Object.hasOwn(o, key) && o[key] !== undefined) return o[key];
    return read.missingKey(key, o);
  }
  throw evalError(`Conflicting types, got ${tremorType(key)} but expected one of string, integer as an index in ${JSON.stringify(read.text)}`);
}
