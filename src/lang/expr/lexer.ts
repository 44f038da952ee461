import { syntaxError } from './errors.js';

export type TokenKind = 'number' | 'string' | 'ident' | 'op' | 'regex' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written (for `string`, with its quotes). */
  readonly text: string;
  /** number | bigint for numbers, the unescaped text for strings, the RegExp for regex literals. */
  readonly value: unknown;
  readonly start: number;
  readonly end: number;
}

// Longest first, so `<=` is not read as `<` then `=`.
const OPERATORS = ['==', '!=', '<=', '>=', '~=', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', '{', '}', ',', '.', ':', '?'];

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Flags that keep `RegExp.test` stateless: `g` and `y` would make it depend on the previous match. */
const REGEX_FLAGS = 'imsu';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isIdentPart = (c: string | undefined): boolean => isIdentStart(c) || isDigit(c);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** How a token is named in "unexpected ..." messages. */
export const describeToken = (t: Token): string => (t.kind === 'end' ? 'end of expression' : JSON.stringify(t.text));

/**
 * Tokens on demand rather than all at once: whether `/` starts a regex or is a division depends on
 * what the parser expects there, so the parser asks for a rescan (`regexAt`) where an operand goes.
 */
export class Lexer {
  #pos = 0;

  constructor(readonly source: string) {}

  next(): Token {
    const src = this.source;
    while (isSpace(src[this.#pos])) this.#pos++;
    const start = this.#pos;
    const c = src[start];
    if (c === undefined) return { kind: 'end', text: '', value: undefined, start, end: start };
    if (isDigit(c)) return this.#number(start);
    if (c === '"' || c === "'") return this.#string(start, c);
    if (isIdentStart(c)) return this.#ident(start);
    if (c === '$') return this.#token('ident', start, start + 1, '$');
    for (const op of OPERATORS) {
      if (src.startsWith(op, start)) return this.#token('op', start, start + op.length, op);
    }
    if (c === '=') throw syntaxError(`unexpected "=" at ${start}; compare with "=="`, start);
    if (c === '&' || c === '|') throw syntaxError(`unexpected "${c}" at ${start}; use "${c}${c}" or "${c === '&' ? 'and' : 'or'}"`, start);
    throw syntaxError(`unexpected character ${JSON.stringify(c)} at ${start}`, start);
  }

  /** Reads a regex literal starting at the `/` token the lexer just returned; the next token follows it. */
  regexAt(slash: Token): Token {
    const src = this.source;
    let i = slash.start + 1;
    let inClass = false;
    for (;;) {
      const c = src[i];
      if (c === undefined || c === '\n') throw syntaxError(`unterminated regex starting at ${slash.start}`, slash.start);
      if (c === '\\') i += 2;
      else {
        if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        else if (c === '/' && !inClass) break;
        i++;
      }
    }
    const pattern = src.slice(slash.start + 1, i);
    i++;
    const flagsStart = i;
    while (isIdentPart(src[i])) {
      const f = src[i] ?? '';
      if (!REGEX_FLAGS.includes(f)) {
        throw syntaxError(`unsupported regex flag ${JSON.stringify(f)} at ${i}; allowed: ${REGEX_FLAGS.split('').join(', ')}`, i);
      }
      i++;
    }
    const flags = src.slice(flagsStart, i);
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, flags);
    } catch (err) {
      throw syntaxError(`invalid regex at ${slash.start}: ${(err as Error).message}`, slash.start);
    }
    this.#pos = i;
    return { kind: 'regex', text: src.slice(slash.start, i), value: regex, start: slash.start, end: i };
  }

  #token(kind: TokenKind, start: number, end: number, value: unknown): Token {
    this.#pos = end;
    return { kind, text: this.source.slice(start, end), value, start, end };
  }

  #number(start: number): Token {
    const src = this.source;
    let i = start;
    while (isDigit(src[i])) i++;
    let integer = true;
    if (src[i] === '.') {
      integer = false;
      i++;
      if (!isDigit(src[i])) return this.#badNumber(start, i);
      while (isDigit(src[i])) i++;
    }
    if (src[i] === 'e' || src[i] === 'E') {
      integer = false;
      i++;
      if (src[i] === '+' || src[i] === '-') i++;
      if (!isDigit(src[i])) return this.#badNumber(start, i);
      while (isDigit(src[i])) i++;
    }
    if (isIdentPart(src[i])) return this.#badNumber(start, i);
    const text = src.slice(start, i);
    const n = Number(text);
    if (!Number.isFinite(n)) throw syntaxError(`number ${text} at ${start} is out of range`, start);
    // Integers past 2^53 keep every digit as bigint, the way nanosecond timestamps arrive.
    const value = integer && !Number.isSafeInteger(n) ? BigInt(text) : n;
    return this.#token('number', start, i, value);
  }

  #badNumber(start: number, at: number): never {
    let end = at;
    while (isIdentPart(this.source[end]) || this.source[end] === '.') end++;
    throw syntaxError(`invalid number ${JSON.stringify(this.source.slice(start, end))} at ${start}`, start);
  }

  #string(start: number, quote: string): Token {
    const src = this.source;
    let out = '';
    let i = start + 1;
    for (;;) {
      const c = src[i];
      if (c === undefined) throw syntaxError(`unterminated string starting at ${start}`, start);
      if (c === quote) break;
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = src[i + 1];
      if (e === 'u') {
        const hex = /^[0-9a-fA-F]{0,4}/.exec(src.slice(i + 2, i + 6))?.[0] ?? '';
        if (hex.length < 4) throw syntaxError(`invalid escape "\\u${hex}" at ${i}`, i);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      const plain = e === undefined ? undefined : ESCAPES[e];
      if (plain === undefined) {
        if (e === undefined) throw syntaxError(`unterminated string starting at ${start}`, start);
        throw syntaxError(`invalid escape "\\${e}" at ${i}`, i);
      }
      out += plain;
      i += 2;
    }
    return this.#token('string', start, i + 1, out);
  }

  #ident(start: number): Token {
    const src = this.source;
    let i = start;
    for (;;) {
      while (isIdentPart(src[i])) i++;
      // `string::lowercase`: namespaced function names are one token.
      if (src[i] === ':' && src[i + 1] === ':' && isIdentStart(src[i + 2])) i += 2;
      else break;
    }
    return this.#token('ident', start, i, src.slice(start, i));
  }
}
