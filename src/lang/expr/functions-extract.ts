import { callFailed, str, type CallSite, type FunctionSpec } from './call-site.js';
import { compileDissect, globRegex, type Dissect } from './dissect.js';
import { syntaxError } from './errors.js';
import type { Node } from './ast.js';
import { defineKey } from './values.js';

/**
 * Extraction: structure out of text (`dissect`, `captures`) and text tests (`glob`). Each returns
 * null (or false) when the text does not fit, so a condition can test it; a pattern that is not
 * one is a load-time error when it is written as a literal. Tremor's `~=` extractors compile to
 * these.
 */

/** One compiled pattern per call site, kept until a different one comes (it rarely changes). */
function cached<T>(compile: (pattern: string) => T | string): (site: CallSite, pattern: string) => T {
  const last = new WeakMap<CallSite, { pattern: string; value: T }>();
  return (site, pattern) => {
    const hit = last.get(site);
    if (hit !== undefined && hit.pattern === pattern) return hit.value;
    const value = compile(pattern);
    if (typeof value === 'string') throw callFailed(site, `invalid pattern ${JSON.stringify(pattern)}: ${value}`);
    last.set(site, { pattern, value });
    return value;
  };
}

const dissects = cached<Dissect>(compileDissect);
const globs = cached<RegExp>(globRegex);

/** Checks a literal pattern at load time. */
const literalPattern =
  (compile: (pattern: string) => unknown): ((args: readonly Node[]) => void) =>
  (args) => {
    const p = args[1];
    if (p?.kind !== 'literal' || typeof p.value !== 'string') return;
    let problem: unknown;
    try {
      problem = compile(p.value);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (typeof problem === 'string') throw syntaxError(`invalid pattern at ${p.start}: ${problem}`, p.start);
  };

export const EXTRACT_FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'dissect',
    params: ['s', 'pattern'],
    call: (site, s, p) => dissects(site, str(site, 1, p))(str(site, 0, s)),
    check: literalPattern(compileDissect),
  },
  {
    name: 'glob',
    params: ['s', 'pattern'],
    call: (site, s, p) => globs(site, str(site, 1, p)).test(str(site, 0, s)),
    check: literalPattern(globRegex),
  },
  {
    name: 'captures',
    params: ['s', 'pattern'],
    call: (site, s, p) => {
      const m = (p instanceof RegExp ? p : site.regexes.get(str(site, 1, p))).exec(str(site, 0, s));
      if (m === null) return null;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) defineKey(out, k, v);
      return out;
    },
    check: literalPattern((p) => new RegExp(p)),
  },
];
