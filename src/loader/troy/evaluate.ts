import { isDeepStrictEqual } from 'node:util';
import type { PathKey } from '../../lang/source/locate.js';
import type { Expr, Segment } from '../../lang/troy/ast.js';
import { TroyError, unsupported, type Place } from '../../lang/troy/errors.js';
import { resolveFunction } from './functions.js';

/**
 * The values of a deployment: args, `with` settings and connector configs. In Tremor these are
 * computed once, when the flow is deployed, from constants and args; tremolo does the same while
 * it loads the file, so a .troy flow becomes a JSON5 flow with plain values.
 */
export interface EvalScope {
  readonly args: Readonly<Record<string, unknown>>;
  /** What `args` is, for messages: "flow main", "connector definition read_file". */
  readonly owner: string;
}

/**
 * A `with` setting that must be a whole number of at least `min` (an operator's count, a window's
 * size): refused at the value's place, quoting what was received.
 */
export function wholeNumberSetting(name: string, value: unknown, at: Place, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TroyError('ERR_CONFIG_INVALID', at, `${name} is ${what}, received ${JSON.stringify(value)}`);
  }
  return value;
}

/** Records where each part of a value is written, for placing later problems. */
export type Mark = (path: PathKey, at: Place, what: 'key' | 'value') => void;

const NANOS: Readonly<Record<string, number>> = {
  from_nanos: 1,
  from_micros: 1e3,
  from_millis: 1e6,
  from_seconds: 1e9,
  from_minutes: 60e9,
  from_hours: 3600e9,
  from_days: 86400e9,
};

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'record' : typeof v);

/** How a value reads inside a string: strings as they are, anything else as JSON. */
export const textOf = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function evaluate(expr: Expr, scope: EvalScope, mark?: Mark, path: PathKey = []): unknown {
  mark?.(path, expr.at, 'value');
  const fail = (message: string, at: Place = expr.at): never => {
    throw new TroyError('ERR_FLOW_INVALID', at, message);
  };
  switch (expr.kind) {
    case 'literal':
      return typeof expr.value === 'bigint' ? Number(expr.value) : expr.value;
    case 'string':
      return expr.parts.map((p) => (typeof p === 'string' ? p : textOf(evaluate(p, scope)))).join('');
    case 'array':
      return expr.items.map((item, i) => evaluate(item, scope, mark, [...path, i]));
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const field of expr.fields) {
        const key = evaluate(field.key, scope) as string;
        mark?.([...path, key], field.at, 'key');
        out[key] = evaluate(field.value, scope, mark, [...path, key]);
      }
      return out;
    }
    case 'path': {
      if (expr.root !== 'args') {
        const name = expr.root === 'meta' ? '$' : expr.root === 'local' ? expr.name! : expr.root;
        return fail(`\`${name}\` has no value here: settings and args are computed when the flow is deployed, before any event`);
      }
      return walk(scope.args, expr.segments, scope, `args of ${scope.owner}`);
    }
    case 'expr-path':
      return walk(evaluate(expr.base, scope), expr.segments, scope, 'the value');
    case 'const':
      throw unsupported(expr.at, expr.path.join('::'), 'module constants have no counterpart in tremolo');
    case 'call': {
      const fn = resolveFunction(expr.module, expr.name);
      const factor = fn.startsWith('nanos::') ? NANOS[fn.slice('nanos::'.length)] : undefined;
      if (factor === undefined) throw unsupported(expr.at, `${[...expr.module, expr.name].join('::')}(...)`, 'in settings and args, only the nanos:: helpers are computed');
      if (expr.args.length !== 1) return fail(`${fn} takes one argument, got ${expr.args.length}`);
      const n = evaluate(expr.args[0]!, scope);
      if (typeof n !== 'number') return fail(`${fn} takes a number, got ${typeOf(n)}`, expr.args[0]!.at);
      return Math.round(n * factor);
    }
    case 'unary': {
      const v = evaluate(expr.operand, scope);
      if (expr.op === 'not') return typeof v === 'boolean' ? !v : fail(`"not" takes a boolean, got ${typeOf(v)}`);
      if (expr.op === '!') throw unsupported(expr.at, '!', 'write "not" for booleans');
      if (typeof v !== 'number') return fail(`"${expr.op}" takes a number, got ${typeOf(v)}`);
      return expr.op === '-' ? -v : v;
    }
    case 'binary':
      return binary(expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope), fail);
    case 'present':
    case 'match':
      throw unsupported(expr.at, expr.kind === 'match' ? 'match' : expr.absent ? 'absent' : 'present', 'settings and args are plain values: write the value itself');
  }
}

function walk(value: unknown, segments: readonly Segment[], scope: EvalScope, what: string): unknown {
  let current = value;
  let shown = what;
  for (const seg of segments) {
    if (seg.kind === 'range') throw unsupported(seg.at, '[start:end]', 'ranges have no counterpart in tremolo');
    const key = seg.kind === 'field' ? seg.name : evaluate(seg.index, scope);
    if (Array.isArray(current) && typeof key === 'number') {
      if (!Number.isInteger(key) || key < 0 || key >= current.length) throw new TroyError('ERR_FLOW_INVALID', seg.at, `index ${key} is out of bounds of ${shown} (length ${current.length})`);
      current = current[key];
    } else if (current !== null && typeof current === 'object' && !Array.isArray(current) && typeof key === 'string') {
      const record = current as Record<string, unknown>;
      if (!Object.hasOwn(record, key)) {
        const known = Object.keys(record);
        const code = shown.startsWith('args of') ? 'ERR_ARG_UNKNOWN' : 'ERR_FLOW_INVALID';
        throw new TroyError(code, seg.at, `unknown ${shown.startsWith('args of') ? 'arg' : 'field'} ${JSON.stringify(key)} in ${shown}; known: ${known.join(', ') || '(none)'}`);
      }
      current = record[key];
    } else {
      throw new TroyError('ERR_FLOW_INVALID', seg.at, `cannot read ${JSON.stringify(key)} of ${shown}, a ${typeOf(current)}`);
    }
    shown = `${shown}.${String(key)}`;
  }
  return current;
}

function binary(op: string, a: unknown, b: unknown, fail: (message: string) => never): unknown {
  switch (op) {
    case 'and':
    case 'or':
    case 'xor':
      if (typeof a !== 'boolean' || typeof b !== 'boolean') return fail(`"${op}" takes booleans, got ${typeOf(a)} and ${typeOf(b)}`);
      return op === 'and' ? a && b : op === 'or' ? a || b : a !== b;
    case '==':
      return isDeepStrictEqual(a, b);
    case '!=':
      return !isDeepStrictEqual(a, b);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) {
        return fail(`"${op}" compares two numbers or two strings, got ${typeOf(a)} and ${typeOf(b)}`);
      }
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (typeof a === 'number' && typeof b === 'number') return a + b;
      return fail(`"+" adds two numbers or joins two strings, got ${typeOf(a)} and ${typeOf(b)}`);
    case '-':
    case '*':
    case '/':
    case '%':
      if (typeof a !== 'number' || typeof b !== 'number') return fail(`"${op}" takes numbers, got ${typeOf(a)} and ${typeOf(b)}`);
      if ((op === '/' || op === '%') && b === 0) return fail('division by zero');
      return op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
    default:
      return fail(`\`${op}\` is not supported yet: bitwise operators have no counterpart in tremolo`);
  }
}
