/**
 * Scenario 3b, fan-out across instances: the chat of scenario 3, but the publisher talks to one
 * tremolo instance and the N subscribers (1000; 200 with --quick) to another, the two joined by a
 * nats-server (flows/chat.json5 --arg nats=...). The reference here is tremolo itself, one
 * instance with everybody on it, driven by the same load generator, so the table reads as the price
 * of crossing: server CPU per delivery is summed over every server process (one instance; or both
 * instances and nats-server, all pinned to the server core), and latency includes the bus hop.
 */
import { freePort } from '../../test/support/ports.js';
import { CORES, jsonResult, start, type Child } from '../harness/processes.js';
import type { Sample, Scenario, Session } from '../harness/rounds.js';
import { startScript, startTremolo, type Server } from '../harness/tremolo.js';
import { CPU_PER_MESSAGE, ERRORS, LOADGEN_UTIL, P50, P99, PEAK_RSS, SERVER_UTIL, THROUGHPUT, type Context } from './common.js';

async function startNats(core: number | undefined): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = start('nats-server', 'nats-server', ['-a', '127.0.0.1', '-p', String(port)], { core });
  await child.waitFor(/Server is ready/, 15_000, 'stderr');
  return { child, url: `nats://127.0.0.1:${port}` };
}

async function across(publishAt: Server, subscribeAt: Server, pids: number[], args: (string | number)[], timeoutMs: number): Promise<Sample> {
  const child = startScript('loadgen-across', 'loadgen-across.ts', ['--publish-url', publishAt.url, '--url', subscribeAt.url, '--pids', pids.join(','), '--timeout-ms', String(timeoutMs), ...args.map(String)], CORES?.load);
  const result = await jsonResult(child, timeoutMs + 5000);
  const sample: Sample = {};
  for (const [k, v] of Object.entries(result)) if (typeof v === 'number') sample[k] = v;
  sample.errors = (sample.lost ?? 0) + (sample.outOfOrder ?? 0) + (sample.malformed ?? 0) + (sample.closedEarly ?? 0);
  return sample;
}

export function fanoutNats(ctx: Context): Scenario {
  const subscribers = ctx.quick ? 200 : 1000;
  const warmupMs = ctx.quick ? 500 : 1000;
  const durationMs = ctx.quick ? 1000 : 2500;
  const id = `${subscribers}`;
  const args = ['--subscribers', subscribers, '--window', 4, '--size', 64, '--warmup-ms', warmupMs, '--duration-ms', durationMs];
  const budget = warmupMs + durationMs + 60_000;
  return {
    name: 'fanout-nats',
    title: 'Scenario 3b, fan-out across two instances through NATS',
    reference: 'one tremolo instance (flows/chat.json5), publisher and subscribers on it',
    tremolo: 'flows/chat.json5 --arg nats=… twice and a nats-server: publisher on A, subscribers on B (CPU summed over the three)',
    cases: [{ id, title: `64 B, 1 → ${subscribers}, W4` }],
    metrics: [
      { ...THROUGHPUT, label: 'deliveries' },
      { ...CPU_PER_MESSAGE, label: 'server CPU/delivery' },
      { ...P99, label: 'p99 publish→subscriber' },
      { ...P50, label: 'p50 publish→subscriber' },
      { key: 'lastSubscriberP99Us', label: 'p99 publish→last subscriber', unit: 'µs', better: 'lower' },
      SERVER_UTIL,
      LOADGEN_UTIL,
      PEAK_RSS,
      ERRORS,
    ],
    // Three server processes share the server core on the cluster side: one session at a time.
    concurrentSessions: false,
    async open(side): Promise<Session> {
      const core = CORES?.server;
      if (side === 'reference') {
        const one = await startTremolo(ctx.install, 'flows/chat.json5', core);
        return { measure: () => across(one, one, [one.pid], args, budget), close: async () => void (await one.child.stop(6000)) };
      }
      const nats = await startNats(core);
      const extra = ['--arg', `nats=${nats.url}`];
      const a = await startTremolo(ctx.install, 'flows/chat.json5', core, [], extra);
      const b = await startTremolo(ctx.install, 'flows/chat.json5', core, [], extra);
      await Promise.all([a, b].map((s) => s.child.waitFor(/bus_in\] connected/, 15_000, 'stderr')));
      return {
        measure: () => across(a, b, [a.pid, b.pid, nats.child.pid], args, budget),
        close: async () => {
          await Promise.all([a.child.stop(6000), b.child.stop(6000)]);
          await nats.child.stop(3000);
        },
      };
    },
  };
}
