import { TroyError, type Place } from './errors.js';

/**
 * Tokens of Tremor's deployment language (.troy) and of the Trickle and script code inside it. They
 * share one lexer, as they do in Tremor: keywords are identifiers the parser recognises by text, so
 * `in`, `out` and `exit` stay ordinary names. Comments start with `#`; `##` lines are doc comments
 * and are kept on the token that follows them, so a definition can carry its description.
 */
export type Token =
  | (Place & { readonly kind: 'ident'; readonly text: string; readonly escaped: boolean; readonly doc: readonly string[] })
  | (Place & { readonly kind: 'number'; readonly text: string; readonly value: number | bigint; readonly doc: readonly string[] })
  | (Place & { readonly kind: 'string'; readonly text: string; readonly parts: readonly StringPart[]; readonly doc: readonly string[] })
  | (Place & { readonly kind: 'extractor'; readonly text: string; readonly doc: readonly string[] })
  | (Place & { readonly kind: 'punct'; readonly text: string; readonly doc: readonly string[] })
  | (Place & { readonly kind: 'eof'; readonly text: ''; readonly doc: readonly string[] });

/** A piece of a string literal: text, or the tokens of a `#{...}` interpolation (ending with an eof token). */
export type StringPart = string | { readonly tokens: readonly Token[]; readonly at: Place };

// Longest first, so that `>>>` is not read as `>>` then `>`.
const PUNCTUATION = [
  '>>>', '#!config', '::', '=>', '==', '!=', '<=', '>=', '<<', '>>', '~=', '%{', '%[', '%(',
  ';', ':', ',', '.', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', '{', '}', '$', '!', '~', '^', '&', '|',
];

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '#': '#' };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

export class Lexer {
  #pos = 0;
  /** Right after `~=`, where an extractor (`dissect|...|`) may follow. */
  #extractorNext = false;
  #line = 1;
  #lineStart = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  /** Every token of the text, ending with an eof token. */
  tokens(): Token[] {
    return this.#until(undefined);
  }

  #place(offset = this.#pos): Place {
    return { file: this.file, line: this.#line, column: offset - this.#lineStart + 1 };
  }

  #fail(message: string, at: Place = this.#place()): never {
    throw new TroyError('ERR_FLOW_PARSE', at, message);
  }

  #advance(n = 1): void {
    for (let k = 0; k < n; k++) {
      if (this.text[this.#pos] === '\n') {
        this.#line++;
        this.#lineStart = this.#pos + 1;
      }
      this.#pos++;
    }
  }

  /** Tokens up to the end of the text, or (inside `#{...}`) up to the `}` that closes the interpolation. */
  #until(closing: Place | undefined): Token[] {
    const out: Token[] = [];
    let depth = 0;
    let doc: string[] = [];
    for (;;) {
      this.#skipSpace(doc);
      const at = this.#place();
      const c = this.text[this.#pos];
      if (c === undefined) {
        if (closing !== undefined) this.#fail('this "#{" is never closed with "}"', closing);
        out.push({ kind: 'eof', text: '', doc, ...at });
        return out;
      }
      if (closing !== undefined && c === '}' && depth === 0) {
        this.#advance();
        out.push({ kind: 'eof', text: '', doc, ...at });
        return out;
      }
      const token = this.#token(c, at, doc);
      if (token.kind === 'punct' && (token.text === '{' || token.text === '%{')) depth++;
      if (token.kind === 'punct' && token.text === '}') depth--;
      out.push(token);
      doc = [];
    }
  }

  /** Blanks and comments; `##` doc comment lines are collected into `doc`. */
  #skipSpace(doc: string[]): void {
    for (;;) {
      const c = this.text[this.#pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') {
        this.#advance();
      } else if (c === '#' && !this.text.startsWith('#!config', this.#pos)) {
        const end = this.text.indexOf('\n', this.#pos);
        const line = this.text.slice(this.#pos, end < 0 ? this.text.length : end);
        if (line.startsWith('##') && !line.startsWith('###')) doc.push(line.slice(2).trim());
        this.#advance(line.length);
      } else {
        return;
      }
    }
  }

  #token(c: string, at: Place, doc: readonly string[]): Token {
    if (this.#extractorNext) {
      this.#extractorNext = false;
      const head = /^([A-Za-z_][A-Za-z0-9_]*)\|/.exec(this.text.slice(this.#pos, this.#pos + 80));
      if (head !== null) return this.#extractor(at, doc, head[0].length);
    }
    if (isDigit(c)) return this.#number(at, doc);
    if (c === '"') return this.#string(at, doc);
    if (c === '`') return this.#escapedIdent(at, doc);
    if (isIdentStart(c)) {
      const start = this.#pos;
      while (isIdentPart(this.text[this.#pos])) this.#advance();
      return { kind: 'ident', text: this.text.slice(start, this.#pos), escaped: false, doc, ...at };
    }
    if (c === '~') {
      // `~ re|...|` in a case, or `field ~= re|...|` in a record pattern: the extractor is one token.
      const extractor = /^~(=?)\s*([A-Za-z_][A-Za-z0-9_]*)\|/.exec(this.text.slice(this.#pos, this.#pos + 80));
      if (extractor?.[1] === '=') {
        this.#advance(2);
        this.#extractorNext = true;
        return { kind: 'punct', text: '~=', doc, ...at };
      }
      if (extractor !== null) return this.#extractor(at, doc, extractor[0].length);
    }
    for (const p of PUNCTUATION) {
      if (this.text.startsWith(p, this.#pos)) {
        this.#advance(p.length);
        return { kind: 'punct', text: p, doc, ...at };
      }
    }
    this.#fail(unexpectedCharacter(c));
  }

  #escapedIdent(at: Place, doc: readonly string[]): Token {
    const end = this.text.indexOf('`', this.#pos + 1);
    const newline = this.text.indexOf('\n', this.#pos);
    if (end < 0 || (newline >= 0 && newline < end)) this.#fail('this "`" is never closed');
    const name = this.text.slice(this.#pos + 1, end);
    this.#advance(end + 1 - this.#pos);
    return { kind: 'ident', text: name, escaped: true, doc, ...at };
  }

  /** `~ re|...|`: kept whole, so the parser can refuse extractors by name. */
  #extractor(at: Place, doc: readonly string[], headLength: number): Token {
    const start = this.#pos;
    this.#advance(headLength);
    while (this.text[this.#pos] !== undefined && this.text[this.#pos] !== '|') {
      if (this.text[this.#pos] === '\\') this.#advance();
      this.#advance();
    }
    if (this.text[this.#pos] === undefined) this.#fail('this extractor is never closed with "|"', at);
    this.#advance();
    return { kind: 'extractor', text: this.text.slice(start, this.#pos), doc, ...at };
  }

  #number(at: Place, doc: readonly string[]): Token {
    const start = this.#pos;
    const rest = this.text.slice(start);
    const hex = /^0x[0-9A-Fa-f_]+/.exec(rest);
    if (hex !== null) {
      this.#advance(hex[0].length);
      return { kind: 'number', text: hex[0], value: toNumber(BigInt(hex[0].replaceAll('_', ''))), doc, ...at };
    }
    const m = /^[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9]+)?/.exec(rest)!;
    this.#advance(m[0].length);
    // `42bad`: Tremor refuses a name run into a number, rather than reading two tokens.
    const after = this.text[this.#pos];
    if (after !== undefined && /[A-Za-z_]/.test(after)) this.#fail(unexpectedCharacter(after));
    const clean = m[0].replaceAll('_', '');
    const value = m[1] === undefined && m[2] === undefined ? toNumber(BigInt(clean)) : Number(clean);
    return { kind: 'number', text: m[0], value, doc, ...at };
  }

  /** `"..."` or a `"""` heredoc, with escapes and `#{...}` interpolations. */
  #string(at: Place, doc: readonly string[]): Token {
    const start = this.#pos;
    const heredoc = this.text.startsWith('"""', this.#pos);
    this.#advance(heredoc ? 3 : 1);
    if (heredoc) {
      // The heredoc's text starts on the line after the opening quotes.
      while (this.text[this.#pos] === ' ' || this.text[this.#pos] === '\t' || this.text[this.#pos] === '\r') this.#advance();
      if (this.text[this.#pos] !== '\n') this.#fail('a """ heredoc starts on the line after the opening quotes');
      this.#advance();
    }
    const parts: StringPart[] = [];
    let current = '';
    for (;;) {
      const c = this.text[this.#pos];
      if (c === undefined) this.#fail(heredoc ? 'this """ heredoc is never closed' : 'this string is never closed', at);
      if (heredoc ? this.text.startsWith('"""', this.#pos) : c === '"') {
        this.#advance(heredoc ? 3 : 1);
        break;
      }
      if (c === '\n' && !heredoc) this.#fail('a string ends at the end of its line; write \\n for a line break, or use a """ heredoc', at);
      if (c === '\\') {
        const e = this.text[this.#pos + 1] ?? '';
        if (e === 'u') {
          const hex = this.text.slice(this.#pos + 2, this.#pos + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.#fail('expected four hex digits after \\u');
          current += String.fromCharCode(parseInt(hex, 16));
          this.#advance(6);
          continue;
        }
        const simple = ESCAPES[e];
        if (simple === undefined) this.#fail(`unknown escape "\\${e}" in a string`);
        current += simple;
        this.#advance(2);
        continue;
      }
      if (c === '#' && this.text[this.#pos + 1] === '{') {
        const open = this.#place();
        this.#advance(2);
        if (current !== '') parts.push(current);
        current = '';
        parts.push({ tokens: this.#until(open), at: open });
        continue;
      }
      current += c;
      this.#advance();
    }
    if (current !== '' || parts.length === 0) parts.push(current);
    return { kind: 'string', text: this.text.slice(start, this.#pos), parts, doc, ...at };
  }
}

/** Tremor's words for it (Tremor users' tests look for them). */
const unexpectedCharacter = (c: string): string => `An unexpected character ${JSON.stringify(c).replace(/^"|"$/g, "'")} was found`;

/** Integers past 2^53 keep their digits as bigint, as the expression language keeps them. */
const toNumber = (n: bigint): number | bigint => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);
