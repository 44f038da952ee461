import { randomBytes } from 'node:crypto';
import { holdsIntegralFloats, stringifyWithFloats } from './json-floats.js';

/**
 * Numbers in JSON text kept exact. JSON.parse reads every number as a double: an integer past 2^53
 * comes back rounded and one past a double's range (`1e999`) as Infinity, which JSON then writes as
 * null. Both need a run of at least 16 digits or an exponent of 3 digits, which `mayBeInexact`
 * looks for in a few dozen byte reads; a frame with neither (nearly all) costs little more. One with
 * one gets a second pass over its text that finds the numbers JSON.parse changed: integers come
 * back as bigint (the rule of every tremolo codec: a number while exact, a bigint past 2^53),
 * numbers out of range are an error. Floats keep their double value, as any JSON reader gives it.
 */

const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;
const isExponentMark = (byte: number | undefined): boolean => byte === 0x65 || byte === 0x45;

/** Whether an exponent of 3 digits or more starts at `at` (`e`, `E`, then maybe `+`). */
function longExponentAt(data: Uint8Array, at: number): boolean {
  let j = at + 1;
  if (data[j] === 0x2b) j++;
  return isDigit(data[j]!) && isDigit(data[j + 1]!) && isDigit(data[j + 2]!);
}

/**
 * Whether `data` holds a run of 16 digits, or a digit, `e` or `E`, maybe `+`, and 3 digits (JSON
 * puts a digit before every exponent); inside strings too, where the exact pass then finds nothing
 * to change. Either is at least 5 bytes long, so it covers an index ≡ 4 (mod 5): only those are
 * read, and what is around one that could belong to such a run. About 5 % of JSON.parse's time on
 * the benchmark's events; a regular expression doing the same took a quarter.
 */
export function mayBeInexact(data: Uint8Array): boolean {
  const n = data.length;
  for (let i = 4; i < n; i += 5) {
    const byte = data[i]!;
    if (isDigit(byte)) {
      let start = i;
      while (start > 0 && isDigit(data[start - 1]!)) start--;
      let end = i + 1;
      while (end < n && isDigit(data[end]!)) end++;
      if (end - start >= 16) return true;
      // The digits of an exponent, or the digit before one.
      if (end - start >= 3 && start > 0) {
        const before = data[start - 1] === 0x2b && start > 1 ? data[start - 2] : data[start - 1];
        if (isExponentMark(before)) return true;
      }
      if (isExponentMark(data[end]) && longExponentAt(data, end)) return true;
      // On to the first index ≡ 4 (mod 5) past the run.
      while (i + 5 < end) i += 5;
    } else if (isExponentMark(byte)) {
      if (longExponentAt(data, i)) return true;
    } else if (byte === 0x2b && isExponentMark(data[i - 1])) {
      if (longExponentAt(data, i - 1)) return true;
    }
  }
  return false;
}

/** Digits of an integer read as a bigint, at most: BigInt() of a longer text costs quadratic time (Python's limit, for the same reason). */
export const MAX_INTEGER_DIGITS = 4300;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export type Key = string | number;

/**
 * `parsed` (what JSON.parse made of `text`) with its inexact numbers made exact; throws for one out
 * of range. Call it only for a frame `mayBeInexact` flags.
 */
export function exactNumbers(text: string, parsed: unknown): unknown {
  const found = inexactNumbers(text);
  let root = parsed;
  for (const { path, value } of found) {
    if (path.length === 0) {
      root = value;
      continue;
    }
    let parent: unknown = root;
    for (let i = 0; i < path.length - 1; i++) parent = (parent as Record<Key, unknown>)[path[i]!];
    const key = path[path.length - 1]!;
    const holder = parent as Record<Key, unknown>;
    // A key given twice keeps its last value (as JSON.parse does): replace only what this literal made.
    if (holder[key] !== Number(value)) continue;
    // Defined, not assigned: a key "__proto__" that JSON.parse made an own property stays one.
    Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return root;
}

/** The end of the string literal starting at `start` (the index after its closing quote). */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let i = quote - 1; text.charCodeAt(i) === 0x5c; i--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

const isNumberChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;

/**
 * Calls `visit` with every number literal of valid JSON `text` and where it is (the path is reused:
 * copy it to keep it). Iterative, following only brackets, keys and commas: JSON.parse has checked
 * the text already.
 */
export function visitNumberLiterals(text: string, visit: (path: readonly Key[], literal: string) => void): void {
  const path: Key[] = [];
  const inArray: boolean[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      inArray.push(c === 0x5b);
      path.push(c === 0x5b ? 0 : '');
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      inArray.pop();
      path.pop();
      expectKey = false;
      i++;
    } else if (c === 0x2c) {
      const array = inArray[inArray.length - 1] === true;
      if (array) path[path.length - 1] = (path[path.length - 1] as number) + 1;
      expectKey = !array;
      i++;
    } else if (c === 0x3a) {
      expectKey = false;
      i++;
    } else if (c === 0x22) {
      const end = stringEnd(text, i);
      if (expectKey) path[path.length - 1] = JSON.parse(text.slice(i, end)) as string;
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      visit(path, text.slice(i, end));
      i = end;
    } else i++;
  }
}

/** The integers of valid JSON `text` that a double does not hold, with where they are. */
function inexactNumbers(text: string): { path: Key[]; value: bigint }[] {
  const found: { path: Key[]; value: bigint }[] = [];
  visitNumberLiterals(text, (path, literal) => {
    const value = exactValue(literal);
    if (value !== undefined) found.push({ path: [...path], value });
  });
  return found;
}

/** The bigint of an integer literal a double does not hold; undefined when the double is exact enough; throws when out of range. */
function exactValue(literal: string): bigint | undefined {
  if (/^-?\d+$/.test(literal)) {
    const digits = literal.length - (literal.startsWith('-') ? 1 : 0);
    if (digits < 16) return undefined;
    if (digits > MAX_INTEGER_DIGITS) throw new Error(`an integer of ${digits} digits; at most ${MAX_INTEGER_DIGITS} are read`);
    const value = BigInt(literal);
    return value > MAX_SAFE || value < -MAX_SAFE ? value : undefined;
  }
  if (!Number.isFinite(Number(literal))) {
    const shown = literal.length > 40 ? `${literal.slice(0, 39)}…` : literal;
    throw new Error(`the number ${shown} is beyond the range of a 64-bit float`);
  }
  return undefined;
}

// A bigint is written as a string holding a mark no data can guess (random per process), then
// replaced by its digits: JSON.stringify cannot write a number literal itself (Node 20 has no
// JSON.rawJSON).
const MARK = `json-bigint-${randomBytes(12).toString('hex')}:`;
const MARKED = new RegExp(`"${MARK}(-?\\d+)"`, 'g');
const replacer = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? `${MARK}${v}` : v);

/**
 * JSON text of a value, bigints written as exact integers. JSON.stringify runs alone while it can:
 * a replacer halves its speed, so it comes in only when a bigint made the plain call throw. (Its
 * text is not looked at either: reading a character of it makes V8 copy the text JSON.stringify
 * built in parts, 10-20 % of the call.)
 *
 * A number past 2^53 is written as JavaScript writes it (2^60 as 1152921504606847000), which this
 * codec reads back as the bigint of those digits: Number() of it is the same double, but its type
 * is not kept, as no integral float's is (42.0 is written 42); keeping it is for the codec's float
 * formatting to do.
 */
export function stringifyExact(value: unknown): string | undefined {
  if (holdsIntegralFloats(value)) return stringifyWithFloats(value, replacer, MARKED);
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
  }
  return JSON.stringify(value, replacer)?.replace(MARKED, '$1');
}
