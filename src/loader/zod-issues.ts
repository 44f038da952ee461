import type { z } from 'zod';
import { quote } from '../sdk/errors.js';
import type { PathKey } from '../lang/source/locate.js';

/**
 * Turns zod issues into tremolo's messages: what was expected, and the value actually received,
 * quoted (zod's own messages name only the received type). Unknown keys list the known ones.
 */
export interface Described {
  readonly path: PathKey;
  readonly message: string;
  /** Unknown keys are placed at the key, everything else at the value. */
  readonly at: 'key' | 'value';
}

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'a record',
  array: 'an array',
  bigint: 'a bigint',
  null: 'null',
  undefined: 'nothing',
  tuple: 'an array',
  record: 'a record',
};

const typeName = (t: string): string => TYPE_NAMES[t] ?? t;

export function valueAt(root: unknown, path: PathKey): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** The keys a (possibly wrapped) object schema at `path` accepts, for "expected one of" lists. */
export function knownKeys(schema: AnySchema, path: PathKey): string[] {
  const found = new Set<string>();
  const visit = (s: AnySchema | undefined, rest: PathKey, depth: number): void => {
    if (s === undefined || depth > 50) return;
    const def = s._zod.def as unknown as Record<string, any>;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        return visit(def.innerType, rest, depth + 1);
      case 'pipe':
        // A preprocess is a pipe whose input side is a transform: the object is on the output side.
        visit(def.in, rest, depth + 1);
        visit(def.out, rest, depth + 1);
        return;
      case 'lazy':
        return visit(def.getter(), rest, depth + 1);
      case 'union':
        for (const o of def.options as AnySchema[]) visit(o, rest, depth + 1);
        return;
      case 'intersection':
        visit(def.left, rest, depth + 1);
        visit(def.right, rest, depth + 1);
        return;
      case 'object': {
        if (rest.length === 0) {
          for (const k of Object.keys(def.shape)) found.add(k);
          return;
        }
        const [head, ...tail] = rest;
        return visit(def.shape[String(head)], tail, depth + 1);
      }
      case 'record':
        if (rest.length > 0) visit(def.valueType, rest.slice(1), depth + 1);
        return;
      case 'array':
        if (rest.length > 0) visit(def.element, rest.slice(1), depth + 1);
        return;
      case 'tuple':
        if (rest.length > 0) visit((def.items as AnySchema[])[Number(rest[0])] ?? def.rest, rest.slice(1), depth + 1);
        return;
      default:
        return;
    }
  };
  visit(schema, path, 0);
  return [...found].filter((k) => k !== '$schema').sort();
}

function bound(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const i = issue as unknown as { origin: string; minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean };
  const small = issue.code === 'too_small';
  const limit = small ? i.minimum : i.maximum;
  const op = small ? (i.inclusive ? '>=' : '>') : i.inclusive ? '<=' : '<';
  if (i.origin === 'array') return `expected an array of ${small ? 'at least' : 'at most'} ${limit} items`;
  if (i.origin === 'string') return `expected a string of ${small ? 'at least' : 'at most'} ${limit} characters`;
  return `expected a number ${op} ${limit}`;
}

function describeOne(issue: Issue, schema: AnySchema, input: unknown, prefix: PathKey): Described[] {
  const path = [...prefix, ...(issue.path as PathKey)];
  const received = valueAt(input, path);
  const got = received === undefined ? 'nothing' : quote(received);
  switch (issue.code) {
    case 'invalid_type': {
      if (received === undefined) return [{ path, at: 'key', message: `missing; expected ${typeName(issue.expected)}` }];
      return [{ path, at: 'value', message: `expected ${typeName(issue.expected)}, received ${got}` }];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => quote(v));
      const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return [{ path, at: 'value', message: `expected ${expected}, received ${got}` }];
    }
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      return issue.keys.map((k) => ({
        path: [...path, k],
        at: 'key' as const,
        message: `unknown key ${JSON.stringify(k)}; expected one of: ${known.join(', ')}`,
      }));
    }
    case 'invalid_union': {
      const branches = issue.errors as Issue[][];
      const onlyTypes = branches.every((b) => b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0);
      if (onlyTypes || branches.length === 0) {
        const expected = [...new Set(branches.map((b) => typeName((b[0] as { expected: string }).expected)))];
        const msg = issue.message !== 'Invalid input' ? issue.message : `expected ${expected.join(' or ')}`;
        return [{ path, at: 'value', message: `${msg}, received ${got}` }];
      }
      // The branch that got furthest into the value is the one the author meant.
      const depth = (b: Issue[]): number => Math.max(...b.map((i) => i.path.length));
      const best = branches.filter((b) => !(b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0));
      best.sort((a, b) => depth(b) - depth(a));
      return (best[0] ?? []).flatMap((i) => describeOne(i, schema, input, path));
    }
    case 'too_small':
    case 'too_big':
      return [{ path, at: 'value', message: `${bound(issue)}, received ${got}` }];
    case 'invalid_format':
      return [{ path, at: 'value', message: `expected ${issue.format === 'regex' ? 'a string matching ' + (issue as { pattern?: string }).pattern : issue.format}, received ${got}` }];
    default:
      return [{ path, at: 'value', message: issue.message }];
  }
}

export function describeIssues(issues: readonly Issue[], schema: AnySchema, input: unknown, prefix: PathKey = []): Described[] {
  return issues.flatMap((i) => describeOne(i, schema, input, prefix));
}
