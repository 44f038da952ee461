import nodePath from 'node:path';
import JSON5 from 'json5';
import { quote, RuntimeError } from '../sdk/errors.js';
import { redactValues } from '../sdk/redact.js';
import { tooDeep, tooDeepMessage } from '../lang/source/depth.js';
import { didYouMean } from '../sdk/suggest.js';
import type { PathKey } from '../lang/source/locate.js';

/**
 * `${args.name}`, `${env:NAME}` and `${env:NAME:-default}` inside string values. A string that is
 * exactly one placeholder takes the argument's own value (a number stays a number); placeholders
 * inside longer strings are interpolated as text. `$${` writes a literal `${`.
 */
export interface Scope {
  readonly args: Readonly<Record<string, unknown>>;
  /** Other schemes such as `env`: `${scheme:name}` or `${scheme:name:-default}`. */
  readonly resolvers: Readonly<Record<string, (name: string) => unknown>>;
  /**
   * Every value substituted from the environment so far in this load, shared by the scopes made
   * from this one: a message that quotes one shows `***` instead, also where it arrived by an arg.
   */
  readonly secrets?: Set<string>;
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

export interface SubstitutionReport {
  error: SubstitutionError;
  /**
   * The value at `path` holds values from the environment (`parts`): `real` is the string as
   * substituted, `shown` the same with each of them as `***` (both undefined when not a string).
   */
  secret?(path: PathKey, parts: readonly string[], real: string | undefined, shown: string | undefined): void;
}

/** Schemes whose values are treated as secrets in messages. */
const SECRET_SCHEMES: ReadonlySet<string> = new Set(['env']);

const PLACEHOLDER = /\$(\$)?\{([^}]*)\}/g;

export const envResolver = (env: NodeJS.ProcessEnv = process.env) => (name: string): unknown => env[name];

type Found = { value: unknown; secrets?: readonly string[] } | { error: string };

/** The secrets of this load that `value` holds, as text. */
function secretsIn(value: unknown, scope: Scope): string[] | undefined {
  if (scope.secrets === undefined || scope.secrets.size === 0) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  const held = [...scope.secrets].filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
  return held.length === 0 ? undefined : held;
}

function lookup(expr: string, scope: Scope): Found {
  const trimmed = expr.trim();
  if (trimmed.startsWith('args.') || trimmed === 'args') {
    const segments = trimmed === 'args' ? [] : trimmed.slice(5).split('.');
    let value: unknown = scope.args;
    for (const [i, seg] of segments.entries()) {
      // Own keys only: `${args.toString}` names no arg, whatever Object.prototype holds.
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, seg)) {
        const known = i === 0 ? Object.keys(scope.args) : Object.keys((value ?? {}) as object);
        return { error: `unknown arg ${JSON.stringify(segments.slice(0, i + 1).join('.'))} in "\${${trimmed}}"; ${didYouMean(seg, known)}known: ${known.join(', ') || '(none)'}` };
      }
      value = (value as Record<string, unknown>)[seg];
    }
    const secrets = secretsIn(value, scope);
    return secrets === undefined ? { value } : { value, secrets };
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
  if (value !== undefined) {
    if (!SECRET_SCHEMES.has(scheme) || typeof value !== 'string' || value === '') return { value };
    scope.secrets?.add(value);
    return { value, secrets: [value] };
  }
  if (dflt >= 0) return { value: rest.slice(dflt + 2) };
  return { error: `${scheme} ${JSON.stringify(name)} is not set (write \${${scheme}:${name}:-default} for a default)` };
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

export function substituteString(text: string, scope: Scope, path: PathKey, report: SubstitutionError | SubstitutionReport): unknown {
  if (!text.includes('${')) return text;
  const { error, secret } = typeof report === 'function' ? { error: report, secret: undefined } : report;
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole) {
    const found = lookup(whole[1] ?? '', scope);
    if ('error' in found) {
      error(path, found.error);
      return text;
    }
    if (found.secrets !== undefined && secret !== undefined) {
      const real = typeof found.value === 'string' ? found.value : undefined;
      secret(path, found.secrets, real, real === undefined ? undefined : redactValues(real, found.secrets));
    }
    return found.value;
  }
  const secrets: string[] = [];
  // What each placeholder shows in messages: its value, with the secrets it holds as ***.
  const shownParts: string[] = [];
  const real = text.replace(PLACEHOLDER, (match, escaped: string | undefined, expr: string) => {
    if (escaped) {
      shownParts.push(match.slice(1));
      return match.slice(1);
    }
    const found = lookup(expr, scope);
    if ('error' in found) {
      error(path, found.error);
      shownParts.push(match);
      return match;
    }
    const v = textOf(found.value);
    if (found.secrets !== undefined) secrets.push(...found.secrets);
    shownParts.push(found.secrets === undefined ? v : redactValues(v, found.secrets));
    return v;
  });
  if (secrets.length > 0 && secret !== undefined) {
    let i = 0;
    secret(path, secrets, real, text.replace(PLACEHOLDER, () => shownParts[i++]!));
  }
  return real;
}

/** Substitutes in every string of a JSON-like value; returns a new value, the input is untouched. */
export function substitute(value: unknown, scope: Scope, report: SubstitutionError | SubstitutionReport, path: PathKey = []): unknown {
  if (typeof value === 'string') return substituteString(value, scope, path, report);
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, scope, report, [...path, i]));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // fromEntries defines keys, so a key written "__proto__" stays a key rather than a prototype.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, scope, report, [...path, k])]));
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
  let value: unknown;
  try {
    value = JSON5.parse(raw);
  } catch {
    return [name, raw];
  }
  if (tooDeep(value) !== undefined) {
    throw new RuntimeError('ERR_USAGE', `--arg ${name}: ${tooDeepMessage()}`);
  }
  return [name, value];
}
