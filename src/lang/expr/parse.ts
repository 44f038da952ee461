/**
 * The expression grammar, lowest precedence first. Whitespace is insignificant; there are no comments.
 *
 *   expression     := conditional
 *   conditional    := or ( "?" expression ":" conditional )?          right-associative
 *   or             := and ( ("or" | "||") and )*
 *   and            := not ( ("and" | "&&") not )*
 *   not            := ("not" | "!") not | comparison
 *   comparison     := additive ( cmp additive )?                     no chaining: a < b < c is an error
 *   cmp            := "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "~="
 *   additive       := multiplicative ( ("+" | "-") multiplicative )*
 *   multiplicative := unary ( ("*" | "/" | "%") unary )*
 *   unary          := "-" unary | postfix
 *   postfix        := primary ( "." name | "[" expression "]" )*
 *   primary        := number | string | "true" | "false" | "null" | regex
 *                   | "[" ( expression ( "," expression )* ","? )? "]"
 *                   | "[" expression "for" name ( "," name )? "in" or ( "if" expression )? "]"
 *                   | "{" ( key ":" expression ( "," key ":" expression )* ","? )? "}"
 *                   | "(" expression ")"
 *                   | function "(" ( expression ( "," expression )* ","? )? ")"
 *                   | root
 *   root           := "event" | "$" | "args" | "state" | "group" | a name a comprehension binds
 *   key            := string | name
 *   function       := name ( "::" name )*                            e.g. string::lowercase
 *   name           := [A-Za-z_][A-Za-z0-9_]*                         keywords are fine after "." and as keys
 *   number         := [0-9]+ ( "." [0-9]+ )? ( [eE] [+-]? [0-9]+ )?  integers past 2^53 become bigint
 *   string         := '"' ... '"' | "'" ... "'"                      JSON escapes: \" \' \\ \/ \b \f \n \r \t \uXXXX
 *   regex          := "/" pattern "/" [imsu]*                        only where an operand is expected
 *
 * `!` binds like `not` (below comparisons): `!a == b` is `!(a == b)`. A minus sign is always the
 * unary operator; `-1` is folded to a constant at compile time. Regex literals are parsed wherever an
 * operand may start, and the compiler accepts them only on the right of `~=` and as the pattern of
 * `matches()`. Keywords: and, or, not, in, true, false, null.
 *
 * A comprehension `[body for v in xs if test]` (or `for k, v in xs`) binds `v` to each item of an
 * array (`k` to its index) or each value of a record (`k` to its key) for its body and its test;
 * the body comes first, so names read inside an array literal are checked when the literal closes.
 *
 * Meaning, in short (values.ts and operators.ts have the rest): a missing path is null; `==` is deep
 * and simply false across types; `<` `<=` `>` `>=` order two numbers or two strings and fail on
 * anything else; `and` `or` `not` `?:` take booleans, null counting as false, and fail on any
 * other type; `and` and `or` short-circuit and return booleans.
 */
import { ROOT_NAMES, type BinaryOp, type Node, type RecordEntry } from './ast.js';
import { syntaxError } from './errors.js';
import { arity, closeNames, describeArity, findFunction, functionNames, isFunctionName } from './functions.js';
import { describeToken, Lexer, type Token } from './lexer.js';

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', '~=']);
const LITERAL_WORDS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['true', true],
  ['false', false],
  ['null', null],
]);
const ROOT_LIST = [...ROOT_NAMES.keys()].join(', ');

export function parse(source: string): Node {
  return new Parser(source).parseAll();
}

/** A name read inside an array literal, not yet known to be bound by a comprehension. */
interface Pending {
  readonly name: string;
  readonly start: number;
}

const NOT_NAMES: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null', 'for', 'if', ...ROOT_NAMES.keys()]);

class Parser {
  readonly #lexer: Lexer;
  #tok: Token;
  /** One list per array literal being read: the names its items read that nothing has bound yet. */
  readonly #pending: Pending[][] = [];

  constructor(source: string) {
    this.#lexer = new Lexer(source);
    this.#tok = this.#lexer.next();
  }

  parseAll(): Node {
    const node = this.#expression();
    if (this.#tok.kind !== 'end') throw this.#unexpected('an operator or the end of the expression');
    return node;
  }

  #advance(): Token {
    const t = this.#tok;
    this.#tok = this.#lexer.next();
    return t;
  }

  #isOp(text: string): boolean {
    return this.#tok.kind === 'op' && this.#tok.text === text;
  }

  #isWord(text: string): boolean {
    return this.#tok.kind === 'ident' && this.#tok.text === text;
  }

  #unexpected(expected: string): Error {
    const t = this.#tok;
    if (t.kind === 'op' && t.text === '(' && expected.startsWith('an operator')) {
      return syntaxError(`unexpected "(" at ${t.start}; only functions can be called`, t.start);
    }
    return syntaxError(`unexpected ${describeToken(t)} at ${t.start}, expected ${expected}`, t.start);
  }

  #expect(op: string, expected: string): Token {
    if (!this.#isOp(op)) throw this.#unexpected(expected);
    return this.#advance();
  }

  #expression(): Node {
    const test = this.#or();
    if (!this.#isOp('?')) return test;
    this.#advance();
    const then = this.#expression();
    this.#expect(':', 'an operator or ":"');
    const otherwise = this.#expression();
    return { kind: 'conditional', test, then, otherwise, start: test.start, end: otherwise.end };
  }

  #or(): Node {
    let left = this.#and();
    while (this.#isWord('or') || this.#isOp('||')) {
      this.#advance();
      const right = this.#and();
      left = { kind: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  #and(): Node {
    let left = this.#not();
    while (this.#isWord('and') || this.#isOp('&&')) {
      this.#advance();
      const right = this.#not();
      left = { kind: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  #not(): Node {
    if (this.#isWord('not') || this.#isOp('!')) {
      const op = this.#advance();
      const operand = this.#not();
      return { kind: 'not', operand, start: op.start, end: operand.end };
    }
    return this.#comparison();
  }

  #comparisonOp(): BinaryOp | undefined {
    const t = this.#tok;
    if (t.kind === 'op' && COMPARISONS.has(t.text)) return t.text as BinaryOp;
    if (t.kind === 'ident' && t.text === 'in') return 'in';
    return undefined;
  }

  #comparison(): Node {
    const left = this.#additive();
    const op = this.#comparisonOp();
    if (op === undefined) return left;
    const opStart = this.#advance().start;
    const right = this.#additive();
    if (this.#comparisonOp() !== undefined) {
      const t = this.#tok;
      throw syntaxError(`unexpected ${describeToken(t)} at ${t.start}; comparisons cannot be chained, use parentheses`, t.start);
    }
    return { kind: 'binary', op, left, right, opStart, start: left.start, end: right.end };
  }

  #additive(): Node {
    let left = this.#multiplicative();
    while (this.#isOp('+') || this.#isOp('-')) {
      const op = this.#advance();
      const right = this.#multiplicative();
      left = { kind: 'binary', op: op.text as BinaryOp, left, right, opStart: op.start, start: left.start, end: right.end };
    }
    return left;
  }

  #multiplicative(): Node {
    let left = this.#unary();
    while (this.#isOp('*') || this.#isOp('/') || this.#isOp('%')) {
      const op = this.#advance();
      const right = this.#unary();
      left = { kind: 'binary', op: op.text as BinaryOp, left, right, opStart: op.start, start: left.start, end: right.end };
    }
    return left;
  }

  #unary(): Node {
    if (this.#isOp('-')) {
      const op = this.#advance();
      const operand = this.#unary();
      return { kind: 'negate', operand, start: op.start, end: operand.end };
    }
    return this.#postfix(this.#primary());
  }

  #postfix(node: Node): Node {
    for (;;) {
      if (this.#isOp('.')) {
        this.#advance();
        const t = this.#tok;
        if (t.kind !== 'ident' || t.text === '$' || t.text.includes('::')) throw this.#unexpected('a field name after "."');
        this.#advance();
        node = { kind: 'field', object: node, name: t.text, start: node.start, end: t.end };
      } else if (this.#isOp('[')) {
        this.#advance();
        const index = this.#expression();
        const close = this.#expect(']', 'an operator or "]"');
        node =
          index.kind === 'literal' && typeof index.value === 'string'
            ? { kind: 'field', object: node, name: index.value, start: node.start, end: close.end }
            : { kind: 'index', object: node, index, start: node.start, end: close.end };
      } else {
        return node;
      }
    }
  }

  #primary(): Node {
    const t = this.#tok;
    switch (t.kind) {
      case 'number':
      case 'string':
        this.#advance();
        return { kind: 'literal', value: t.value, start: t.start, end: t.end };
      case 'ident':
        return this.#word(t);
      case 'op':
        if (t.text === '(') {
          this.#advance();
          const inner = this.#expression();
          const close = this.#expect(')', 'an operator or ")"');
          // The span takes the parentheses in, so that an enclosing node's text reads as written.
          return { ...inner, start: t.start, end: close.end };
        }
        if (t.text === '[') return this.#array();
        if (t.text === '{') return this.#record();
        if (t.text === '/') {
          const re = this.#lexer.regexAt(t);
          this.#tok = this.#lexer.next();
          return { kind: 'regex', regex: re.value as RegExp, start: re.start, end: re.end };
        }
        break;
      default:
        break;
    }
    throw this.#unexpected('an operand');
  }

  #word(t: Token): Node {
    if (LITERAL_WORDS.has(t.text)) {
      this.#advance();
      return { kind: 'literal', value: LITERAL_WORDS.get(t.text), start: t.start, end: t.end };
    }
    if (t.text === 'and' || t.text === 'or' || t.text === 'not' || t.text === 'in') throw this.#unexpected('an operand');
    this.#advance();
    if (this.#isOp('(')) return this.#call(t);
    const root = ROOT_NAMES.get(t.text);
    if (root !== undefined) return { kind: 'root', root, start: t.start, end: t.end };
    // Inside an array literal the name may be bound by a `for` that comes after it.
    const pending = this.#pending[this.#pending.length - 1];
    if (pending === undefined || t.text.includes('::')) throw this.#unknownRoot(t.text, t.start);
    pending.push({ name: t.text, start: t.start });
    return { kind: 'name', name: t.text, start: t.start, end: t.end };
  }

  #unknownRoot(name: string, start: number): Error {
    const hint = isFunctionName(name) ? `; ${name} is a function, call it as ${name}(...)` : '';
    return syntaxError(`unknown root ${JSON.stringify(name)} at ${start}; expected one of ${ROOT_LIST}${hint}`, start);
  }

  /** Function names and arities are fixed, so they are checked here, in source order with syntax errors. */
  #call(name: Token): Node {
    const spec = findFunction(name.text);
    if (spec === undefined) {
      const close = closeNames(name.text);
      const hint = close.length > 0 ? `did you mean ${close.join(', ')}?` : `known: ${functionNames().join(', ')}`;
      throw syntaxError(`unknown function ${JSON.stringify(name.text)} at ${name.start}; ${hint}`, name.start);
    }
    this.#advance();
    const { items, end } = this.#list(')', 'an operator, "," or ")"');
    const range = arity(spec);
    if (items.length < range.min || items.length > range.max) {
      throw syntaxError(`${name.text}() at ${name.start} takes ${describeArity(range)}, got ${items.length}`, name.start);
    }
    spec.check?.(items);
    return { kind: 'call', name: name.text, args: items, start: name.start, end };
  }

  /** Comma-separated expressions up to `close`, a trailing comma allowed (the `(`/`[` is consumed). */
  #list(close: string, expected: string): { items: Node[]; end: number } {
    const items: Node[] = [];
    while (!this.#isOp(close)) {
      items.push(this.#expression());
      if (this.#isOp(',')) this.#advance();
      else if (!this.#isOp(close)) throw this.#unexpected(expected);
    }
    return { items, end: this.#advance().end };
  }

  #array(): Node {
    const open = this.#advance();
    const pending: Pending[] = [];
    this.#pending.push(pending);
    let node: Node;
    if (this.#isOp(']')) {
      node = { kind: 'array', items: [], start: open.start, end: this.#advance().end };
    } else {
      const first = this.#expression();
      if (this.#isWord('for')) {
        node = this.#comprehension(open, first, pending);
      } else {
        if (this.#isOp(',')) this.#advance();
        else if (!this.#isOp(']')) throw this.#unexpected('an operator, "," "for" or "]"');
        const { items, end } = this.#list(']', 'an operator, "," or "]"');
        node = { kind: 'array', items: [first, ...items], start: open.start, end };
      }
    }
    this.#pending.pop();
    // What no comprehension here binds may be bound further out; at the outermost literal it is unknown.
    const outer = this.#pending[this.#pending.length - 1];
    if (outer !== undefined) outer.push(...pending);
    else if (pending[0] !== undefined) throw this.#unknownRoot(pending[0].name, pending[0].start);
    return node;
  }

  /** The rest of `[body for k, v in iterable if filter]`, from `for`; `pending` is left with what stays unbound. */
  #comprehension(open: Token, body: Node, pending: Pending[]): Node {
    this.#advance();
    const names: string[] = [];
    for (;;) {
      const t = this.#tok;
      if (t.kind !== 'ident' || NOT_NAMES.has(t.text) || t.text.includes('::')) throw this.#unexpected('a name to bind after "for"');
      if (names.includes(t.text)) throw syntaxError(`${JSON.stringify(t.text)} at ${t.start} is bound twice`, t.start);
      names.push(t.text);
      this.#advance();
      if (names.length === 2 || !this.#isOp(',')) break;
      this.#advance();
    }
    if (!this.#isWord('in')) throw this.#unexpected(names.length < 2 ? '"," or "in" after the name' : '"in" after the names');
    this.#advance();
    const bodyNames = pending.length;
    const iterable = this.#or();
    const iterableNames = pending.length;
    let filter: Node | undefined;
    if (this.#isWord('if')) {
      this.#advance();
      filter = this.#expression();
    }
    const close = this.#expect(']', filter === undefined ? 'an operator, "if" or "]"' : 'an operator or "]"');
    // The iterable is read outside the comprehension: its names are not the ones bound here.
    const unbound = pending.filter((p, i) => (i >= bodyNames && i < iterableNames) || !names.includes(p.name));
    pending.splice(0, pending.length, ...unbound);
    return { kind: 'for', names, iterable, filter, body, start: open.start, end: close.end };
  }

  #record(): Node {
    const open = this.#advance();
    const entries: RecordEntry[] = [];
    const seen = new Set<string>();
    while (!this.#isOp('}')) {
      const k = this.#tok;
      if (!(k.kind === 'string' || (k.kind === 'ident' && k.text !== '$' && !k.text.includes('::')))) {
        throw this.#unexpected('a key (a string or a name) or "}"');
      }
      const key = k.kind === 'string' ? (k.value as string) : k.text;
      if (seen.has(key)) throw syntaxError(`duplicate key ${JSON.stringify(key)} at ${k.start}`, k.start);
      seen.add(key);
      this.#advance();
      this.#expect(':', `":" after the key ${JSON.stringify(key)}`);
      entries.push({ key, keyStart: k.start, value: this.#expression() });
      if (this.#isOp(',')) this.#advance();
      else if (!this.#isOp('}')) throw this.#unexpected('an operator, "," or "}"');
    }
    return { kind: 'record', entries, start: open.start, end: this.#advance().end };
  }
}
