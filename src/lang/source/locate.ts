import { MAX_FLOW_DEPTH } from './depth.js';

/**
 * Line and column of every key and value of a JSON5 text, by path, so that a problem found by
 * validation (which sees only parsed values) can name the place in the file. The text has already
 * been parsed by `json5`, so this scanner only needs to follow structure, not to judge syntax.
 */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export type PathKey = readonly (string | number)[];

export interface Locator {
  /** Where the value at `path` starts; the nearest enclosing value when the path does not exist. */
  value(path: PathKey): Position;
  /** Where the key of the member at `path` is; falls back to `value(path)`. */
  key(path: PathKey): Position;
}

const join = (path: PathKey): string => path.join('\u0000');

/**
 * `maxDepth`: values nested deeper are skipped, not located (their nearest located parent stands
 * in), so that a hostile file cannot make this recursive scanner overflow the stack.
 */
export function locate(text: string, maxDepth = MAX_FLOW_DEPTH + 1): Locator {
  const values = new Map<string, Position>();
  const keys = new Map<string, Position>();
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const pos = (): Position => ({ line, column: i - lineStart + 1 });
  const advance = (): void => {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
    i++;
  };

  function skipSpace(): void {
    while (i < text.length) {
      const c = text[i];
      if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') advance();
      } else if (c === '/' && text[i + 1] === '*') {
        advance();
        advance();
        while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) advance();
        advance();
        advance();
      } else if (c !== undefined && /\s|\uFEFF/.test(c)) {
        advance();
      } else {
        return;
      }
    }
  }

  function readString(): string {
    const quoteChar = text[i];
    advance();
    let out = '';
    while (i < text.length && text[i] !== quoteChar) {
      if (text[i] === '\\') {
        advance();
        const e = text[i] ?? '';
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
        if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
          for (let k = 0; k < 5; k++) advance();
          continue;
        }
        if (e === 'x') {
          out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
          for (let k = 0; k < 3; k++) advance();
          continue;
        }
        if (e === '\n' || e === '\r') {
          advance();
          continue;
        }
        out += simple[e] ?? e;
        advance();
        continue;
      }
      out += text[i];
      advance();
    }
    advance();
    return out;
  }

  function readBareKey(): string {
    const start = i;
    while (i < text.length && /[^\s:]/.test(text[i] ?? '')) advance();
    return text.slice(start, i);
  }

  /** Past a record or array without recording anything in it: brackets counted, strings and comments skipped. */
  function skipNested(): void {
    let depth = 0;
    do {
      skipSpace();
      const c = text[i];
      if (c === '"' || c === "'") {
        readString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      advance();
    } while (depth > 0 && i < text.length);
  }

  function readValue(path: (string | number)[]): void {
    skipSpace();
    values.set(join(path), pos());
    const c = text[i];
    if ((c === '{' || c === '[') && path.length >= maxDepth) {
      skipNested();
    } else if (c === '{') {
      advance();
      for (;;) {
        skipSpace();
        if (text[i] === '}' || i >= text.length) break;
        const keyPos = pos();
        const name = text[i] === '"' || text[i] === "'" ? readString() : readBareKey();
        path.push(name);
        keys.set(join(path), keyPos);
        skipSpace();
        advance(); // ':'
        readValue(path);
        path.pop();
        skipSpace();
        if (text[i] === ',') advance();
      }
      advance();
    } else if (c === '[') {
      advance();
      for (let index = 0; ; index++) {
        skipSpace();
        if (text[i] === ']' || i >= text.length) break;
        path.push(index);
        readValue(path);
        path.pop();
        skipSpace();
        if (text[i] === ',') advance();
      }
      advance();
    } else if (c === '"' || c === "'") {
      readString();
    } else {
      while (i < text.length && /[^\s,\]}/]/.test(text[i] ?? '')) advance();
    }
  }

  readValue([]);

  const nearest = (map: Map<string, Position>, path: PathKey): Position => {
    for (let n = path.length; n >= 0; n--) {
      const found = map.get(join(path.slice(0, n)));
      if (found) return found;
    }
    return { line: 1, column: 1 };
  };

  return {
    value: (path) => values.get(join(path)) ?? nearest(values, path),
    key: (path) => keys.get(join(path)) ?? nearest(values, path),
  };
}
