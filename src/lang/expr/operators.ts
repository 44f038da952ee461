import { evalError } from './errors.js';
import { deepEqual, inText, isNumeric, isRecord, toText, typeName } from './values.js';

/**
 * What the operators do with values of every type. The compiler inlines the common number-number
 * case and calls these for the rest, so they favour clear messages over speed.
 */

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type OrderingOp = '<' | '<=' | '>' | '>=';

const cannotApply = (op: string, a: unknown, b: unknown, text: string): Error =>
  evalError(`cannot apply "${op}" to ${typeName(a)} and ${typeName(b)} ${inText(text)}`);

const isWhole = (v: number | bigint): boolean => typeof v === 'bigint' || Number.isInteger(v);

/**
 * Numbers where a bigint is involved: exact bigint arithmetic while both sides are whole (a division
 * only when it leaves no remainder), the nearest double otherwise.
 */
function mixed(op: ArithmeticOp, a: number | bigint, b: number | bigint): number | bigint {
  if (isWhole(a) && isWhole(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '%':
        return x % y;
      case '/':
        if (x % y === 0n) return x / y;
        break;
    }
  }
  return numeric(op, Number(a), Number(b));
}

function numeric(op: ArithmeticOp, x: number, y: number): number {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '%':
      return x % y;
  }
}

/**
 * `+` adds numbers, joins text when either side is a string (the other side as `string()` gives
 * it), and concatenates two arrays; `-` `*` `/` `%` take numbers only. Dividing by zero is an error
 * rather than Infinity, which JSON cannot carry.
 */
export function arithmetic(op: ArithmeticOp, a: unknown, b: unknown, text: string): unknown {
  if (op === '+') {
    if (typeof a === 'string' || typeof b === 'string') return toText(a) + toText(b);
    if (Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
  }
  if (!isNumeric(a) || !isNumeric(b)) throw cannotApply(op, a, b, text);
  if ((op === '/' || op === '%') && (b === 0 || b === 0n)) throw evalError(`division by zero ${inText(text)}`);
  if (typeof a === 'number' && typeof b === 'number') return numeric(op, a, b);
  return mixed(op, a, b);
}

export function negate(a: unknown, text: string): number | bigint {
  if (typeof a === 'number' || typeof a === 'bigint') return -a;
  throw evalError(`cannot apply "-" to ${typeName(a)} ${inText(text)}`);
}

/** Ordering is defined on two numbers or two strings (by UTF-16 code units); anything else is an error. */
export function ordering(op: OrderingOp, a: unknown, b: unknown, text: string): boolean {
  if (!((isNumeric(a) && isNumeric(b)) || (typeof a === 'string' && typeof b === 'string'))) {
    throw evalError(`cannot compare ${typeName(a)} with ${typeName(b)} ${inText(text)}`);
  }
  const x = a as number;
  const y = b as number;
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/**
 * `x in c`: an element of an array (deep equality), a key of a record, a substring of a string.
 * A missing container (null) contains nothing.
 */
export function membership(a: unknown, b: unknown, text: string): boolean {
  if (Array.isArray(b)) {
    for (const x of b) if (deepEqual(a, x)) return true;
    return false;
  }
  if (typeof b === 'string') {
    if (typeof a === 'string') return b.includes(a);
    throw evalError(`"in" a string needs a string on the left, got ${typeName(a)} ${inText(text)}`);
  }
  if (isRecord(b)) {
    if (typeof a === 'string') return Object.hasOwn(b, a) && b[a] !== undefined;
    throw evalError(`"in" a record needs a string key on the left, got ${typeName(a)} ${inText(text)}`);
  }
  if (b === null || b === undefined) return false;
  throw evalError(`"in" needs an array, a record or a string on the right, got ${typeName(b)} ${inText(text)}`);
}

/** `s ~= re`: a missing string (null) matches nothing. */
export function regexMatch(a: unknown, re: RegExp, text: string): boolean {
  if (typeof a === 'string') return re.test(a);
  if (a === null || a === undefined) return false;
  throw evalError(`"~=" needs a string on the left, got ${typeName(a)} ${inText(text)}`);
}
