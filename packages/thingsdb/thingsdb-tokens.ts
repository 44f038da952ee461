/**
 * The tokens of the stand-alone endpoint's query language (thingsdb-code.ts), and ThingsDB's
 * syntax error (-52) with the line and position the node gives.
 */
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';

export interface Token {
  readonly kind: 'num' | 'str' | 'name' | 'op' | 'end';
  readonly text: string;
  readonly value?: bigint | number | string;
  readonly at: number;
}

// Longest first: `||` before the `|` of a closure.
const OPS = ['==', '!=', '<=', '>=', '&&', '||', '.', '=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', '{', '}', ',', ':', ';', '|'];
const INT64_MAX = 2n ** 63n - 1n;

export function syntax(code: string, at: number, what: string): ThingsdbError {
  const before = code.slice(0, at).split('\n');
  return new ThingsdbError(ErrorCode.SYNTAX_ERROR, `error at line ${before.length}, position ${before.at(-1)!.length}, ${what}`);
}

export function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (/\s/.test(c)) i++;
    else if (code.startsWith('//', i)) while (i < code.length && code[i] !== '\n') i++;
    else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(code.slice(i, i + 400))!;
      const m = match[0];
      const float = match[1] !== undefined || match[2] !== undefined;
      let value: bigint | number = float ? Number(m) : BigInt(m);
      if (typeof value === 'bigint' && value > INT64_MAX) throw new ThingsdbError(ErrorCode.OVERFLOW, 'integer overflow');
      tokens.push({ kind: 'num', text: m, value, at: i });
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
      const m = /^[A-Za-z_][0-9A-Za-z_]*/.exec(code.slice(i, i + 256))![0];
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
