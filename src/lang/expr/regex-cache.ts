import type { Node } from './ast.js';
import { evalError, syntaxError } from './errors.js';
import { inText } from './values.js';

/** A regex as `~=`, `matches` and `captures` take it, or the reason the pattern is not one. */
export function regexOrReason(pattern: string): RegExp | string {
  try {
    return new RegExp(pattern);
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * A pattern that arrives as a string at run time (`event.name ~= args.pattern`, `dissect(s, args.p)`)
 * is compiled once and kept until a different one comes; one entry suffices, since the pattern
 * rarely changes per event. One per call site: a site calls one function, whose patterns are all
 * of one kind (regexes, dissect patterns or globs).
 */
export class RegexCache {
  #pattern: string | undefined;
  #compile: ((pattern: string) => object | string) | undefined;
  #value: object | undefined;

  constructor(readonly text: string) {}

  get(pattern: string): RegExp {
    const regex = this.compiled(pattern, regexOrReason);
    if (typeof regex === 'string') throw evalError(`invalid regex ${JSON.stringify(pattern)} (${regex}) ${inText(this.text)}`);
    return regex;
  }

  /** `pattern` compiled by `compile`, or the reason it is not a pattern (which is not kept). */
  compiled<T extends object>(pattern: string, compile: (pattern: string) => T | string): T | string {
    if (pattern === this.#pattern && compile === this.#compile) return this.#value as T;
    const value = compile(pattern);
    if (typeof value === 'string') return value;
    this.#pattern = pattern;
    this.#compile = compile;
    this.#value = value;
    return value;
  }
}

/**
 * The load-time check of a call whose second argument is a pattern: a literal one that is not a
 * pattern is a syntax error placed at it, "invalid <what> at <offset>: <reason>".
 */
export const literalPattern =
  (compile: (pattern: string) => unknown, what: 'regex' | 'pattern'): ((args: readonly Node[]) => void) =>
  (args) => {
    const p = args[1];
    if (p?.kind !== 'literal' || typeof p.value !== 'string') return;
    let problem: unknown;
    try {
      problem = compile(p.value);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (typeof problem === 'string') throw syntaxError(`invalid ${what} at ${p.start}: ${problem}`, p.start);
  };
