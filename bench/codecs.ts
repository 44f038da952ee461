/**
 * Codec overhead: events/s through tremolo's json and msgpack codec objects next to a direct call
 * of the library underneath (JSON.parse/stringify, msgpackr with the codec's options), interleaved,
 * several rounds, medians: in this process, except msgpack encode (see isolatedEncodeRates).
 * Run: node --import tsx bench/codecs.ts
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import { json } from '../src/kinds/codecs/json.js';
import { msgpack } from '../src/kinds/codecs/msgpack.js';
import type { Codec } from '../src/sdk/codec-api.js';
import { EVENTS, median, PACKR_OPTIONS, rate, ROUNDS, SAMPLE_MS } from './harness/codec-rates.js';

const meta = {};
const jsonCodec: Codec = json.create(json.config!.parse({}));
const msgpackCodec: Codec = msgpack.create(undefined);
const packr = new Packr(PACKR_OPTIONS);

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

/**
 * msgpack encode, each side in its own processes (bench/msgpack-encode-side.ts says why), the
 * processes alternating and their order swapping, all their rounds pooled: median events/s.
 */
function isolatedEncodeRates(): Record<'direct' | 'tremolo', Record<string, number>> {
  const script = fileURLToPath(new URL('./msgpack-encode-side.ts', import.meta.url));
  const pooled = { direct: {} as Record<string, number[]>, tremolo: {} as Record<string, number[]> };
  const processes = Math.max(2, Math.ceil(ROUNDS / 2));
  for (let i = 0; i < processes; i++) {
    for (const side of i % 2 === 0 ? (['direct', 'tremolo'] as const) : (['tremolo', 'direct'] as const)) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', script, side, '3'], { encoding: 'utf8', timeout: 120_000 });
      for (const [kind, rates] of Object.entries(JSON.parse(out) as Record<string, number[]>)) (pooled[side][kind] ??= []).push(...rates);
    }
  }
  const medians = (r: Record<string, number[]>) => Object.fromEntries(Object.entries(r).map(([k, xs]) => [k, median(xs)]));
  return { direct: medians(pooled.direct), tremolo: medians(pooled.tremolo) };
}

interface Pair {
  readonly name: string;
  readonly tremolo: () => unknown;
  readonly direct: () => unknown;
  /** Measured in processes of its own: the event's name. */
  readonly isolated?: string;
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
    { name: `msgpack encode ${kind}`, isolated: kind, tremolo: () => msgpackCodec.encode(value, meta), direct: () => packr.pack(value) },
    ...(differs ? [{ name: `  same bytes ${kind}`, tremolo: () => msgpackCodec.encode(value, meta), direct: () => packr.pack(withBigInts(value)) }] : []),
    { name: `msgpack decode ${kind}`, tremolo: () => msgpackCodec.decode(packed, meta), direct: () => packr.unpack(packed) },
  ];
});

const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M`.padStart(9);

const isolated = isolatedEncodeRates();
// Warm up every path before measuring anything, so that no variant pays for the JIT of another.
for (const p of pairs) {
  if (p.isolated !== undefined) continue;
  rate(p.tremolo);
  rate(p.direct);
}

process.stdout.write(`codec overhead, ${ROUNDS} rounds of ${SAMPLE_MS} ms, medians (events/s)\n`);
process.stdout.write(`${'scenario'.padEnd(24)}${'tremolo'.padStart(11)}${'direct'.padStart(11)}${'ratio'.padStart(8)}\n`);
let worst = Infinity;
let worstSame = Infinity;
for (const p of pairs) {
  if (p.isolated !== undefined) {
    const mine = isolated.tremolo[p.isolated]!;
    const ratio = mine / isolated.direct[p.isolated]!;
    worst = Math.min(worst, ratio);
    process.stdout.write(`${`${p.name} *`.padEnd(24)}${fmt(mine)}/s${fmt(isolated.direct[p.isolated]!)}/s${ratio.toFixed(2).padStart(7)}\n`);
    continue;
  }
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
process.stdout.write('* each side in its own processes: two Packr classes in one process slow both by 5-10 %\n');
if (worstSame !== Infinity) process.stdout.write(`"same bytes": msgpack encode against msgpackr given the event with bigints, the way it writes such integers as integers: lowest ratio ${worstSame.toFixed(2)}\n`);
process.stdout.write(`lowest ratio ${worst.toFixed(2)} (1.00 = no overhead; the goal is >= 0.90)\n`);
