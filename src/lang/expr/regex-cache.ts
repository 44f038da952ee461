import { evalError } from './errors.js';
import { inText } from './values.js';

/**
 * A pattern that arrives as a string at run time (`event.name ~= args.pattern`) is compiled once and
 * kept until a different one comes; one entry suffices, since the pattern rarely changes per event.
 */
export class RegexCache {
  #pattern: string | undefined;
  #regex: RegExp | undefined;

  constructor(readonly text: string) {}

  get(pattern: string): RegExp {
    if (pattern === this.#pattern && this.#regex !== undefined) return this.#regex;
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (err) {
      throw evalError(`invalid regex ${JSON.stringify(pattern)} (${(err as Error).message}) ${inText(this.text)}`);
    }
    this.#pattern = pattern;
    this.#regex = regex;
    return regex;
  }
}
