import type { Ident } from './ast.js';
import { TroyError, unsupported, type Place } from './errors.js';
import type { Token } from './lexer.js';

const describe = (t: Token): string => {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${t.text}`;
    case 'extractor':
      return `the extractor ${t.text}`;
    default:
      return JSON.stringify(t.text);
  }
};

export const placeOf = (t: Token): Place => ({ file: t.file, line: t.line, column: t.column });

/** A position in a token list, with the checks every parser needs. */
export class Cursor {
  #i = 0;

  constructor(protected readonly tokens: readonly Token[]) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.#i + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.#i++;
    return t;
  }

  /** The place of the next token. */
  here(): Place {
    return placeOf(this.peek());
  }

  isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'ident' && !t.escaped && t.text === word;
  }

  isPunct(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'punct' && t.text === text;
  }

  eatWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  eatPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.next();
    return true;
  }

  expectWord(word: string, context?: string): Token {
    if (!this.isWord(word)) this.unexpected(`"${word}"${context === undefined ? '' : ` ${context}`}`);
    return this.next();
  }

  expectPunct(text: string, context?: string): Token {
    if (!this.isPunct(text)) this.unexpected(`"${text}"${context === undefined ? '' : ` ${context}`}`);
    return this.next();
  }

  /** A name: an identifier, or any text in backticks. */
  ident(what: string): Ident {
    const t = this.peek();
    if (t.kind !== 'ident') this.unexpected(what);
    this.next();
    return { name: t.text, at: placeOf(t) };
  }

  unexpected(expected: string): never {
    const t = this.peek();
    throw new TroyError('ERR_FLOW_PARSE', placeOf(t), `expected ${expected}, found ${describe(t)}`);
  }

  refuse(what: string, hint?: string, at: Place = this.here()): never {
    throw unsupported(at, what, hint);
  }
}
