import { callFailed, num, rec, str, wrongType, type CallSite, type FixedImpl, type FunctionSpec } from './call-site.js';
import { definedKeys, isBytes, toJson, typeName } from './values.js';

/** Conversions, arithmetic helpers, records, types, JSON and base64. */

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function parseNumber(site: CallSite, v: unknown): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v !== 'string') throw wrongType(site, 0, 'a string or a number', v);
  if (!NUMERIC.test(v)) throw callFailed(site, `${JSON.stringify(v)} is not numeric`);
  return Number(v);
}

function toInt(site: CallSite, v: unknown): number | bigint {
  // Integer text past 2^53 keeps its digits, like integer literals do.
  if (typeof v === 'string' && INTEGER.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : BigInt(v.trim());
  }
  const n = parseNumber(site, v);
  return typeof n === 'bigint' ? n : Math.trunc(n);
}

/** Rounding that leaves bigint alone, since it is already whole. */
const rounding =
  (f: (n: number) => number): FixedImpl =>
  (site, v) => {
    const n = num(site, 0, v);
    return typeof n === 'bigint' ? n : f(n);
  };

/** `min(a, b, ...)` or `min(array)`: numbers or strings, ordered as `<` orders them. */
function extreme(site: CallSite, values: readonly unknown[], wantMin: boolean): unknown {
  const list = values.length === 1 && Array.isArray(values[0]) ? (values[0] as readonly unknown[]) : values;
  let best: unknown = null;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'string') {
      if (list === values) throw wrongType(site, i, 'a number or a string', v);
      throw callFailed(site, `argument 1 (value) must hold numbers or strings, got ${typeName(v)} at [${i}]`);
    }
    if (best === null) best = v;
    else if ((typeof best === 'string') !== (typeof v === 'string')) {
      throw callFailed(site, `cannot compare ${typeName(best)} with ${typeName(v)}`);
    } else if (wantMin ? (v as number) < (best as number) : (v as number) > (best as number)) best = v;
  }
  return best;
}

function decodeJson(site: CallSite, v: unknown): unknown {
  const text = isBytes(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8') : str(site, 0, v);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw callFailed(site, `invalid JSON (${(err as Error).message})`);
  }
}

function encodeBase64(site: CallSite, v: unknown): string {
  if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('base64');
  if (isBytes(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  throw wrongType(site, 0, 'bytes or a string', v);
}

function decodeBase64(site: CallSite, v: unknown): Buffer {
  const text = str(site, 0, v);
  // Buffer.from skips anything it does not understand; a typo should fail instead of losing bytes.
  if (BASE64.test(text)) return Buffer.from(text, 'base64');
  if (BASE64URL.test(text)) return Buffer.from(text, 'base64url');
  throw callFailed(site, `${JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text)} is not base64`);
}

export const DATA_FUNCTIONS: readonly FunctionSpec[] = [
  { name: 'number', params: ['value'], call: (site, v) => parseNumber(site, v) },
  { name: 'int', params: ['value'], call: (site, v) => toInt(site, v) },
  // Half away from zero, as Rust's f64::round: round(-2.5) is -3, where Math.round gives -2.
  { name: 'round', params: ['n'], call: rounding((n) => Math.sign(n) * Math.round(Math.abs(n))) },
  { name: 'floor', params: ['n'], call: rounding(Math.floor) },
  { name: 'ceil', params: ['n'], call: rounding(Math.ceil) },
  {
    name: 'abs',
    params: ['n'],
    call: (site, v) => {
      const n = num(site, 0, v);
      return n < 0 ? -n : n;
    },
  },
  { name: 'min', params: ['value', '...values'], call: { variadic: (site, values) => extreme(site, values, true) } },
  { name: 'max', params: ['value', '...values'], call: { variadic: (site, values) => extreme(site, values, false) } },
  { name: 'keys', params: ['record'], call: (site, r) => definedKeys(rec(site, 0, r)) },
  {
    name: 'values',
    params: ['record'],
    call: (site, r) => {
      const record = rec(site, 0, r);
      return definedKeys(record).map((k) => record[k]);
    },
  },
  // Spread defines own properties, so a `__proto__` key stays data.
  { name: 'merge', params: ['left', 'right'], call: (site, a, b) => ({ ...rec(site, 0, a), ...rec(site, 1, b) }) },
  { name: 'type', params: ['value'], call: (_site, v) => typeName(v) },
  { name: 'is_null', params: ['value'], call: (_site, v) => v === null || v === undefined },
  { name: 'default', params: ['value', 'fallback'], call: (_site, v, fallback) => v ?? fallback },
  // The compiler evaluates `try` itself (see tryClosure): the fallback only where the value fails.
  { name: 'try', params: ['value', 'fallback'], call: (_site, v) => v },
  { name: 'json::decode', params: ['text'], call: (site, v) => decodeJson(site, v) },
  { name: 'json::encode', params: ['value'], call: (_site, v) => toJson(v) },
  { name: 'base64::encode', params: ['data'], call: (site, v) => encodeBase64(site, v) },
  { name: 'base64::decode', params: ['text'], call: (site, v) => decodeBase64(site, v) },
];
