/**
 * RQL, Eclipse Ditto's filter language, as a second expression syntax: `and(eq(attributes/type,"car"),
 * gt(features/speed/properties/value,100))`. A filter is parsed and compiled once into plain
 * synchronous closures; `matches` reads the value it is given through Ditto JSON pointers, and
 * placeholders (`topic:action`, `time:now`...) from the context. The grammar is in `parse.ts`, what
 * comparisons mean in `compare.ts`.
 */
import { compileQuery } from './compile.js';
import { parseRql } from './parse.js';

export interface RqlContext {
  /** Placeholder values by full name: `{ "topic:action": "modified", "header:x-id": "7" }`. */
  readonly placeholders?: Readonly<Record<string, unknown>>;
}

export interface RqlFilter {
  readonly source: string;
  matches(value: unknown, ctx?: RqlContext): boolean;
}

/** Throws ERR_EXPR_SYNTAX with `details.offset` (0-based into `source`) for invalid RQL. */
export function compileRql(source: string): RqlFilter {
  const test = compileQuery(parseRql(source));
  return { source, matches: (value, ctx) => test(value, ctx?.placeholders) };
}
