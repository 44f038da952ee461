import path from 'node:path';
import fc from 'fast-check';
import JSON5 from 'json5';
import { checkFlow } from '../../src/app/load.js';
import { isRuntimeError } from '../../src/sdk/errors.js';
import { builtins } from '../../src/app/builtins/registries.js';
import { amount, type Scenario } from './scenario.js';
import thingsdbFraming from '../../packages/thingsdb/thingsdb-framing.js';

const RUNS = amount('CHAOS_FUZZ_RUNS', 300, 150);
const file = path.join(import.meta.dirname, 'fuzz.flow.json5');

/** A valid flow to mutate: every part of a flow file appears in it. */
const SEED = {
  use: ['std'],
  args: { url: 'ws://127.0.0.1:0', n: 3 },
  connectors: {
    server: { type: 'ws_server', codec: { name: 'json', config: { mode: 'sorted' } }, preprocessors: [{ name: 'separate', config: { buffered: false } }], postprocessors: ['separate'], config: { url: '${args.url}' } },
    client: { type: 'ws_client', codec: 'json', config: { url: 'ws://127.0.0.1:1' }, reconnect: { retry: { interval_ms: 10, max_retries: '${args.n}' } } },
    console: { from: 'std::console' },
  },
  pipelines: {
    echo: { from: 'std::passthrough' },
    big: { operators: [{ op: 'filter', config: { condition: 'event.n > args.n' } }, { op: 'window', config: { size: 10, aggregates: { c: 'count()' } } }] },
  },
  links: [['server', 'echo'], ['echo', 'server'], ['server/err', 'console'], ['client', 'big'], ['big', 'console']],
};

/** Deletes, replaces or adds one thing somewhere in a JSON value. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const i = path[0]! % value.length;
    const copy = value.slice();
    copy[i] = mutate(copy[i], path.slice(1), replacement);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return { k: replacement };
    const key = keys[path[0]! % keys.length]!;
    return { ...(value as object), [key]: mutate((value as Record<string, unknown>)[key], path.slice(1), replacement) };
  }
  return replacement;
}

/** Loading never throws anything but a RuntimeError, never hangs, and reports problems with a place. */
async function loads(text: string): Promise<string | undefined> {
  try {
    const { problems } = await checkFlow(file, { text });
    for (const p of problems) if (!(p.line >= 1 && p.column >= 1 && p.message.length > 0)) return `a problem without a place: ${JSON.stringify(p)}`;
    return undefined;
  } catch (err) {
    return isRuntimeError(err) ? undefined : `threw ${(err as Error).stack}`;
  }
}

/**
 * Random and mutated flow files through the loader, and random bytes through every framing
 * preprocessor in random chunkings: clean errors only, nothing escapes.
 */
export const fuzz: Scenario = {
  name: 'fuzzing the flow loader and the framing preprocessors',
  async run() {
    const problems: string[] = [];
    let cases = 0;
    const texts = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.tuple(fc.array(fc.nat(), { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })).map(([p, r]) => JSON5.stringify(mutate(SEED, p, r))),
      fc.tuple(fc.nat(2000), fc.nat(2000)).map(([a, b]) => {
        const t = JSON5.stringify(SEED);
        return t.slice(0, Math.min(a, b)) + t.slice(Math.max(a, b));
      }),
    );
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        cases++;
        const failure = await loads(text);
        if (failure !== undefined) problems.push(`${failure} for ${JSON.stringify(text).slice(0, 200)}`);
        return failure === undefined;
      }),
      { numRuns: RUNS },
    ).catch(() => undefined);

    // The plugin packages' framing too: tremolo ships them, and they meet the same bytes.
    const framing = [...builtins().processors.values(), thingsdbFraming].filter(
      (p) => p.pre !== undefined && ['separate', 'length-prefixed', 'textual-length-prefixed', 'thingsdb', 'base64', 'decompress', 'ingest-ns'].includes(p.name),
    );
    for (const def of framing) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.nat(2048), { maxLength: 8 }), (bytes, cuts) => {
          cases++;
          const config = def.config === undefined ? undefined : def.config.parse(undefined);
          const p = def.pre!(config);
          const out = { emit: () => undefined, error: () => undefined };
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          let at = 0;
          try {
            for (const cut of [...points, bytes.length]) {
              p.process(Buffer.from(bytes.subarray(at, cut)), {}, out);
              at = cut;
            }
            p.finish?.(out);
          } catch (err) {
            problems.push(`${def.name} threw ${(err as Error).message}`);
            return false;
          }
          return true;
        }),
        { numRuns: RUNS },
      );
    }
    return {
      load: `${RUNS} flow files, ${RUNS} byte streams for each of ${framing.length} preprocessors`,
      faults: 'random, mutated and truncated flows; random bytes in random chunks',
      sent: cases,
      delivered: cases - problems.length,
      reported: 0,
      problems: problems.slice(0, 5),
    };
  },
};
