import { callFailed, str, int, arr, regex, wrongType, type CallSite, type FunctionSpec } from './call-site.js';
import { literalPattern, regexOrReason } from './regex-cache.js';
import { syntaxError } from './errors.js';
import { deepEqual, definedKeys, isRecord, toText } from './values.js';

/**
 * String functions. Lengths and positions count Unicode code points, not UTF-16 units, so an emoji
 * is one character as it is in Tremor.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

function codePointLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Like `String.prototype.slice` (negative positions count from the end), in code points. */
function codePointSlice(s: string, start: number, end: number | undefined): string {
  if (!SURROGATE.test(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/** `{}` takes the next value, `{{` and `}}` are literal braces; anything else with a brace is an error. */
export function formatPieces(template: string): { pieces: string[]; error?: string } {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    const d = template[i + 1];
    if (c === '{' && d === '}') {
      pieces.push(current);
      current = '';
      i++;
    } else if ((c === '{' && d === '{') || (c === '}' && d === '}')) {
      current += c;
      i++;
    } else if (c === '{' || c === '}') {
      return { pieces, error: `unmatched ${JSON.stringify(c)} at ${i} of the format string; write {{ or }} for a literal brace` };
    } else {
      current += c;
    }
  }
  pieces.push(current);
  return { pieces };
}

const placeholders = (n: number): string => `${n} placeholder${n === 1 ? '' : 's'}`;

function format(site: CallSite, values: readonly unknown[]): string {
  const template = str(site, 0, values[0]);
  const { pieces, error } = formatPieces(template);
  if (error !== undefined) throw callFailed(site, error);
  if (pieces.length !== values.length) {
    throw callFailed(site, `the format string has ${placeholders(pieces.length - 1)} but ${values.length - 1} value${values.length === 2 ? ' was' : 's were'} given`);
  }
  let out = pieces[0] ?? '';
  for (let i = 1; i < pieces.length; i++) out += toText(values[i]) + (pieces[i] ?? '');
  return out;
}

function contains(site: CallSite, haystack: unknown, needle: unknown): boolean {
  if (typeof haystack === 'string') return haystack.includes(str(site, 1, needle));
  if (Array.isArray(haystack)) return haystack.some((x) => deepEqual(x, needle));
  throw wrongType(site, 0, 'a string or an array', haystack);
}

function length(site: CallSite, v: unknown): number {
  if (typeof v === 'string') return codePointLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  if (isRecord(v)) return definedKeys(v).length;
  throw wrongType(site, 0, 'a string, an array, a record or bytes', v);
}

function matches(site: CallSite, s: unknown, pattern: unknown): boolean {
  if (s === null || s === undefined) return false;
  const text = str(site, 0, s);
  return regex(site, 1, pattern).test(text);
}

const stringAlias = (name: string): string[] => [`string::${name}`];

export const TEXT_FUNCTIONS: readonly FunctionSpec[] = [
  { name: 'lowercase', aliases: stringAlias('lowercase'), params: ['s'], call: (site, s) => str(site, 0, s).toLowerCase() },
  { name: 'uppercase', aliases: stringAlias('uppercase'), params: ['s'], call: (site, s) => str(site, 0, s).toUpperCase() },
  { name: 'trim', aliases: stringAlias('trim'), params: ['s'], call: (site, s) => str(site, 0, s).trim() },
  {
    name: 'starts_with',
    aliases: stringAlias('starts_with'),
    params: ['s', 'prefix'],
    call: (site, s, p) => str(site, 0, s).startsWith(str(site, 1, p)),
  },
  {
    name: 'ends_with',
    aliases: stringAlias('ends_with'),
    params: ['s', 'suffix'],
    call: (site, s, p) => str(site, 0, s).endsWith(str(site, 1, p)),
  },
  { name: 'contains', aliases: stringAlias('contains'), params: ['haystack', 'needle'], call: contains },
  {
    name: 'split',
    aliases: stringAlias('split'),
    params: ['s', 'separator'],
    call: (site, s, sep) => {
      const text = str(site, 0, s);
      const separator = str(site, 1, sep);
      return separator === '' ? Array.from(text) : text.split(separator);
    },
  },
  {
    name: 'join',
    params: ['array', 'separator'],
    call: (site, a, sep) => {
      const separator = str(site, 1, sep);
      return arr(site, 0, a).map(toText).join(separator);
    },
  },
  {
    name: 'replace',
    aliases: stringAlias('replace'),
    params: ['s', 'from', 'to'],
    // A replacer function, so that `$&` and friends in `to` stay literal.
    call: (site, s, from, to) => {
      const replacement = str(site, 2, to);
      return str(site, 0, s).replaceAll(str(site, 1, from), () => replacement);
    },
  },
  { name: 'length', aliases: stringAlias('length'), params: ['value'], call: length },
  {
    name: 'substr',
    aliases: stringAlias('substr'),
    params: ['s', 'start', 'end?'],
    call: (site, s, start, end) =>
      codePointSlice(str(site, 0, s), int(site, 1, start), end === undefined || end === null ? undefined : int(site, 2, end)),
  },
  {
    name: 'format',
    aliases: stringAlias('format'),
    params: ['template', '...values'],
    call: { variadic: format },
    check: (args) => {
      const t = args[0];
      if (t?.kind !== 'literal' || typeof t.value !== 'string') return;
      const { pieces, error } = formatPieces(t.value);
      if (error !== undefined) throw syntaxError(`format string at ${t.start}: ${error}`, t.start);
      if (pieces.length !== args.length) {
        throw syntaxError(`format string at ${t.start} has ${placeholders(pieces.length - 1)} but ${args.length - 1} value${args.length === 2 ? ' was' : 's were'} given`, t.start);
      }
    },
  },
  { name: 'string', params: ['value'], call: (_site, v) => toText(v) },
  {
    name: 'matches',
    params: ['s', 'pattern'],
    call: matches,
    check: literalPattern(regexOrReason, 'regex'),
    regexArg: 1,
  },
];
