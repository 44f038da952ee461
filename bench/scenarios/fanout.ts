/**
 * Scenario 3, fan-out: one publisher, N subscribers (1000; 200 with --quick), every message to
 * every other connection. tremolo runs its shipped chat flow (flows/chat.json5: ws_server with the
 * string codec, the `chat` operator setting `meta.ws_server.broadcast = "others"`); the reference is
 * the hand-written loop over `wss.clients`. Measured: deliveries per second and the latency of each
 * delivery from the publisher's send.
 */
import { CORES } from '../harness/processes.js';
import type { Scenario } from '../harness/rounds.js';
import { startReference, startTremolo } from '../harness/tremolo.js';
import { CPU_PER_MESSAGE, ERRORS, LOADGEN_UTIL, loadgen, P50, P99, PEAK_RSS, SERVER_UTIL, serverSession, THROUGHPUT, type Context } from './common.js';

export function fanout(ctx: Context): Scenario {
  const subscribers = ctx.quick ? 200 : 1000;
  const warmupMs = ctx.quick ? 500 : 1000;
  const durationMs = ctx.quick ? 1000 : 2500;
  const id = `${subscribers}`;
  return {
    name: 'fanout',
    title: 'Scenario 3, fan-out',
    reference: 'bench/servers/ws-broadcast.ts (for each of wss.clients but the sender: send)',
    tremolo: 'flows/chat.json5 (ws_server, string codec, chat operator: meta.ws_server.broadcast = "others")',
    cases: [{ id, title: `64 B, 1 → ${subscribers}, W4` }],
    metrics: [
      { ...THROUGHPUT, label: 'deliveries', target: 0.9 },
      { ...CPU_PER_MESSAGE, label: 'server CPU/delivery' },
      { ...P99, label: 'p99 publish→subscriber' },
      { ...P50, label: 'p50 publish→subscriber' },
      { key: 'lastSubscriberP99Us', label: 'p99 publish→last subscriber', unit: 'µs', better: 'lower' },
      SERVER_UTIL,
      LOADGEN_UTIL,
      PEAK_RSS,
      ERRORS,
    ],
    concurrentSessions: true,
    async open(side) {
      const server =
        side === 'reference' ? await startReference('servers/ws-broadcast.ts', CORES?.server) : await startTremolo(ctx.install, 'flows/chat.json5', CORES?.server);
      return serverSession(server, (_caseId, s) =>
        loadgen('fanout', s, ['--subscribers', subscribers, '--window', 4, '--size', 64, '--warmup-ms', warmupMs, '--duration-ms', durationMs], warmupMs + durationMs + 60_000),
      );
    },
  };
}
