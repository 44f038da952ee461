/**
 * Codec overhead: events/s through tremolo's json and msgpack codec objects next to a direct call
 * of the library underneath (JSON.parse/stringify, msgpackr with the codec's options), in the same
 * process, interleaved, several rounds, medians. Run: node --import tsx bench/codecs.ts
 */
import { Packr } from 'msgpackr';
import { json } from '../src/codecs/json.js';
import { msgpack } from '../src/codecs/msgpack.js';
import type { Codec } from '../src/runtime/codec-api.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 150);
const meta = {};

// log and metric carry a millisecond timestamp (beyond 32 bits), which msgpackr alone writes as a
// float and tremolo's codec as an integer (see integersAsInt64); chat has only small numbers.
const EVENTS = {
  log: { level: 'info', msg: 'user logged in from 10.0.0.17', ts: 1700000000123, user: { id: 42, name: 'alice', admin: false }, tags: ['auth', 'web'] },
  metric: { measurement: 'cpu', tags: { host: 'server-01', region: 'eu-west' }, fields: { usage_user: 12.5, usage_system: 3.25, usage_idle: 84.25 }, timestamp: 1465839830100 },
  chat: { room: 'general', user: { id: 42, name: 'alice' }, text: 'see you at the standup', seq: 17, mentions: ['bob', 'carol'], edited: false },
};

const jsonCodec: Codec = json.create(json.config!.parse({}));
const msgpackCodec: Codec = msgpack.create(undefined);
// The same options as the codec, so that only the wrapping differs.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true, int64AsType: 'auto', encodeUndefinedAsNil: true, copyBuffers: false } as never);

/**
 * What msgpackr itself needs to write an integer beyond 32 bits as an integer: a bigint. So the
 * event copied with such numbers as bigints is "msgpackr writing the same bytes" as the codec.
 */
const withBigInts = (v: unknown): unknown => {
  if (typeof v === 'number') return Number.isSafeInteger(v) && (v >= 2 ** 32 || v < -(2 ** 31)) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(withBigInts);
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = withBigInts(x);
  return out;
};

interface Pair {
  readonly name: string;
  readonly tremolo: () => unknown;
  readonly direct: () => unknown;
}

const pairs: Pair[] = Object.entries(EVENTS).flatMap(([kind, value]) => {
  const text = Buffer.from(JSON.stringify(value));
  const packed = Buffer.from(packr.pack(value));
  const sameBytes = Buffer.from(packr.pack(withBigInts(value)));
  // Where msgpackr alone writes other bytes (a float for the timestamp), also against msgpackr
  // writing the codec's bytes; checked, so the row cannot compare different outputs.
  const differs = !sameBytes.equals(packed);
  if (differs && !sameBytes.equals(Buffer.from(msgpackCodec.encode(value, meta) as Uint8Array))) throw new Error(`${kind}: the codec's bytes are not msgpackr's with bigints`);
  return [
    { name: `json encode ${kind}`, tremolo: () => jsonCodec.encode(value, meta), direct: () => JSON.stringify(value) },
    { name: `json decode ${kind}`, tremolo: () => jsonCodec.decode(text, meta), direct: () => JSON.parse(text.toString('utf8')) },
    { name: `msgpack encode ${kind}`, tremolo: () => msgpackCodec.encode(value, meta), direct: () => packr.pack(value) },
    ...(differs ? [{ name: `  same bytes ${kind}`, tremolo: () => msgpackCodec.encode(value, meta), direct: () => packr.pack(withBigInts(value)) }] : []),
    { name: `msgpack decode ${kind}`, tremolo: () => msgpackCodec.decode(packed, meta), direct: () => packr.unpack(packed) },
  ];
});

let sink: unknown;
/** Calls per second of `fn` over about SAMPLE_MS, in batches so that the clock is read rarely. */
function rate(fn: () => unknown): number {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < SAMPLE_MS) {
    for (let i = 0; i < 2000; i++) sink = fn();
    calls += 2000;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M`.padStart(9);

// Warm up every path before measuring anything, so that no variant pays for the JIT of another.
for (const p of pairs) {
  rate(p.tremolo);
  rate(p.direct);
}

process.stdout.write(`codec overhead, ${ROUNDS} rounds of ${SAMPLE_MS} ms, medians (events/s)\n`);
process.stdout.write(`${'scenario'.padEnd(24)}${'tremolo'.padStart(11)}${'direct'.padStart(11)}${'ratio'.padStart(8)}\n`);
let worst = Infinity;
let worstSame = Infinity;
for (const p of pairs) {
  const mine: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so that neither always runs on a warmer or cooler machine.
    if (r % 2 === 0) {
      mine.push(rate(p.tremolo));
      theirs.push(rate(p.direct));
    } else {
      theirs.push(rate(p.direct));
      mine.push(rate(p.tremolo));
    }
  }
  const ratio = median(mine) / median(theirs);
  if (p.name.includes('same bytes')) worstSame = Math.min(worstSame, ratio);
  else worst = Math.min(worst, ratio);
  process.stdout.write(`${p.name.padEnd(24)}${fmt(median(mine))}/s${fmt(median(theirs))}/s${ratio.toFixed(2).padStart(7)}\n`);
}
if (worstSame !== Infinity) process.stdout.write(`"same bytes": msgpack encode against msgpackr given the event with bigints, the way it writes such integers as integers: lowest ratio ${worstSame.toFixed(2)}\n`);
process.stdout.write(`lowest ratio ${worst.toFixed(2)} (1.00 = no overhead; the goal is >= 0.90)\n`);
if (sink === Symbol.for('never')) process.stdout.write('');
