import { randomBytes } from 'node:crypto';
import { visitNumberLiterals, type Key } from './json-numbers.js';

/**
 * Integral floats keep their form through the json codec: `{"x":42.0}` is written back `42.0`, not
 * `42`, as Tremor's simd-json writes it and as typed readers on the other side expect. JavaScript
 * has one number type, so the form is remembered beside the value: decode marks, in a WeakMap keyed
 * by the object or array that holds it, each number written with a fraction of zeros (`42.0`,
 * `1.00`) and the value it had; encode writes `.0` after a marked number whose value is still
 * the same, also when the decoded value was put, within two levels, into a new array or record
 * (a window's collected events, a record a select built around the event). A value changed on the
 * way, copied into a new object, or moved deeper, is written as any number is. A frame that is only a number (`42.0`) has no holder to mark and is written `42`; so is an
 * integral float written with an exponent (`1e3`).
 */
const FLOATS = new WeakMap<object, Map<string, number>>();
/** The roots of decoded values that hold a marked float, so encode of all others keeps its fast path. */
const ROOTS = new WeakSet<object>();
/** Whether this process has marked a float at all: until then no value can hold one, and nothing is walked. */
let anyMarked = false;

/**
 * Whether `text` may hold a number with a fraction of zeros: `.0` somewhere (a search V8 does at
 * memchr speed; nearly every frame without one skips the walk), then digits, `.0…` and what may
 * follow a number inside a container, so that timestamps (`:00.000Z`), addresses (`10.0.0.1`) and
 * `3.05` do not send the frame through the walk. A bare top-level number is never marked anyway.
 */
export const mayHoldIntegralFloat = (text: string): boolean => text.includes('.0') && /\d\.0+[\s,\]}]/.test(text);

const INTEGRAL_FLOAT = /^-?\d+\.0+$/;

/** Marks the integral floats of `parsed` (what JSON.parse made of `text`). */
export function markIntegralFloats(text: string, parsed: unknown): void {
  if (parsed === null || typeof parsed !== 'object') return;
  let marked = false;
  visitNumberLiterals(text, (path, literal) => {
    if (path.length === 0) return;
    let holder: unknown = parsed;
    for (let i = 0; i < path.length - 1; i++) holder = (holder as Record<Key, unknown>)[path[i]!];
    if (holder === null || typeof holder !== 'object') return;
    const key = String(path[path.length - 1]);
    // A key given twice keeps its last value (as JSON.parse does), and so its last form.
    if (!INTEGRAL_FLOAT.test(literal)) {
      FLOATS.get(holder)?.delete(key);
      return;
    }
    const value = Number(literal);
    if ((holder as Record<string, unknown>)[key] !== value) return;
    let keys = FLOATS.get(holder);
    if (keys === undefined) FLOATS.set(holder, (keys = new Map()));
    keys.set(key, value);
    marked = true;
  });
  if (marked) {
    ROOTS.add(parsed);
    anyMarked = true;
  }
}

/**
 * Whether encode must look for marked floats in `value`: it is a decoded root that holds one, or,
 * once any float was marked, a decoded root sits within two levels of it: the events a window
 * collected (`[event, ...]`, `[[event, ...], ...]`), the record a select built around an event
 * (`{"event": event}`). Deeper than that a moved value's floats are written as any number: a full
 * walk would cost every encode of an unmarked value a second pass over it (1.4-2.5x the encode);
 * two levels cost a few lookups.
 */
export const holdsIntegralFloats = (value: unknown): value is object =>
  value !== null && typeof value === 'object' && (ROOTS.has(value) || (anyMarked && holdsRoot(value, 2)));

function holdsRoot(value: object, levels: number): boolean {
  if (value instanceof Uint8Array) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v === 'object' && (ROOTS.has(v) || (levels > 1 && holdsRoot(v, levels - 1)))) return true;
    }
    return false;
  }
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== null && typeof v === 'object' && (ROOTS.has(v) || (levels > 1 && holdsRoot(v, levels - 1)))) return true;
  }
  return false;
}

/** `copy` (a rebuilt `original`, keys sorted) keeps the marks of `original`. */
export function keepFloatMarks(original: object, copy: object, root: boolean): void {
  const keys = FLOATS.get(original);
  if (keys !== undefined) FLOATS.set(copy, keys);
  if (root && ROOTS.has(original)) ROOTS.add(copy);
}

const MARK = `json-float-${randomBytes(12).toString('hex')}:`;
const MARKED = new RegExp(`"${MARK}(-?\\d+)"`, 'g');

/** JSON text of a value holding marked floats; `bigints` writes bigints as `exact` then reads them back. */
export function stringifyWithFloats(value: object, bigints: (key: string, v: unknown) => unknown, exact: RegExp): string | undefined {
  const text = JSON.stringify(value, function (this: object, key: string, v: unknown) {
    if (typeof v === 'number' && FLOATS.get(this)?.get(key) === v) return `${MARK}${v}`;
    return bigints(key, v);
  });
  return text?.replace(MARKED, '$1.0').replace(exact, '$1');
}
