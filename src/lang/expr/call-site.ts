import type { RuntimeError } from '../../sdk/errors.js';
import type { Node } from './ast.js';
import { evalError } from './errors.js';
import type { RegexCache } from './regex-cache.js';
import { inText, isRecord, typeName } from './values.js';

/** One call in one expression: what run-time messages need to point at it. */
export interface CallSite {
  /** The function's name as written, alias included (`string::lowercase`). */
  readonly name: string;
  readonly params: readonly string[];
  /** The call's source text. */
  readonly text: string;
  /** The site's pattern (a regex, or a dissect pattern or glob), compiled once for as long as it stays the same. */
  readonly regexes: RegexCache;
}

/** At most three arguments, passed one by one so that a call allocates no argument array. */
export type FixedImpl = (site: CallSite, a: unknown, b: unknown, c: unknown) => unknown;
export type VariadicImpl = (site: CallSite, values: readonly unknown[]) => unknown;

export interface FunctionSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Parameter names for messages: `end?` is optional, `...values` repeats (both last). */
  readonly params: readonly string[];
  /** False when the result changes from call to call (`now`): such calls are never folded. */
  readonly pure?: boolean;
  readonly call: FixedImpl | { readonly variadic: VariadicImpl };
  /** Load-time checks of the argument nodes, e.g. a literal format string; throws ERR_EXPR_SYNTAX. */
  readonly check?: (args: readonly Node[]) => void;
  /** The argument that may be written as a regex literal (`/a+/i`): it is given as that RegExp. */
  readonly regexArg?: number;
}

/** The parameter's name without its `?`/`...` marks; repeated parameters share the last name. */
const paramName = (site: CallSite, index: number): string =>
  site.params[Math.min(index, site.params.length - 1)]?.replace(/^\.\.\.|\?$/g, '') ?? 'value';

export function wrongType(site: CallSite, index: number, expected: string, value: unknown): RuntimeError {
  return evalError(`${site.name}: argument ${index + 1} (${paramName(site, index)}) must be ${expected}, got ${typeName(value)} ${inText(site.text)}`);
}

/** A failure that is not about a type, e.g. unparsable text. */
export const callFailed = (site: CallSite, message: string): RuntimeError =>
  evalError(`${site.name}: ${message} ${inText(site.text)}`);

export function str(site: CallSite, index: number, v: unknown): string {
  if (typeof v === 'string') return v;
  throw wrongType(site, index, 'a string', v);
}

export function num(site: CallSite, index: number, v: unknown): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  throw wrongType(site, index, 'a number', v);
}

export function int(site: CallSite, index: number, v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'number') throw callFailed(site, `argument ${index + 1} (${paramName(site, index)}) must be an integer, got ${v}`);
  throw wrongType(site, index, 'an integer', v);
}

/** A pattern argument: a regex literal as written, a string compiled as a regex (once per site while it stays the same). */
export function regex(site: CallSite, index: number, v: unknown): RegExp {
  return v instanceof RegExp ? v : site.regexes.get(str(site, index, v));
}

export function arr(site: CallSite, index: number, v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v;
  throw wrongType(site, index, 'an array', v);
}

export function rec(site: CallSite, index: number, v: unknown): Readonly<Record<string, unknown>> {
  if (isRecord(v)) return v;
  throw wrongType(site, index, 'a record', v);
}
