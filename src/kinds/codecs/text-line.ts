import { isUtf8 } from 'node:buffer';
import { quote } from '../../sdk/errors.js';

/**
 * One line of UTF-8 text for the line-based codecs: invalid UTF-8 is an error, and one trailing
 * line break is dropped (a line as a reader or `separate` without buffering may hand it over).
 */
export function textLine(data: Buffer, codec: string): string {
  if (!isUtf8(data)) throw new Error(`${codec}: not valid UTF-8`);
  const text = data.toString('utf8');
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

/** Throws unless `text` is a single line: these formats frame one record per line. */
export function oneLine(text: string, codec: string): void {
  const at = text.search(/[\r\n]/);
  if (at >= 0) throw new Error(`${codec}: line break at character ${at}; expected one record per frame (split lines with the separate preprocessor)`);
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number as text to a number; an integer beyond 2^53 to a bigint so that no digit is
 * lost. `undefined` when the text is not a number.
 */
export function parseNumber(text: string): number | bigint | undefined {
  if (INTEGER.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/**
 * A finite number or a bigint as decimal text; anything else is an error naming `what`. An
 * integral number beyond 2^53 is written with an exponent, so that it reads back as a number and
 * not as a bigint (which parseNumber makes of long digit strings).
 */
export function formatNumber(value: unknown, what: string, codec: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Number.isInteger(value) && !Number.isSafeInteger(value) ? value.toExponential() : String(value);
  }
  throw new Error(`${codec}: ${what} must be a finite number, got ${describe(value)}`);
}

/** A value for an error message: `quote`, except that it names what JSON cannot show. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  return quote(value, 60);
}

/** A string field of a record to encode, or an error naming the field. */
export function textField(record: Record<string, unknown>, key: string, codec: string, forbidden?: RegExp): string {
  const value = record[key];
  if (typeof value !== 'string') throw new Error(`${codec}: "${key}" must be a string, got ${describe(value)}`);
  if (forbidden !== undefined) {
    const bad = forbidden.exec(value);
    if (bad !== null) throw new Error(`${codec}: "${key}" must not contain ${JSON.stringify(bad[0])}, got ${describe(value)}`);
  }
  return value;
}

/** The value as a plain record, or an error saying what the codec expected instead. */
export function asRecord(value: unknown, codec: string, expected: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new Error(`${codec}: expected ${expected}, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** `record[key] = value`, also for the key "__proto__", which plain assignment would swallow. */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
