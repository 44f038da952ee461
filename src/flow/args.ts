import nodePath from 'node:path';
import JSON5 from 'json5';
import { quote, RuntimeError } from '../runtime/errors.js';
import { didYouMean } from '../runtime/suggest.js';
import type { PathKey } from './locate.js';

/**
 * `${args.name}`, `${env:NAME}` and `${env:NAME:-default}` inside string values. A string that is
 * exactly one placeholder takes the argument's own value (a number stays a number); placeholders
 * inside longer strings are interpolated as text. `$${` writes a literal `${`.
 */
export interface Scope {
  readonly args: Readonly<Record<string, unknown>>;
  /** Other schemes such as `env`: `${scheme:name}` or `${scheme:name:-default}`. */
  readonly resolvers: Readonly<Record<string, (name: string) => unknown>>;
}

/**
 * The scope of a string written in a file at `dir`: `${path:REL}` is REL resolved against that
 * folder, so a flow or module can name its own assets wherever it is run from.
 */
export const inFile = (scope: Scope, dir: string): Scope => ({
  ...scope,
  resolvers: { ...scope.resolvers, path: (rel: string) => nodePath.resolve(dir, rel) },
});

export type SubstitutionError = (path: PathKey, message: string) => void;

const PLACEHOLDER = /\$(\$)?\{([^}]*)\}/g;

export const envResolver = (env: NodeJS.ProcessEnv = process.env) => (name: string): unknown => env[name];

function lookup(expr: string, scope: Scope): { value: unknown } | { error: string } {
  const trimmed = expr.trim();
  if (trimmed.startsWith('args.') || trimmed === 'args') {
    const segments = trimmed === 'args' ? [] : trimmed.slice(5).split('.');
    let value: unknown = scope.args;
    for (const [i, seg] of segments.entries()) {
      if (value === null || typeof value !== 'object' || !(seg in value)) {
        const known = i === 0 ? Object.keys(scope.args) : Object.keys((value ?? {}) as object);
        return { error: `unknown arg ${JSON.stringify(segments.slice(0, i + 1).join('.'))} in "\${${trimmed}}"; ${didYouMean(seg, known)}known: ${known.join(', ') || '(none)'}` };
      }
      value = (value as Record<string, unknown>)[seg];
    }
    return { value };
  }
  const colon = trimmed.indexOf(':');
  const scheme = colon < 0 ? '' : trimmed.slice(0, colon);
  const resolver = scope.resolvers[scheme];
  if (colon < 0 || resolver === undefined) {
    const schemes = ['args.NAME', ...Object.keys(scope.resolvers).map((s) => `${s}:NAME`)];
    return { error: `unknown placeholder "\${${trimmed}}"; expected one of ${schemes.map((s) => `\${${s}}`).join(', ')}` };
  }
  const rest = trimmed.slice(colon + 1);
  const dflt = rest.indexOf(':-');
  const name = dflt < 0 ? rest : rest.slice(0, dflt);
  const value = resolver(name);
  if (value !== undefined) return { value };
  if (dflt >= 0) return { value: rest.slice(dflt + 2) };
  return { error: `${scheme} ${JSON.stringify(name)} is not set (write \${${scheme}:${name}:-default} for a default)` };
}

export function substituteString(text: string, scope: Scope, path: PathKey, onError: SubstitutionError): unknown {
  if (!text.includes('${')) return text;
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole) {
    const found = lookup(whole[1] ?? '', scope);
    if ('error' in found) {
      onError(path, found.error);
      return text;
    }
    return found.value;
  }
  return text.replace(PLACEHOLDER, (match, escaped: string | undefined, expr: string) => {
    if (escaped) return match.slice(1);
    const found = lookup(expr, scope);
    if ('error' in found) {
      onError(path, found.error);
      return match;
    }
    const v = found.value;
    return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  });
}

/** Substitutes in every string of a JSON-like value; returns a new value, the input is untouched. */
export function substitute(value: unknown, scope: Scope, onError: SubstitutionError, path: PathKey = []): unknown {
  if (typeof value === 'string') return substituteString(value, scope, path, onError);
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, scope, onError, [...path, i]));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, scope, onError, [...path, k]);
    return out;
  }
  return value;
}

/** `--arg name=value`: the value is JSON5 where it parses as such, else the text itself. */
export function parseArgOption(option: string): [string, unknown] {
  const eq = option.indexOf('=');
  if (eq <= 0) {
    throw new RuntimeError('ERR_USAGE', `--arg expects name=value, received ${quote(option)}`);
  }
  const name = option.slice(0, eq);
  const raw = option.slice(eq + 1);
  try {
    return [name, JSON5.parse(raw)];
  } catch {
    return [name, raw];
  }
}
