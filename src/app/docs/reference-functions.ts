import type { FunctionSpec } from '../../lang/expr/call-site.js';
import { COLLECTION_FUNCTIONS } from '../../lang/expr/functions-collections.js';
import { DATA_FUNCTIONS } from '../../lang/expr/functions-data.js';
import { EXTRACT_FUNCTIONS } from '../../lang/expr/functions-extract.js';
import { TEXT_FUNCTIONS } from '../../lang/expr/functions-text.js';
import { TIME_FUNCTIONS } from '../../lang/expr/functions-time.js';
import { COMPILER_FORMS } from '../../lang/expr/functions.js';

/**
 * What each expression function does, for its reference page. The functions themselves carry only
 * names and parameters; a function added without a line here fails the docs test, so the page
 * never silently lacks one.
 */
export const FUNCTION_NOTES: Readonly<Record<string, string>> = {
  lowercase: 'the text in lower case',
  uppercase: 'the text in upper case',
  trim: 'the text without leading and trailing white space',
  starts_with: 'true when `s` begins with `prefix`',
  ends_with: 'true when `s` ends with `suffix`',
  contains: 'true when a string holds `needle` as a substring, or an array holds an element equal to it',
  split: 'the pieces of `s` between occurrences of `separator`, as an array',
  join: 'the elements of an array of strings, with `separator` between them',
  replace: '`s` with every occurrence of `from` replaced by `to` (plain text, no patterns)',
  length: 'the length of a string (in code points), an array, a record (its keys) or bytes',
  substr: 'the code points from `start` up to `end` (exclusive; negative positions count from the end)',
  format: '`{}` in `template` replaced by the next value; `{{` and `}}` are literal braces',
  string: 'the value as text: strings as they are, bytes decoded as UTF-8, records and arrays as JSON',
  matches: 'true when `s` matches the regular expression `pattern` (a regex literal or a string)',
  number: 'a number from a number or numeric text; other text is an `ERR_EXPR_EVAL`',
  int: 'an integer, truncated towards zero, from a number or numeric text (integer text past 2^53 keeps its digits)',
  round: 'the nearest integer, halves away from zero (`round(-2.5)` is -3)',
  floor: 'the largest integer not above `n`',
  ceil: 'the smallest integer not below `n`',
  abs: 'the absolute value',
  min: 'the smallest of its arguments, or of the elements of one array argument (numbers or strings)',
  max: 'the largest of its arguments, or of the elements of one array argument (numbers or strings)',
  keys: 'the keys of a record, as an array',
  values: 'the values of a record, as an array',
  merge: 'a record with the keys of both; `right` wins where both have a key',
  type: 'the type name: `"null"`, `"bool"`, `"number"`, `"string"`, `"array"`, `"record"` or `"bytes"`',
  is_null: 'true when the value is null (a missing path is null)',
  default: '`value`, or `fallback` when `value` is null (a missing field)',
  strict:
    "`value`, its paths read as Tremor's: a key a record lacks, a position past an array's end, or a key of a non-record fails the event (``Trying to access a non existing event key `x` ``) where a path elsewhere reads null; `try()` inside still catches it. `source` (a literal record of sites) says where the reads were written in a `.troy` file, so that the failure shows that line with carets under the key. `.troy` flows compile to it ([Coming from Tremor](../tremor.md))",
  try: '`value`, or `fallback` where evaluating `value` fails (`try(json::decode(event), null)`); `fallback` is evaluated only then',
  'json::decode': 'the value a JSON text holds; invalid JSON is an `ERR_EXPR_EVAL`',
  'json::encode': 'the value as JSON text',
  'base64::encode': 'the base64 text of bytes, or of a string\'s UTF-8 bytes',
  'base64::decode': 'the bytes base64 (or base64url) text holds; other text is an `ERR_EXPR_EVAL`',
  sort: 'a sorted copy of the array; mixed values in Tremor’s order: records (fewer keys first), arrays, strings and bytes (by their UTF-8 bytes), numbers, bools, null',
  'path::try_default': 'what the `path` of keys and indexes leads to in `value`, or `fallback` where it leads nowhere',
  merge_patch: 'the `target` with `patch` merged in as JSON Merge Patch (RFC 7396): records merge recursively, a null removes its key, anything else replaces',
  bytes: 'the UTF-8 bytes of a string (bytes stay as they are)',
  dissect: 'the record of fields a dissect pattern (`"%{a} [%{b}] %{c}"`) takes out of `s`, or null when `s` does not fit',
  captures: 'the named groups (`(?<name>...)`) of the first match of a regex in `s`, as a record, or null without a match',
  glob: 'true when all of `s` fits the glob `pattern` (`*` any text, `?` one character, `[abc]`, `[!abc]`)',
  now: 'the current time in nanoseconds since the epoch (the clock of event ingestion times)',
  now_ms: 'the current time in milliseconds since the epoch',
  'nanos::from_millis': 'milliseconds as nanoseconds',
  'nanos::from_seconds': 'seconds as nanoseconds',
  'nanos::from_minutes': 'minutes as nanoseconds',
  'nanos::from_hours': 'hours as nanoseconds',
  iso8601: 'milliseconds since the epoch as an ISO 8601 UTC timestamp (`2026-01-02T03:04:05.000Z`)',
};

export const FUNCTION_GROUPS: readonly (readonly [string, readonly FunctionSpec[]])[] = [
  ['Text', TEXT_FUNCTIONS],
  ['Data', [...DATA_FUNCTIONS, ...COMPILER_FORMS]],
  ['Arrays and paths', COLLECTION_FUNCTIONS],
  ['Extraction', EXTRACT_FUNCTIONS],
  ['Time', TIME_FUNCTIONS],
];

const signature = (spec: FunctionSpec): string => `${spec.name}(${spec.params.join(', ')})`;

/** The page of expression functions: one table per group, with every name a function answers to. */
export function functionReference(): string {
  const parts: string[] = [];
  for (const [title, specs] of FUNCTION_GROUPS) {
    const lines = [`## ${title}`, '', '| function | also | what it gives |', '|---|---|---|'];
    for (const spec of specs) {
      const also = (spec.aliases ?? []).map((a) => `\`${a}\``).join(', ');
      lines.push(`| \`${signature(spec)}\` | ${also} | ${(FUNCTION_NOTES[spec.name] ?? '').replace(/\|/g, '\\|')} |`);
    }
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
