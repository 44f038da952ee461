// @ts-check
import { isUtf8 } from 'node:buffer';
import { defineCodec } from 'tremolo';

/** Characters a key or a bare value cannot hold: they end it, or need quotes. */
const SPECIAL = /[\s="\\]|[\u0000-\u001f\u007f]/;

/** @param {unknown} value */
const describe = (value) =>
  value === null || value === undefined ? String(value) : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'a record' : `a ${typeof value}`;

/**
 * One logfmt line to a record and back: `at=info msg="hello world" ok`. Values decode to strings
 * (a key alone to true), as logfmt carries no types; a quoted value uses JSON's escapes.
 * @param {string} line
 */
function parse(line) {
  /** @type {[string, string | true][]} */
  const pairs = [];
  let i = 0;
  const skipSpaces = () => {
    while (i < line.length && /\s/.test(line[i] ?? '')) i++;
  };
  for (skipSpaces(); i < line.length; skipSpaces()) {
    const start = i;
    while (i < line.length && !SPECIAL.test(line[i] ?? '')) i++;
    const key = line.slice(start, i);
    if (key === '') throw new Error(`logfmt: expected a key at character ${i}, received ${JSON.stringify(line[i])}`);
    if (line[i] !== '=') {
      pairs.push([key, true]);
      continue;
    }
    i++;
    if (line[i] === '"') {
      // The shortest run up to an unescaped quote is the value, read with JSON's escapes.
      const match = /^"(?:[^"\\]|\\.)*"/.exec(line.slice(i));
      if (match === null) throw new Error(`logfmt: the quoted value of ${JSON.stringify(key)} at character ${i} is not closed`);
      try {
        pairs.push([key, JSON.parse(match[0])]);
      } catch {
        throw new Error(`logfmt: the quoted value of ${JSON.stringify(key)} at character ${i} is not valid JSON text (escapes, control characters)`);
      }
      i += match[0].length;
    } else {
      const from = i;
      while (i < line.length && !SPECIAL.test(line[i] ?? '')) i++;
      if (i < line.length && !/\s/.test(line[i] ?? '')) throw new Error(`logfmt: unexpected ${JSON.stringify(line[i])} in the value of ${JSON.stringify(key)} at character ${i}; quote the value`);
      pairs.push([key, line.slice(from, i)]);
    }
  }
  // fromEntries defines own properties: a key "__proto__" stays data. A repeated key: the last wins.
  return Object.fromEntries(pairs);
}

/**
 * @param {string} key
 * @param {unknown} value
 */
function pair(key, value) {
  if (key === '' || SPECIAL.test(key)) throw new Error(`logfmt: cannot write the key ${JSON.stringify(key)}: keys are not empty and hold no space, "=", quote or backslash`);
  if (value === true) return key;
  if (value === null || value === undefined) return `${key}=`;
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : undefined;
  if (text === undefined) throw new Error(`logfmt: ${key}: expected a string, number or boolean, received ${describe(value)}`);
  return text === '' || SPECIAL.test(text) ? `${key}=${JSON.stringify(text)}` : `${key}=${text}`;
}

export const logfmt = defineCodec({
  name: 'logfmt',
  description:
    'One logfmt line (`at=info msg="hello world" ok`) to a record and back. Values decode to strings, a key alone to true; a quoted value uses JSON escapes. Numbers and booleans are written as text, null as `key=`; a nested value is an error.',
  mimeTypes: ['text/logfmt'],
  create: () => ({
    decode(data) {
      if (!isUtf8(data)) throw new Error('logfmt: expected UTF-8 text');
      const line = data.toString('utf8').replace(/\r?\n$/, '');
      return line.trim() === '' ? undefined : parse(line);
    },
    encode(value) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`logfmt: expected a record, received ${describe(value)}`);
      return Object.entries(value)
        .map(([key, v]) => pair(key, v))
        .join(' ');
    },
  }),
});
