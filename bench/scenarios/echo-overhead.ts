/**
 * Scenario 1, echo overhead: tremolo's echo with the binary codec and no processors
 * (flows/bench-echo.json5) against the bare `ws` echo, for small and 4 KiB messages, pipelined
 * (50 clients × 32 in flight) and strict request/response (50 × 1). What tremolo adds per message
 * over the WebSocket library is all this measures.
 */
import { CORES } from '../harness/processes.js';
import type { Scenario } from '../harness/rounds.js';
import { startReference, startTremolo } from '../harness/tremolo.js';
import { CPU_PER_MESSAGE, ERRORS, LOADGEN_UTIL, loadgen, P50, P99, PEAK_RSS, SERVER_UTIL, serverSession, THROUGHPUT, type Context } from './common.js';

const CASES = [
  { id: '64-w32', title: '64 B, 50 × W32', size: 64, window: 32 },
  { id: '4k-w32', title: '4 KiB, 50 × W32', size: 4096, window: 32 },
  { id: '64-w1', title: '64 B, 50 × W1', size: 64, window: 1 },
  { id: '4k-w1', title: '4 KiB, 50 × W1', size: 4096, window: 1 },
];

export function echoOverhead(ctx: Context): Scenario {
  const warmupMs = ctx.quick ? 500 : 1000;
  const durationMs = ctx.quick ? 1000 : 2500;
  return {
    name: 'echo',
    title: 'Scenario 1, echo overhead',
    reference: 'bench/servers/ws-echo.ts (bare ws: on message, send it back)',
    tremolo: 'flows/bench-echo.json5 (ws_server, binary codec, no processors, std::passthrough)',
    cases: CASES,
    metrics: [
      { ...THROUGHPUT, target: 0.9 },
      { ...CPU_PER_MESSAGE, target: 1.15 },
      { ...P99, target: 1.2 },
      P50,
      SERVER_UTIL,
      LOADGEN_UTIL,
      PEAK_RSS,
      ERRORS,
    ],
    concurrentSessions: true,
    // A round is short and the kernel's share of each message varies from one to the next: five of them.
    rounds: ctx.quick ? 2 : 5,
    async open(side) {
      const server =
        side === 'reference' ? await startReference('servers/ws-echo.ts', CORES?.server) : await startTremolo(ctx.install, 'flows/bench-echo.json5', CORES?.server);
      return serverSession(server, (caseId, s) => {
        const c = CASES.find((x) => x.id === caseId)!;
        const args = ['--clients', 50, '--window', c.window, '--size', c.size, '--format', 'binary', '--warmup-ms', warmupMs, '--duration-ms', durationMs];
        return loadgen('echo', s, args, warmupMs + durationMs + 20_000);
      });
    },
  };
}
