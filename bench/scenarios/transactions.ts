/**
 * What at-least-once costs. In one process, rounds interleaved, medians of events per second:
 *   plain        a source pushes values through a pipeline (map) to a `null` sink: no transaction
 *   transactional the same, each value pushed with an outcome (acked when the sink accepted it)
 *   wal          plain values through a `wal` (record, fsync batched, out as transactional) to `null`
 * Run: node --import tsx bench/scenarios/transactions.ts (BENCH_EVENTS, BENCH_ROUNDS, BENCH_KINDS).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// A second checkout's runtime (TREMOLO_SRC_B=/abs/path/src) is measured in the same process, rounds
// interleaved: on a busy machine only that makes the plain paths comparable.
const roots = [process.env.TREMOLO_SRC ?? path.resolve(import.meta.dirname, '../../src'), ...(process.env.TREMOLO_SRC_B === undefined ? [] : [process.env.TREMOLO_SRC_B])];

type Pusher = (i: number, done: () => void) => void;
let pusher: Pusher | undefined;

async function runtimeAt(src: string) {
  // The first of the paths that exists: a checkout from before the restructure (issue 21) has its
  // modules elsewhere, and is still measured against this one.
  const load = async <T>(...files: string[]): Promise<T> => {
    const file = files.find((f) => existsSync(path.join(src, f))) ?? files[0]!;
    return (await import(pathToFileURL(path.join(src, file)).href)) as T;
  };
  const { loadFlowObject } = await load<typeof import('../../src/app/load.js')>('app/load.ts', 'flow/load.ts');
  const { Flow } = await load<typeof import('../../src/engine/flow.js')>('engine/flow.ts', 'runtime/flow.ts');
  const { defineConnector } = await load<typeof import('../../src/sdk/connector-api.js')>('sdk/connector-api.ts', 'runtime/connector-api.ts');
  const { childRegistries, registerDefinition } = await load<typeof import('../../src/app/builtins/registries.js')>('app/builtins/registries.ts', 'runtime/registries.ts');
  const { createLogger } = await load<typeof import('../../src/sdk/logger.js')>('sdk/logger.ts', 'runtime/logger.ts');
  /** Pushes values when told: plain, or each with an outcome counted toward the end. */
  const bench = defineConnector({
    kind: 'bench_source',
    description: 'benchmark source',
    config: z.strictObject({ transactional: z.boolean().default(false) }),
    codec: 'structured',
    create(config, ctx) {
      return {
        run() {
          const stream = ctx.openStream(ctx.meta({}));
          pusher = (i, done) => {
            const value = { n: i, user: `u${i % 16}` };
            if (!config.transactional) stream.pushValue(value);
            else (stream.pushValue as (v: unknown, m: undefined, p: string, o: { ack(): void; fail(r: string): void }) => void)(value, undefined, 'out', { ack: done, fail: done });
          };
        },
      };
    },
  });
  const walFile = ['kinds/wal/wal.ts', 'connectors/wal.ts'].find((f) => existsSync(path.join(src, f)));
  const wal = walFile !== undefined ? (await load<{ wal: unknown }>(walFile)).wal : undefined;
  return { loadFlowObject, Flow, childRegistries, registerDefinition, createLogger, bench, wal };
}
const runtimes = await Promise.all(roots.map(runtimeAt));

async function measure(kind: 'plain' | 'transactional' | 'wal', rt: Awaited<ReturnType<typeof runtimeAt>>): Promise<number> {
  const { loadFlowObject, Flow, childRegistries, registerDefinition, createLogger, bench } = rt;
  const regs = childRegistries();
  registerDefinition(regs, bench);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-bench-wal-'));
  // Built in since issue 14; registered here only for a tree (B) that predates it.
  if (kind === 'wal' && !regs.connectors.has('wal')) registerDefinition(regs, rt.wal);
  const connectors: Record<string, unknown> = {
    src: { type: 'bench_source', config: { transactional: kind === 'transactional' } },
    sink: { type: 'null' },
  };
  const links: [string, string][] = [['src', 'p'], ['p', 'sink']];
  if (kind === 'wal') {
    connectors.log = { type: 'wal', config: { dir, max_bytes: 1024 * 1024 * 1024 } };
    links[1] = ['p', 'log'];
    links.push(['log', 'sink']);
  }
  const model = await loadFlowObject(
    { connectors, pipelines: { p: { operators: [{ op: 'map', config: { event: '{"n": event.n, "user": event.user}' } }] } }, links },
    { registries: regs },
  );
  const flow = await Flow.deploy(model, { log: createLogger('error') });
  const sink = flow.connector('sink');
  let settled = 0;
  const done = (): void => void settled++;
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) pusher!(i, done);
  // With the wal, events reach the sink once fsync'd: wait for all of them.
  while (sink.counters.in < EVENTS) await new Promise((r) => setImmediate(r));
  const rate = EVENTS / ((performance.now() - started) / 1000);
  if (kind === 'transactional' && settled !== EVENTS) throw new Error(`${settled} of ${EVENTS} settled`);
  await flow.stop();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

const asked = (process.env.BENCH_KINDS ?? 'plain,transactional,wal').split(',') as ('plain' | 'transactional' | 'wal')[];
const runs = runtimes.flatMap((rt, r) => asked.filter((k) => r === 0 || k === 'plain').map((k) => ({ label: r === 0 ? k : `${k} (B)`, kind: k, rt })));
const rates = new Map(runs.map((run) => [run.label, [] as number[]]));
for (let r = 0; r < ROUNDS; r++) for (const run of r % 2 === 0 ? runs : [...runs].reverse()) rates.get(run.label)!.push(await measure(run.kind, run.rt));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [k, xs] of rates) console.log(`${k.padEnd(14)} ${Math.round(median(xs)).toLocaleString('en-US').padStart(10)} events/s (median of ${xs.length}, ${EVENTS} events each)`);
const plain = rates.get('plain');
const tx = rates.get('transactional');
const walRates = rates.get('wal');
if (plain !== undefined && tx !== undefined) {
  const cost = (1 - median(tx) / median(plain)) * 100;
  const walNote = walRates === undefined ? '' : `; through a wal (fsync'd): ${Math.round(median(walRates)).toLocaleString('en-US')} events/s`;
  console.log(`transactions cost ${cost.toFixed(0)} % of the plain throughput${walNote}`);
}
