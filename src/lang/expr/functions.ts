import type { FunctionSpec } from './call-site.js';
import { COLLECTION_FUNCTIONS } from './functions-collections.js';
import { DATA_FUNCTIONS } from './functions-data.js';
import { EXTRACT_FUNCTIONS } from './functions-extract.js';
import { TEXT_FUNCTIONS } from './functions-text.js';
import { TIME_FUNCTIONS } from './functions-time.js';

/** Forms the compiler takes apart itself (compile.ts): the spec gives their name and arity. */
export const COMPILER_FORMS: readonly FunctionSpec[] = [
  { name: 'strict', params: ['value', 'source?'], call: (_site, v) => v },
];

/** Every built-in function under each of its names; the set is fixed, so names are checked at load time. */
const BY_NAME: ReadonlyMap<string, FunctionSpec> = new Map(
  [...TEXT_FUNCTIONS, ...DATA_FUNCTIONS, ...COMPILER_FORMS, ...COLLECTION_FUNCTIONS, ...EXTRACT_FUNCTIONS, ...TIME_FUNCTIONS].flatMap((spec) =>
    [spec.name, ...(spec.aliases ?? [])].map((name) => [name, spec] as const),
  ),
);

export const findFunction = (name: string): FunctionSpec | undefined => BY_NAME.get(name);

export const isFunctionName = (name: string): boolean => BY_NAME.has(name);

export const functionNames = (): string[] => [...BY_NAME.keys()].sort();

/** How many arguments a function takes, from its parameter list; a repeated parameter may be absent. */
export function arity(spec: FunctionSpec): { min: number; max: number } {
  const last = spec.params[spec.params.length - 1];
  const min = spec.params.filter((p) => !p.endsWith('?') && !p.startsWith('...')).length;
  return { min, max: last?.startsWith('...') === true ? Infinity : spec.params.length };
}

export function describeArity({ min, max }: { min: number; max: number }): string {
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (max === 0) return 'no arguments';
  if (max === Infinity) return `at least ${plural(min)}`;
  if (min === max) return plural(min);
  return max === min + 1 ? `${min} or ${plural(max)}` : `${min} to ${plural(max)}`;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** Names a typo probably meant: a small edit away, or the same name under another namespace. */
export function closeNames(name: string): string[] {
  const tail = (n: string): string => n.slice(n.lastIndexOf(':') + 1);
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return functionNames().filter((known) => distance(name, known) <= limit || tail(known) === tail(name));
}
