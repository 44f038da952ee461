/**
 * A small part of ThingsDB's query language, enough for the example collection to answer real
 * queries: statements separated by `;` (the value of the last one is the answer), literals (int,
 * float, 'str' or "str" with doubled quotes inside, true, false, nil, [lists], {things}), variables
 * (the request's `vars`, procedure arguments, `x = ...`), properties of the collection's root and of
 * things (`.name`, `.a.b`, `.name = ...`), `+ - * / %` (int / int is an int, truncated, as in
 * ThingsDB), comparisons, `!`, `&&`, `||` and parentheses. Errors carry ThingsDB's codes. An int
 * is a bigint (64 bits, exact beyond 2^53) and a float a number, so `1.0` stays a float; values from
 * outside (vars, arguments, the collection's data) arrive as JavaScript numbers, and those that are
 * integers are read as ints (`fromPlain`).
 */
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';

export type Value = null | boolean | bigint | number | string | Buffer | Value[] | Thing;
export interface Thing {
  [key: string]: Value;
}

export interface CodeScope {
  /** The collection's root thing; undefined in the @thingsdb and @node scopes. */
  readonly root: Thing | undefined;
  readonly vars: Record<string, Value>;
}

type Eval = (scope: CodeScope) => Value;
interface Node {
  readonly get: Eval;
  /** Present when the node can be assigned to (a variable or a property). */
  readonly set?: (scope: CodeScope, value: Value) => void;
}
interface Token {
  readonly kind: 'num' | 'str' | 'name' | 'op' | 'end';
  readonly text: string;
  readonly value?: bigint | number | string;
  readonly at: number;
}

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '.', '=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', '{', '}', ',', ':', ';'];

export function typeName(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (Buffer.isBuffer(v)) return 'bytes';
  return Array.isArray(v) ? 'list' : 'thing';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A value from outside the language (decoded MessagePack, JSON): integers become ints. */
export function fromPlain(v: unknown): Value {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'string' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object') {
    const thing: Thing = {};
    for (const [key, item] of Object.entries(v)) define(thing, key, fromPlain(item));
    return thing;
  }
  return String(v);
}

/** ThingsDB's `==`: ints and floats by value, lists and things item by item. */
export function equal(a: Value, b: Value): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a == b;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k]!, b[k]!));
  }
  return a === b;
}

const truthy = (v: Value): boolean =>
  v !== null && v !== false && v !== 0 && v !== 0n && v !== '' && !(Buffer.isBuffer(v) && v.length === 0) && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (/\s/.test(c)) i++;
    else if (code.startsWith('//', i)) while (i < code.length && code[i] !== '\n') i++;
    else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(code.slice(i))!;
      const m = match[0];
      const float = match[1] !== undefined || match[2] !== undefined;
      tokens.push({ kind: 'num', text: m, value: float ? Number(m) : checked(BigInt(m)), at: i });
      i += m.length;
    } else if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= code.length) throw syntax(code, i, 'unterminated string');
        if (code[j] === c && code[j + 1] === c) (text += c), (j += 2);
        else if (code[j] === c) break;
        else text += code[j++];
      }
      tokens.push({ kind: 'str', text: code.slice(i, j + 1), value: text, at: i });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][0-9A-Za-z_]*/.exec(code.slice(i))![0];
      tokens.push({ kind: 'name', text: m, at: i });
      i += m.length;
    } else {
      const op = OPS.find((o) => code.startsWith(o, i));
      if (op === undefined) throw syntax(code, i, `unexpected character \`${c}\``);
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', text: '', at: code.length });
  return tokens;
}

function syntax(code: string, at: number, what: string): ThingsdbError {
  const before = code.slice(0, at).split('\n');
  return new ThingsdbError(ErrorCode.SYNTAX_ERROR, `error at line ${before.length}, position ${before.at(-1)!.length}, ${what}`);
}

/** A call: the node's error for a function it does not know (-54), saying why. */
const unsupported = (what: string): ThingsdbError =>
  new ThingsdbError(ErrorCode.LOOKUP_ERROR, `${what} in tremolo's stand-alone endpoint, which answers a small part of ThingsDB's language (docs/thingsdb.md); put flows/thingsdb-gateway.json5 in front of a ThingsDB node for all of it`);

const typeError = (op: string, a: Value, b: Value): ThingsdbError =>
  new ThingsdbError(ErrorCode.TYPE_ERROR, `\`${op}\` not supported between \`${typeName(a)}\` and \`${typeName(b)}\``);

/** An int within ThingsDB's 64 bits, else its overflow error. */
function checked(n: bigint): bigint {
  if (n < INT64_MIN || n > INT64_MAX) throw new ThingsdbError(ErrorCode.OVERFLOW, 'integer overflow');
  return n;
}

const isNumber = (v: Value): v is bigint | number => typeof v === 'bigint' || typeof v === 'number';

function arithmetic(op: string, a: Value, b: Value): Value {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
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

function property(owner: Value, name: string): Value {
  if (owner === null || typeof owner !== 'object' || Array.isArray(owner) || Buffer.isBuffer(owner)) throw new ThingsdbError(ErrorCode.TYPE_ERROR, `type \`${typeName(owner)}\` has no properties`);
  if (!Object.hasOwn(owner, name)) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `thing has no property \`${name}\``);
  return owner[name]!;
}

/** A property as data, even `__proto__`: a query must not reach the objects' prototypes. */
function define(owner: Record<string, Value>, name: string, value: Value): void {
  Object.defineProperty(owner, name, { value, enumerable: true, writable: true, configurable: true });
}

function rootOf(scope: CodeScope): Thing {
  if (scope.root === undefined) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, 'this scope has no root thing; properties need a collection scope');
  return scope.root;
}

/** Parses the whole of `code`, then runs it in `scope`. */
export function runCode(code: string, scope: CodeScope): Value {
  const tokens = tokenize(code);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const is = (text: string): boolean => peek().kind === 'op' && peek().text === text;
  const fail = (t: Token = peek()): never => {
    throw syntax(code, t.at, t.kind === 'end' ? 'unexpected end of query' : `unexpected \`${t.text}\``);
  };
  const expect = (text: string): void => {
    if (!is(text)) fail();
    pos++;
  };

  const list = <T>(close: string, item: () => T): T[] => {
    const items: T[] = [];
    while (!is(close)) {
      items.push(item());
      if (!is(close)) expect(',');
    }
    pos++;
    return items;
  };

  const primary = (): Node => {
    const t = tokens[pos++]!;
    if (t.kind === 'num' || t.kind === 'str') return { get: () => t.value! };
    if (t.kind === 'name') {
      if (t.text === 'true' || t.text === 'false') return { get: () => t.text === 'true' };
      if (t.text === 'nil') return { get: () => null };
      if (is('(')) throw unsupported(`function \`${t.text}\` is undefined`);
      return {
        get: (s) => {
          if (!Object.hasOwn(s.vars, t.text)) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `variable \`${t.text}\` is undefined`);
          return s.vars[t.text]!;
        },
        set: (s, v) => define(s.vars, t.text, v),
      };
    }
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
      return { get: (s) => Object.fromEntries(fields.map(([k, e]) => [k, e(s)])) as Thing };
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
      if (is('(')) throw unsupported(`no function \`${name.text}\``);
      const owner = node.get;
      node = {
        get: (s) => property(owner(s), name.text),
        set: (s, v) => {
          const thing = owner(s);
          if (thing === null || typeof thing !== 'object' || Array.isArray(thing) || Buffer.isBuffer(thing)) throw new ThingsdbError(ErrorCode.TYPE_ERROR, `type \`${typeName(thing)}\` has no properties`);
          define(thing, name.text, v);
        },
      };
    }
    return node;
  };

  const unary = (): Eval => {
    if (is('-') || is('!')) {
      const op = tokens[pos++]!.text;
      const operand = unary();
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

  function expression(): Eval {
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
  }

  const statements: Eval[] = [];
  while (peek().kind !== 'end') {
    if (is(';')) {
      pos++;
      continue;
    }
    statements.push(expression());
    if (peek().kind !== 'end') expect(';');
  }
  let result: Value = null;
  for (const statement of statements) result = statement(scope);
  return result;
}
