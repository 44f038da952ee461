import type { ComparisonOp } from './ast.js';
import { MISSING } from './pointer.js';

/**
 * What RQL comparisons mean, after Ditto's reference: values of different types never compare (no
 * coercion: `eq(n,"1")` does not match the number 1); numbers compare by value (a bigint too), strings
 * by UTF-16 code units as Java and JavaScript do, booleans false < true. Records, arrays and bytes
 * equal no literal and have no order. A missing property matches nothing but `ne` never matches it
 * either: only `exists`, `empty` and `not(...)` say anything about absence.
 */

export type Test = (actual: unknown) => boolean;

const isNumeric = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

/** `eq` against a fixed literal, specialised by its type so that a test is one or two checks. */
export function equalsTest(literal: unknown): Test {
  if (literal === null) return (actual) => actual === null;
  if (typeof literal === 'number' || typeof literal === 'bigint') {
    // `==` compares a number with a bigint by value, and nothing else reaches it.
    return (actual) => isNumeric(actual) && actual == literal;
  }
  return (actual) => actual === literal;
}

/** `eq` between two values known only at evaluation (a placeholder on the value side). */
export function equals(actual: unknown, literal: unknown): boolean {
  if (actual === MISSING) return false;
  if (isNumeric(actual)) return isNumeric(literal) && actual == literal;
  return (typeof actual !== 'object' || actual === null) && actual === literal;
}

/** The sign of `actual - literal` when both are of one orderable type, else NaN (no order). */
export function order(actual: unknown, literal: unknown): number {
  if (isNumeric(actual) && isNumeric(literal)) return actual < literal ? -1 : actual > literal ? 1 : 0;
  if (typeof actual === 'string' && typeof literal === 'string') return actual < literal ? -1 : actual > literal ? 1 : 0;
  if (typeof actual === 'boolean' && typeof literal === 'boolean') return Number(actual) - Number(literal);
  return Number.NaN;
}

/** Whether a sign satisfies an ordering comparison; NaN satisfies none. */
export function holds(op: Exclude<ComparisonOp, 'eq' | 'ne'>, sign: number): boolean {
  switch (op) {
    case 'gt':
      return sign > 0;
    case 'ge':
      return sign >= 0;
    case 'lt':
      return sign < 0;
    case 'le':
      return sign <= 0;
  }
}

/** An ordering comparison against a fixed literal, specialised by type like `equalsTest`. */
export function orderTest(op: Exclude<ComparisonOp, 'eq' | 'ne'>, literal: string | number | bigint | boolean): Test {
  if (typeof literal === 'string') {
    switch (op) {
      case 'gt':
        return (a) => typeof a === 'string' && a > literal;
      case 'ge':
        return (a) => typeof a === 'string' && a >= literal;
      case 'lt':
        return (a) => typeof a === 'string' && a < literal;
      case 'le':
        return (a) => typeof a === 'string' && a <= literal;
    }
  }
  if (typeof literal === 'number' || typeof literal === 'bigint') {
    switch (op) {
      case 'gt':
        return (a) => isNumeric(a) && a > literal;
      case 'ge':
        return (a) => isNumeric(a) && a >= literal;
      case 'lt':
        return (a) => isNumeric(a) && a < literal;
      case 'le':
        return (a) => isNumeric(a) && a <= literal;
    }
  }
  return (a) => holds(op, order(a, literal));
}

/** `empty`: missing, null, `""`, `[]`, `{}` (no keys with a value) and empty bytes. */
export function isEmpty(actual: unknown): boolean {
  if (actual === MISSING || actual === null || actual === '') return true;
  if (typeof actual !== 'object') return false;
  if (Array.isArray(actual) || actual instanceof Uint8Array) return actual.length === 0;
  for (const key in actual) {
    if (Object.hasOwn(actual, key) && (actual as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}
