/**
 * One side of bench/codecs.ts's msgpack encode rows, alone in its process: `direct` (msgpackr) or
 * `tremolo` (the codec). Prints one JSON line: each event's rates (events/s), ROUNDS_HERE rounds.
 * Alone, because the codec's Packr is a subclass (see FloatRecordingPackr): two Packr classes in
 * one process make msgpackr's property reads polymorphic, which slows both sides by 5-10 %, and a
 * flow has only the codec's. Only the side measured is even imported.
 */
import { Packr } from 'msgpackr';
import { EVENTS, PACKR_OPTIONS, rate } from './harness/codec-rates.js';

const side = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
let encode: (value: unknown) => unknown;
if (side === 'direct') {
  const packr = new Packr(PACKR_OPTIONS);
  encode = (value) => packr.pack(value);
} else if (side === 'tremolo') {
  const { msgpack } = await import('../src/kinds/codecs/msgpack.js');
  const codec = msgpack.create(undefined);
  encode = (value) => codec.encode(value, {});
} else {
  throw new Error(`side: expected "direct" or "tremolo", got ${JSON.stringify(side)}`);
}

const rates: Record<string, number[]> = {};
for (const value of Object.values(EVENTS)) rate(() => encode(value));
for (let r = 0; r < rounds; r++) {
  for (const [kind, value] of Object.entries(EVENTS)) (rates[kind] ??= []).push(rate(() => encode(value)));
}
process.stdout.write(`${JSON.stringify(rates)}\n`);
