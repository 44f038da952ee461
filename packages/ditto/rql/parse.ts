/**
 * Ditto's RQL predicate grammar. RQL is prefix notation, so there is no precedence: what can go
 * wrong is arity and the kind of each argument, and every message says which at which offset.
 *
 *   query    := single | in | logical | not | exists | empty
 *   single   := ("eq" | "ne" | "gt" | "ge" | "lt" | "le" | "like" | "ilike") "(" property "," value ")"
 *   in       := "in" "(" property ( "," value )+ ")"
 *   logical  := ("and" | "or") "(" query ( "," query )* ")"
 *   not      := "not" "(" query ")"
 *   exists   := "exists" "(" property ")"        empty := "empty" "(" property ")"
 *   property := any characters but , ( ) " ' and \-escapes, surrounding whitespace dropped:
 *               a JSON pointer (attributes/location, /thingId) or a placeholder (topic:action)
 *   value    := number | string | "true" | "false" | "null" | "time:now" | "time:now_epoch_millis"
 *   number   := [+-]? (0 | [1-9][0-9]*) ( "." [0-9]+ )?        (Ditto's: no exponent)
 *   string   := '"' ... '"' | "'" ... "'"    escapes \" \' \\ \/ \b \f \n \r \t \uXXXX
 *
 * Whitespace may stand between any two tokens. Operator names are lowercase, as in Ditto. `like`
 * and `ilike` take a string; `gt` `ge` `lt` `le` refuse null, which has no order.
 */
import { RuntimeError } from 'tremolo';
import { QUERY_NAMES, type ComparisonOp, type Operand, type Property, type Query } from './ast.js';
import { propertyPlaceholder, VALUE_PLACEHOLDERS } from './placeholders.js';
import { pointerSegments } from './pointer.js';

/** An RQL syntax error, as an expression's: ERR_EXPR_SYNTAX with the offset in `details`. */
const syntaxError = (message: string, offset: number): RuntimeError => new RuntimeError('ERR_EXPR_SYNTAX', message, { details: { offset } });

const QUERY_LIST = QUERY_NAMES.join(', ');
const PLACEHOLDER_LIST = `${VALUE_PLACEHOLDERS.slice(0, -1).join(', ')} or ${VALUE_PLACEHOLDERS.at(-1)}`;
const VALUE_KINDS = `a value (a number, a "string", true, false, null, ${PLACEHOLDER_LIST})`;
/** Deep enough for any real filter, shallow enough that neither parsing nor evaluating can overflow the stack. */
export const MAX_DEPTH = 64;

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /[+-]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?/y;
const WORD = /[A-Za-z0-9_.:+-]+/y;
const NAME = /[A-Za-z0-9_]+/y;

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';

/** Throws ERR_EXPR_SYNTAX with `details.offset` for anything wrong. */
export function parseRql(source: string): Query {
  return new Parser(source).root();
}

class Parser {
  #pos = 0;
  #depth = 0;

  constructor(readonly source: string) {}

  root(): Query {
    const query = this.#query();
    this.#space();
    if (this.#pos < this.source.length) throw this.#unexpected('the end of the filter');
    return query;
  }

  #query(): Query {
    this.#space();
    const start = this.#pos;
    const name = this.#match(NAME);
    if (name === undefined) throw this.#unexpected(`a query (${QUERY_LIST})`);
    switch (name) {
      case 'eq':
      case 'ne':
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le':
        return this.#comparison(name, start);
      case 'like':
      case 'ilike': {
        this.#open(name);
        const property = this.#property();
        this.#comma(name, 'takes a property and a pattern');
        this.#space();
        const quote = this.source[this.#pos];
        if (quote !== '"' && quote !== "'") throw this.#unexpected('a string (the pattern)');
        const pattern = this.#string();
        this.#close(name, 'takes a property and a pattern');
        return { kind: 'like', op: name, property, pattern, start };
      }
      case 'in': {
        this.#open(name);
        const property = this.#property();
        const operands: Operand[] = [];
        do {
          this.#comma(name, 'takes a property and one or more values');
          operands.push(this.#operand());
          this.#space();
        } while (this.source[this.#pos] === ',');
        this.#close(name, 'takes a property and one or more values');
        return { kind: 'in', property, operands, start };
      }
      case 'exists':
      case 'empty': {
        this.#open(name);
        const property = this.#property();
        this.#close(name, 'takes one property');
        return { kind: name, property, start };
      }
      case 'and':
      case 'or': {
        this.#open(name);
        const queries: Query[] = [];
        this.#nest(start, () => {
          queries.push(this.#query());
          this.#space();
          while (this.source[this.#pos] === ',') {
            this.#pos++;
            queries.push(this.#query());
            this.#space();
          }
        });
        this.#close(name, 'takes one or more queries');
        return { kind: name, queries, start };
      }
      case 'not': {
        this.#open(name);
        const query = this.#nest(start, () => this.#query());
        this.#close(name, 'takes one query');
        return { kind: 'not', query, start };
      }
      default:
        throw syntaxError(`unexpected ${JSON.stringify(name)} at ${start}, expected a query (${QUERY_LIST})`, start);
    }
  }

  #comparison(op: ComparisonOp, start: number): Query {
    this.#open(op);
    const property = this.#property();
    this.#comma(op, 'takes a property and one value');
    const operand = this.#operand();
    if (operand.kind === 'literal' && operand.value === null && op !== 'eq' && op !== 'ne') {
      throw syntaxError(`unexpected "null" at ${operand.start}, expected a number, a string, a boolean, ${PLACEHOLDER_LIST}; ${op} orders values and null has no order`, operand.start);
    }
    this.#close(op, 'takes a property and one value');
    return { kind: 'compare', op, property, operand, start };
  }

  #nest<T>(start: number, inner: () => T): T {
    if (++this.#depth > MAX_DEPTH) throw syntaxError(`queries nested deeper than ${MAX_DEPTH} at ${start}`, start);
    const result = inner();
    this.#depth--;
    return result;
  }

  #property(): Property {
    this.#space();
    const start = this.#pos;
    const src = this.source;
    let text = '';
    /** Length of `text` up to its last character that is not unescaped whitespace, to trim the end. */
    let kept = 0;
    for (;;) {
      const c = src[this.#pos];
      if (c === undefined || c === ',' || c === '(' || c === ')' || c === '"' || c === "'") break;
      if (c === '\\') {
        text += this.#escape();
        kept = text.length;
      } else {
        text += c;
        this.#pos++;
        if (!isSpace(c)) kept = text.length;
      }
    }
    text = text.slice(0, kept);
    if (text === '') {
      this.#pos = start;
      throw this.#unexpected('a property');
    }
    const placeholder = propertyPlaceholder(text);
    if (placeholder === undefined) return { kind: 'pointer', text, segments: pointerSegments(text), start };
    if ('problem' in placeholder) throw syntaxError(`unknown placeholder ${JSON.stringify(text)} at ${start}; ${placeholder.problem}`, start);
    return { kind: 'placeholder', name: placeholder.name, start };
  }

  #operand(): Operand {
    this.#space();
    const start = this.#pos;
    const c = this.source[start];
    if (c === '"' || c === "'") return { kind: 'literal', value: this.#string(), start };
    const word = this.#peek(WORD);
    if (word === undefined) throw this.#unexpected(VALUE_KINDS);
    if (c === '+' || c === '-' || (c! >= '0' && c! <= '9')) {
      const number = this.#peek(NUMBER);
      if (number !== word) throw syntaxError(`invalid number ${JSON.stringify(word)} at ${start}`, start);
      this.#pos += word.length;
      const value = Number(word);
      const integral = !word.includes('.');
      return { kind: 'literal', value: integral && !Number.isSafeInteger(value) ? BigInt(word) : value, start };
    }
    this.#pos += word.length;
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', start };
    if (word === 'null') return { kind: 'literal', value: null, start };
    if (VALUE_PLACEHOLDERS.includes(word)) return { kind: 'placeholder', name: word, start };
    if (word.startsWith('time:')) throw syntaxError(`unknown placeholder ${JSON.stringify(word)} at ${start}; time: takes now, now_epoch_millis`, start);
    this.#pos = start;
    throw this.#unexpected(VALUE_KINDS);
  }

  /** A quoted string at the current position, unescaped. */
  #string(): string {
    const src = this.source;
    const start = this.#pos;
    const quote = src[start];
    this.#pos++;
    let out = '';
    for (;;) {
      const c = src[this.#pos];
      if (c === undefined) throw syntaxError(`unterminated string starting at ${start}`, start);
      if (c === quote) {
        this.#pos++;
        return out;
      }
      if (c === '\\') out += this.#escape();
      else {
        out += c;
        this.#pos++;
      }
    }
  }

  /** The escape sequence at the current backslash, in a string or a property. */
  #escape(): string {
    const src = this.source;
    const at = this.#pos;
    const e = src[at + 1];
    if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
      this.#pos += 2;
      return ESCAPES[e]!;
    }
    if (e === 'u') {
      const hex = /^[0-9a-fA-F]{0,4}/.exec(src.slice(at + 2, at + 6))![0];
      if (hex.length === 4) {
        this.#pos += 6;
        return String.fromCharCode(parseInt(hex, 16));
      }
      throw syntaxError(`invalid escape "\\u${hex}" at ${at}`, at);
    }
    if (e === undefined) throw syntaxError(`unterminated escape at ${at}`, at);
    throw syntaxError(`invalid escape "\\${e}" at ${at}`, at);
  }

  #open(name: string): void {
    this.#space();
    if (this.source[this.#pos] !== '(') throw this.#unexpected(`"(" after ${name}`);
    this.#pos++;
  }

  #comma(name: string, arity: string): void {
    this.#space();
    if (this.source[this.#pos] !== ',') throw this.#unexpected(`","; ${name} ${arity}`);
    this.#pos++;
  }

  #close(name: string, arity: string): void {
    this.#space();
    if (this.source[this.#pos] !== ')') throw this.#unexpected(`")"; ${name} ${arity}`);
    this.#pos++;
  }

  #space(): void {
    while (isSpace(this.source[this.#pos])) this.#pos++;
  }

  #peek(re: RegExp): string | undefined {
    re.lastIndex = this.#pos;
    return re.exec(this.source)?.[0];
  }

  #match(re: RegExp): string | undefined {
    const found = this.#peek(re);
    if (found !== undefined) this.#pos += found.length;
    return found;
  }

  /** "unexpected X at N, expected Y", X being what stands at the current position. */
  #unexpected(expected: string): Error {
    const at = this.#pos;
    const c = this.source[at];
    let what: string;
    if (c === undefined) what = 'end of input';
    else if (c === '"' || c === "'") what = 'string';
    else what = JSON.stringify(this.#peek(WORD) ?? String.fromCodePoint(this.source.codePointAt(at)!));
    return syntaxError(`unexpected ${what} at ${at}, expected ${expected}`, at);
  }
}
