/**
 * A part of ThingsDB's query language, enough for what clients commonly send to the stand-alone
 * endpoint: statements separated by `;` (the value of the last one is the answer, or that of
 * `return value, deep;`), literals (int, float, 'str' or "str" with doubled quotes inside, true,
 * false, nil, [lists], {things}, closures `|x| x + 1`), variables (the request's `vars`, procedure
 * arguments, `x = ...`), properties of the collection's root and of things (`.name`, `.a.b`,
 * `.name = ...`), `+ - * / %` (int / int is an int, truncated, as in ThingsDB), comparisons, `!`,
 * `&&`, `||`, parentheses, and the functions and methods of thingsdb-functions.ts. A thing stored
 * in the collection gets its `#` id as on a node. Errors carry ThingsDB's codes and texts (values: thingsdb-values.ts).
 */
import { call, method, unsupported, type QueryContext } from './thingsdb-functions.js';
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';
import { tokenize, syntax, type Token } from './thingsdb-tokens.js';
import { Closure, define, equal, idOf, isThing, truthy, typeName, type Thing, type Value } from './thingsdb-values.js';

export { equal, fromPlain, typeName, type Thing, type Value } from './thingsdb-values.js';
export type { QueryContext } from './thingsdb-functions.js';

export interface CodeScope {
  /** The collection's root thing; undefined in the @thingsdb and @node scopes. */
  readonly root: Thing | undefined;
  readonly vars: Record<string, Value>;
  /** The endpoint behind the query (collections, procedures, rooms); without it, functions that need one are unsupported. */
  readonly node?: QueryContext | undefined;
}

/** A query's value, how many levels of things it is packed with (`return x, deep;`, else 1), and whether without ids (`return x, deep, NO_IDS;`). */
export interface Answer {
  readonly value: Value;
  readonly deep: number;
  readonly noIds?: boolean;
}

/** The flag of `return x, deep, NO_IDS;`, as the node numbers it. */
export const NO_IDS = 32n;
/** Names the language defines, read where no variable has the name. */
const CONSTANTS: Readonly<Record<string, Value>> = { NO_IDS };

type Eval = (scope: CodeScope) => Value;
interface Node {
  readonly get: Eval;
  /** Present when the node can be assigned to (a variable or a property). */
  readonly set?: (scope: CodeScope, value: Value) => void;
}

/** ThingsDB's own bound on how deep a query's syntax may nest (it answers -52 past it). */
export const MAX_NESTING = 300;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `return` unwinds the statements; caught where the code began. */
class Return {
  constructor(readonly answer: Answer) {}
}

const typeError = (op: string, a: Value, b: Value): ThingsdbError =>
  new ThingsdbError(ErrorCode.TYPE_ERROR, `\`${op}\` not supported between \`${typeName(a)}\` and \`${typeName(b)}\``);

/** An int within ThingsDB's 64 bits, else its overflow error. */
export function checked(n: bigint): bigint {
  if (n < INT64_MIN || n > INT64_MAX) throw new ThingsdbError(ErrorCode.OVERFLOW, 'integer overflow');
  return n;
}

const isNumber = (v: Value): v is bigint | number => typeof v === 'bigint' || typeof v === 'number';

/** The longest string a query may make: what could never be answered (ThingsDB's result_size_limit) is not built. */
export const MAX_STRING = 20 * 1024 * 1024;

function arithmetic(op: string, a: Value, b: Value): Value {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') {
    if (a.length + b.length > MAX_STRING) throw new ThingsdbError(ErrorCode.MAX_QUOTA, `a string of ${a.length + b.length} characters is over the stand-alone endpoint's limit of ${MAX_STRING}`);
    return a + b;
  }
  if (!isNumber(a) || !isNumber(b)) throw typeError(op, a, b);
  if (op === '%' && (typeof a !== 'bigint' || typeof b !== 'bigint')) throw typeError(op, a, b);
  if ((op === '/' || op === '%') && b == 0) throw new ThingsdbError(ErrorCode.ZERO_DIV, 'division or modulo by zero');
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    // BigInt division truncates toward zero, as ThingsDB's int division does.
    if (op === '+') return checked(a + b);
    if (op === '-') return checked(a - b);
    if (op === '*') return checked(a * b);
    return checked(op === '%' ? a % b : a / b);
  }
  // An int with a float is a float.
  const [x, y] = [Number(a), Number(b)];
  return op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
}

function compare(op: string, a: Value, b: Value): boolean {
  if (op === '==' || op === '!=') return equal(a, b) === (op === '==');
  if (!((isNumber(a) && isNumber(b)) || (typeof a === 'string' && typeof b === 'string'))) throw typeError(op, a, b);
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

// An unstored thing is `#0` in the node's texts.
const thingName = (t: Thing): string => `thing \`#${idOf(t) ?? 0}\``;

function property(owner: Value, name: string): Value {
  if (!isThing(owner)) throw new ThingsdbError(ErrorCode.TYPE_ERROR, `type \`${typeName(owner)}\` has no properties`);
  if (!Object.hasOwn(owner, name)) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `${thingName(owner)} has no property \`${name}\``);
  return owner[name]!;
}

function rootOf(scope: CodeScope): Thing {
  if (scope.root !== undefined) return scope.root;
  if (scope.node?.scope.kind === 'thingsdb') throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, 'the `root` of the `@thingsdb` scope is inaccessible; you might want to query a `@collection` scope?');
  if (scope.node?.scope.kind === 'node') throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, 'the `root` of the `@node` scope is inaccessible; you might want to query a `@collection` scope?');
  throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, 'this scope has no root thing; properties need a collection scope');
}

/** Parses the whole of `code`, then runs it in `scope`: the answer and its depth. */
export function runQuery(code: string, scope: CodeScope): Answer {
  const statements = parse(code);
  try {
    let value: Value = null;
    for (const statement of statements) value = statement(scope);
    return { value, deep: 1 };
  } catch (err) {
    if (err instanceof Return) return err.answer;
    throw err;
  }
}

/** The value of `code` run in `scope`. */
export const runCode = (code: string, scope: CodeScope): Value => runQuery(code, scope).value;

/** ThingsDB's TI_CLOSURE_MAX_RECURSION_DEPTH: calls of one closure under way at once. */
export const MAX_RECURSION = 24;

/** A closure called with `args` (missing ones are nil, extra ones ignored, as on the node). */
export function runClosure(closure: Closure, args: readonly Value[], scope: CodeScope): Answer {
  if (closure.depth === MAX_RECURSION) throw new ThingsdbError(ErrorCode.OPERATION, 'maximum recursion depth exceeded; see https://docs.thingsdb.io/v1/data-types/closure');
  const vars: Record<string, Value> = {};
  closure.params.forEach((p, i) => define(vars, p, args[i] ?? null));
  closure.depth++;
  try {
    return runQuery(closure.body, { ...scope, vars });
  } finally {
    closure.depth--;
  }
}

function parse(code: string): Eval[] {
  const tokens = tokenize(code);
  let pos = 0;
  let depth = 0;
  const peek = (): Token => tokens[pos]!;
  const is = (text: string): boolean => peek().kind === 'op' && peek().text === text;
  const fail = (t: Token = peek()): never => {
    throw syntax(code, t.at, t.kind === 'end' ? 'unexpected end of query' : `unexpected \`${t.text}\``);
  };
  const expect = (text: string): void => {
    if (!is(text)) fail();
    pos++;
  };
  const endOf = (t: Token): number => t.at + t.text.length;

  const list = <T>(close: string, item: () => T): T[] => {
    const items: T[] = [];
    while (!is(close)) {
      items.push(item());
      if (!is(close)) expect(',');
    }
    pos++;
    return items;
  };

  /** `{` starts a thing when a `key:` or `}` follows, else a block of statements (in a closure). */
  const thingAhead = (): boolean => {
    const [next, after] = [tokens[pos + 1]!, tokens[pos + 2]];
    return (next.kind === 'op' && next.text === '}') || ((next.kind === 'name' || next.kind === 'str') && after?.kind === 'op' && after.text === ':');
  };

  const closure = (start: Token): Node => {
    const params: string[] = [];
    if (start.text === '|') {
      while (!is('|')) {
        const p = tokens[pos++]!;
        if (p.kind !== 'name') fail(p);
        params.push(p.text);
        if (!is('|')) expect(',');
      }
      pos++;
    }
    let body: string;
    if (is('{') && !thingAhead()) {
      const open = tokens[pos++]!;
      while (!is('}')) {
        if (peek().kind === 'end') fail();
        if (is(';')) pos++;
        else statement();
      }
      body = code.slice(endOf(open), tokens[pos]!.at);
      pos++;
    } else {
      const from = peek().at;
      expression();
      body = code.slice(from, endOf(tokens[pos - 1]!));
    }
    const source = code.slice(start.at, endOf(tokens[pos - 1]!));
    const made = new Closure(params, body, source);
    return { get: () => made };
  };

  const args = (): Eval[] => {
    pos++;
    return list(')', expression);
  };

  const primary = (): Node => {
    const t = tokens[pos++]!;
    if (t.kind === 'num' || t.kind === 'str') return { get: () => t.value! };
    if (t.kind === 'name') {
      if (t.text === 'true' || t.text === 'false') return { get: () => t.text === 'true' };
      if (t.text === 'nil') return { get: () => null };
      if (is('(')) {
        const given = args();
        return { get: (s) => call(t.text, given, s) };
      }
      return {
        get: (s) => {
          if (Object.hasOwn(s.vars, t.text)) return s.vars[t.text]!;
          if (Object.hasOwn(CONSTANTS, t.text)) return CONSTANTS[t.text]!;
          throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `variable \`${t.text}\` is undefined`);
        },
        set: (s, v) => define(s.vars, t.text, v),
      };
    }
    if (t.kind === 'op' && (t.text === '|' || t.text === '||')) return closure(t);
    if (t.kind === 'op' && t.text === '(') {
      const inner = expression();
      expect(')');
      return { get: inner };
    }
    if (t.kind === 'op' && t.text === '[') {
      const items = list(']', expression);
      return { get: (s) => items.map((e) => e(s)) };
    }
    if (t.kind === 'op' && t.text === '{') {
      const fields = list('}', () => {
        const key = tokens[pos++]!;
        if (key.kind !== 'name' && key.kind !== 'str') fail(key);
        expect(':');
        return [String(key.value ?? key.text), expression()] as const;
      });
      return {
        get: (s) => {
          const thing: Thing = {};
          for (const [k, e] of fields) define(thing, k, e(s));
          return thing;
        },
      };
    }
    if (t.kind === 'op' && t.text === '.') {
      pos--;
      return { get: rootOf };
    }
    return fail(t);
  };

  const postfix = (): Node => {
    let node = primary();
    while (is('.')) {
      pos++;
      const name = tokens[pos++]!;
      if (name.kind !== 'name') fail(name);
      const owner = node.get;
      if (is('(')) {
        const given = args();
        node = { get: (s) => method(owner(s), name.text, given, s) };
        continue;
      }
      node = {
        get: (s) => property(owner(s), name.text),
        set: (s, v) => {
          const thing = owner(s);
          if (!isThing(thing)) throw new ThingsdbError(ErrorCode.TYPE_ERROR, `type \`${typeName(thing)}\` has no properties`);
          define(thing, name.text, v);
          // Set on a stored thing, a value is stored: its things and rooms get their ids now.
          const collection = s.node?.scope.kind === 'collection' ? s.node.scope.name : undefined;
          if (collection !== undefined && idOf(thing) !== undefined) s.node!.store.store(collection, v);
        },
      };
    }
    return node;
  };

  const unary = (): Eval => {
    if (is('-') || is('!')) {
      const op = tokens[pos++]!.text;
      nested();
      const operand = unary();
      depth--;
      return (s) => {
        const v = operand(s);
        if (op === '!') return !truthy(v);
        if (!isNumber(v)) throw new ThingsdbError(ErrorCode.TYPE_ERROR, `\`-\` not supported by type \`${typeName(v)}\``);
        return typeof v === 'bigint' ? checked(-v) : -v;
      };
    }
    return postfix().get;
  };

  const binary = (ops: readonly string[], next: () => Eval, apply: (op: string, a: Value, b: Value) => Value, once = false): (() => Eval) => () => {
    let left = next();
    while (ops.some(is)) {
      const op = tokens[pos++]!.text;
      const [l, r] = [left, next()];
      left = (s) => apply(op, l(s), r(s));
      if (once) break;
    }
    return left;
  };
  const product = binary(['*', '/', '%'], unary, arithmetic);
  const sum = binary(['+', '-'], product, arithmetic);
  const comparison = binary(['==', '!=', '<', '<=', '>', '>='], sum, compare, true);
  const logical = (op: string, next: () => Eval): (() => Eval) => () => {
    let left = next();
    while (is(op)) {
      pos++;
      const [l, r] = [left, next()];
      left = op === '&&' ? (s) => truthy(l(s)) && truthy(r(s)) : (s) => truthy(l(s)) || truthy(r(s));
    }
    return left;
  };
  const conjunction = logical('&&', comparison);
  const disjunction = logical('||', conjunction);

  // Every nesting passes here (an expression, a unary operator): bounded, so that no query can exhaust the stack.
  function nested(): void {
    if (++depth > MAX_NESTING) throw new ThingsdbError(ErrorCode.SYNTAX_ERROR, 'query syntax has reached the maximum recursion depth of 500');
  }

  function expression(): Eval {
    nested();
    try {
      const start = pos;
      const target = is('.') || peek().kind === 'name' ? postfix() : undefined;
      if (target?.set !== undefined && is('=')) {
        pos++;
        const value = expression();
        const set = target.set;
        return (s) => {
          const v = value(s);
          set(s, v);
          return v;
        };
      }
      pos = start;
      return disjunction();
    } finally {
      depth--;
    }
  }

  /** `return value, deep;` or an expression. */
  function statement(): Eval {
    const t = peek();
    if (t.kind !== 'name' || t.text !== 'return' || (tokens[pos + 1]!.kind === 'op' && tokens[pos + 1]!.text === '=')) return expression();
    pos++;
    const value = is(';') || peek().kind === 'end' ? (): Value => null : expression();
    let deep: Eval | undefined;
    let flags: Eval | undefined;
    if (is(',')) {
      pos++;
      deep = expression();
      if (is(',')) {
        pos++;
        flags = expression();
      }
    }
    return (s) => {
      const v = value(s);
      const f = flags?.(s);
      if (f !== undefined && typeof f !== 'bigint') throw new ThingsdbError(ErrorCode.TYPE_ERROR, `expecting \`flags\` to be of type \`int\` but got type \`${typeName(f)}\` instead`);
      throw new Return({ value: v, deep: deep === undefined ? 1 : deepOf(deep(s)), noIds: f !== undefined && (f & NO_IDS) !== 0n });
    };
  }

  const statements: Eval[] = [];
  while (peek().kind !== 'end') {
    if (is(';')) {
      pos++;
      continue;
    }
    statements.push(statement());
    if (peek().kind !== 'end') expect(';');
  }
  return statements;
}

/** A `deep` argument, checked as the node checks it. */
export function deepOf(v: Value): number {
  if (typeof v !== 'bigint') throw new ThingsdbError(ErrorCode.TYPE_ERROR, `expecting \`deep\` to be of type \`int\` but got type \`${typeName(v)}\` instead`);
  if (v < 0n || v > 127n) throw new ThingsdbError(ErrorCode.VALUE_ERROR, `expecting a \`deep\` value between 0 and 127 but got ${v} instead`);
  return Number(v);
}

export { unsupported };
