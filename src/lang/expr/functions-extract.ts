import { callFailed, regex, str, type CallSite, type FunctionSpec } from './call-site.js';
import { compileDissect, globRegex, type Dissect } from './dissect.js';
import { literalPattern, regexOrReason } from './regex-cache.js';
import { defineKey } from './values.js';

/**
 * Extraction: structure out of text (`dissect`, `captures`) and text tests (`glob`). Each returns
 * null (or false) when the text does not fit, so a condition can test it; a pattern that is not
 * one is a load-time error when it is written as a literal. Tremor's `~=` extractors compile to
 * these.
 */

/** The site's pattern compiled by `compile`, kept until a different one comes (it rarely changes). */
function compiled<T extends object>(site: CallSite, pattern: string, compile: (pattern: string) => T | string): T {
  const value = site.regexes.compiled(pattern, compile);
  if (typeof value === 'string') throw callFailed(site, `invalid pattern ${JSON.stringify(pattern)}: ${value}`);
  return value;
}

export const EXTRACT_FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'dissect',
    params: ['s', 'pattern'],
    call: (site, s, p) => compiled(site, str(site, 1, p), compileDissect)(str(site, 0, s)),
    check: literalPattern(compileDissect, 'pattern'),
  },
  {
    name: 'glob',
    params: ['s', 'pattern'],
    call: (site, s, p) => compiled(site, str(site, 1, p), globRegex).test(str(site, 0, s)),
    check: literalPattern(globRegex, 'pattern'),
  },
  {
    name: 'captures',
    params: ['s', 'pattern'],
    call: (site, s, p) => {
      const m = regex(site, 1, p).exec(str(site, 0, s));
      if (m === null) return null;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) defineKey(out, k, v);
      return out;
    },
    check: literalPattern(regexOrReason, 'pattern'),
    regexArg: 1,
  },
];
