import type { Template } from '../template.js';

/** A line format simple enough to read at a glance, with the errors a real codec must raise. */
export const codecTemplate: Template = ({ names: { registered: name, file } }) => [
  {
    path: `connectors/${file}.ts`,
    text: `/**
 * The \`${name}\` codec: one line of \`key=value\` pairs to a record of strings, and back. Made by
 * \`tremolo new codec ${name}\` as a starting point: keep the shape and put your format in.
 *
 * A flow in flows/ loads it with \`use: ['../connectors/${file}.ts']\`; a connector then names it
 * like a built-in: \`codec: '${name}'\`, or \`codec: { name: '${name}', config: { separator: ';' } }\`.
 */
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { defineCodec } from 'tremolo';

const describe = (value: unknown): string =>
  value === null || value === undefined ? String(value) : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'a record' : \`a \${typeof value}\`;

export default defineCodec({
  name: '${name}',
  description:
    'One line of \`key=value\` pairs, separated by \`separator\`, to a record of strings, and back; numbers and booleans are written as text. A pair without \`=\`, a key given twice or a nested value is an error.',
  config: z.strictObject({
    separator: z
      .string()
      .regex(/^[^=\\r\\n]$/, { error: 'expected one character other than "=", CR or LF' })
      .default(' ')
      .describe('what separates the pairs, one character'),
  }),
  // Also possible: \`binary: true\` when encode writes bytes (WebSocket sinks then send binary
  // frames), and \`mimeTypes\` for the http connectors to pick this codec by Content-Type.
  create({ separator }) {
    const writable = (text: string): boolean => !text.includes(separator) && !/[\\r\\n]/.test(text);
    return {
      // Bytes to a value; undefined means "nothing here". A throw becomes an event on the
      // connector's \`err\` port (ERR_CODEC_DECODE, with an excerpt), and the stream goes on.
      decode(data) {
        if (!isUtf8(data)) throw new Error('${name}: expected UTF-8 text');
        const line = data.toString('utf8').replace(/\\r?\\n$/, '');
        if (line === '') return undefined;
        const entries: [string, string][] = [];
        const seen = new Set<string>();
        for (const pair of line.split(separator)) {
          const at = pair.indexOf('=');
          if (at <= 0) throw new Error(\`${name}: expected key=value, received \${JSON.stringify(pair)}\`);
          const key = pair.slice(0, at);
          if (seen.has(key)) throw new Error(\`${name}: key \${JSON.stringify(key)} given twice\`);
          seen.add(key);
          entries.push([key, pair.slice(at + 1)]);
        }
        // fromEntries defines own properties: a key "__proto__" stays data, not a prototype.
        return Object.fromEntries(entries);
      },
      // A value to text (or bytes). A throw sends the event to the sink's \`err\` port (ERR_CODEC_ENCODE).
      encode(value) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new Error(\`${name}: expected a record, received \${describe(value)}\`);
        }
        const pairs = Object.entries(value).map(([key, v]) => {
          if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
            throw new Error(\`${name}: \${key}: expected a string, number or boolean, received \${describe(v)}\`);
          }
          const text = String(v);
          if (key === '' || key.includes('=') || !writable(key) || !writable(text)) {
            throw new Error(\`${name}: cannot write \${JSON.stringify(key)} = \${JSON.stringify(text)}: a key is not empty and holds no "=", and neither may hold the separator or a line break\`);
          }
          return \`\${key}=\${text}\`;
        });
        return pairs.join(separator);
      },
    };
  },
});
`,
  },
  {
    path: `test/${file}.test.ts`,
    text: `/**
 * The \`${name}\` codec: each direction on its own, the round trip, its errors, and a flow that
 * reads a file through it. Run: node --import tsx test/${file}.test.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from 'tremolo/testing';
import codec from '../connectors/${file}.js';

// The config as a flow would give it, checked and with its defaults filled in.
const create = (config: object = {}) => codec.create(codec.config!.parse(config));
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

test('a line decodes to its record, which encodes back to the same line', () => {
  const c = create();
  const record = c.decode(bytes('user=ann level=3 ok=true\\n'), {});
  assert.equal(record, { user: 'ann', level: '3', ok: 'true' });
  assert.is(c.encode(record, {}), 'user=ann level=3 ok=true');
});

test('the separator is configurable; numbers and booleans are written as text', () => {
  const c = create({ separator: ';' });
  assert.equal(c.decode(bytes('a=1;b=two words'), {}), { a: '1', b: 'two words' });
  assert.is(c.encode({ n: 42, ok: false }, {}), 'n=42;ok=false');
});

test('an empty line is nothing, not an error', () => {
  assert.is(create().decode(bytes('\\n'), {}), undefined);
});

test('bad input is refused, saying what was expected', () => {
  const c = create();
  assert.throws(() => c.decode(bytes('user ann'), {}), /^${name}: expected key=value, received "user"$/);
  assert.throws(() => c.decode(bytes('a=1 a=2'), {}), /^${name}: key "a" given twice$/);
  assert.throws(() => c.decode(Buffer.from([0x61, 0x3d, 0xff]), {}), /^${name}: expected UTF-8 text$/);
  assert.throws(() => c.encode([1], {}), /^${name}: expected a record, received an array$/);
  assert.throws(() => c.encode({ a: { b: 1 } }, {}), /^${name}: a: expected a string, number or boolean, received a record$/);
  assert.throws(() => c.encode({ a: 'two words' }, {}), /^${name}: cannot write "a" = "two words"/);
});

test('a flow reads a file of lines through the codec', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), '${file}-'));
  try {
    const input = path.join(dir, 'in.txt');
    writeFileSync(input, 'a=1 b=2\\nc=3\\n');
    const flow = await startFlow(
      {
        use: ['../connectors/${file}.ts'],
        connectors: { input: { type: 'file', codec: '${name}', preprocessors: ['separate'], config: { path: input, mode: 'read' } } },
      },
      // Placed in this folder, so \`use\` is relative to it.
      { file: path.join(import.meta.dirname, '${file}.flow.json5') },
    );
    try {
      const events = await flow.collect('input', 'out', 2, { timeout: 2000 });
      assert.equal(
        events.map((e) => e.data),
        [{ a: '1', b: '2' }, { c: '3' }],
      );
    } finally {
      await flow.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
`,
  },
];
