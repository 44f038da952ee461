/**
 * What bench/codecs.ts and bench/msgpack-encode-side.ts share: the events, the options under which
 * direct msgpackr matches the codec's, and the rate measurement.
 */
import type { Options } from 'msgpackr';

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
export const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_MS ?? 150);

// log and metric carry a millisecond timestamp (beyond 32 bits), which msgpackr alone writes as a
// float and tremolo's codec as an integer (see integersAsInt64); chat has only small numbers.
export const EVENTS: Record<string, unknown> = {
  log: { level: 'info', msg: 'user logged in from 10.0.0.17', ts: 1700000000123, user: { id: 42, name: 'alice', admin: false }, tags: ['auth', 'web'] },
  metric: { measurement: 'cpu', tags: { host: 'server-01', region: 'eu-west' }, fields: { usage_user: 12.5, usage_system: 3.25, usage_idle: 84.25 }, timestamp: 1465839830100 },
  chat: { room: 'general', user: { id: 42, name: 'alice' }, text: 'see you at the standup', seq: 17, mentions: ['bob', 'carol'], edited: false },
};

/** The codec's options, so that only the wrapping differs. */
export const PACKR_OPTIONS = { useRecords: false, mapsAsObjects: true, variableMapSize: true, int64AsType: 'auto', encodeUndefinedAsNil: true, copyBuffers: false } as unknown as Options;

let sink: unknown;
/** Calls per second of `fn` over about SAMPLE_MS, in batches so that the clock is read rarely. */
export function rate(fn: () => unknown): number {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < SAMPLE_MS) {
    for (let i = 0; i < 2000; i++) sink = fn();
    calls += 2000;
    now = performance.now();
  }
  if (sink === Symbol.for('never')) process.stdout.write('');
  return (calls * 1000) / (now - start);
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
