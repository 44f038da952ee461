/**
 * Pipeline throughput: 1e6 generated events through filter + map + window (size 100, count, mean
 * and p99 per group) in a tremolo pipeline, next to a hand-written JavaScript loop doing the same
 * work, in the same process, rounds interleaved, medians. Run: node --import tsx bench/pipeline.ts
 */
import { loadFlowObject } from '../src/app/load.js';
import { createEvent, type Origin, type TremoloEvent } from '../src/sdk/event.js';
import { createLogger } from '../src/sdk/logger.js';
import { Pipeline } from '../src/engine/pipeline.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const STREAMS = 8;

// The events are made once: both sides read the same objects, so neither pays for making them.
const origins: Origin[][] = Array.from({ length: STREAMS }, (_, s) => [{ connector: 1, stream: s }]);
const events: TremoloEvent[] = Array.from({ length: EVENTS }, (_, i) =>
  createEvent({ user: `u${i % 16}`, latency: (i * 7919) % 1000, ok: i % 10 !== 0 }, {}, origins[i % STREAMS]!),
);

const model = await loadFlowObject({
  pipelines: {
    p: {
      operators: [
        { op: 'filter', config: { condition: 'event.ok' } },
        { op: 'map', config: { event: '{"user": event.user, "ms": event.latency / 1000}' } },
        { op: 'window', config: { size: 100, group_by: 'event.user', aggregates: { n: 'count()', mean: 'mean(event.ms)', p99: 'p99(event.ms)' } } },
      ],
    },
  },
});

function viaTremolo(): number {
  const pipeline = new Pipeline(model.pipelines[0]!, createLogger('error'));
  let windows = 0;
  pipeline.outputs.get('out')!.subscribe(() => windows++);
  const input = pipeline.inputs.get('in')!;
  for (const e of events) input.next(e);
  pipeline.complete();
  pipeline.dispose();
  return windows;
}

/** The same work by hand: filter, reshape, per-group windows of 100 with count, mean and p99. */
function byHand(): number {
  const groups = new Map<string, number[]>();
  let windows = 0;
  let sink = 0;
  const close = (values: number[]): void => {
    const sorted = Float64Array.from(values).sort();
    let sum = 0;
    for (const v of values) sum += v;
    sink += values.length + sum / values.length + sorted[Math.ceil(0.99 * sorted.length) - 1]!;
    windows++;
  };
  for (const e of events) {
    const d = e.data as { user: string; latency: number; ok: boolean };
    if (!d.ok) continue;
    const mapped = { user: d.user, ms: d.latency / 1000 };
    let values = groups.get(mapped.user);
    if (values === undefined) groups.set(mapped.user, (values = []));
    values.push(mapped.ms);
    if (values.length === 100) {
      close(values);
      groups.set(mapped.user, []);
    }
  }
  for (const values of groups.values()) if (values.length > 0) close(values);
  return windows + (sink === -1 ? 1 : 0);
}

const time = (fn: () => number): [number, number] => {
  const start = performance.now();
  const windows = fn();
  return [(EVENTS * 1000) / (performance.now() - start), windows];
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

time(viaTremolo);
time(byHand);
const mine: number[] = [];
const theirs: number[] = [];
let windows = [0, 0];
for (let r = 0; r < ROUNDS; r++) {
  const a = r % 2 === 0 ? time(viaTremolo) : undefined;
  const b = time(byHand);
  const c = a ?? time(viaTremolo);
  mine.push(c[0]);
  theirs.push(b[0]);
  windows = [c[1], b[1]];
}
if (windows[0] !== windows[1]) throw new Error(`the two sides disagree: ${windows[0]} windows vs ${windows[1]}`);
const ratio = median(theirs) / median(mine);
process.stdout.write(`pipeline filter + map + window over ${EVENTS} events, ${ROUNDS} rounds, medians\n`);
process.stdout.write(`tremolo   ${(median(mine) / 1e6).toFixed(2)} M events/s\n`);
process.stdout.write(`by hand   ${(median(theirs) / 1e6).toFixed(2)} M events/s\n`);
process.stdout.write(`tremolo takes ${ratio.toFixed(2)}x the time of the hand-written loop (goal: <= 2x); ${windows[0]} windows each\n`);
