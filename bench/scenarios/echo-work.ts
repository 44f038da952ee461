/**
 * Scenario 2, echo with work: tremolo's own flows/echo.json5 (json codec, `separate` in and out)
 * against a hand-written `ws` server doing the same work: split the frame on newlines, parse and
 * re-serialise each JSON line, send each back as a frame ending in "\n". Every message is one JSON
 * document with its sequence number inside, ending in "\n", sent as a text frame.
 */
import { CORES } from '../harness/processes.js';
import type { Scenario } from '../harness/rounds.js';
import { startReference, startTremolo } from '../harness/tremolo.js';
import { CPU_PER_MESSAGE, ERRORS, LOADGEN_UTIL, loadgen, P50, P99, PEAK_RSS, SERVER_UTIL, serverSession, THROUGHPUT, type Context } from './common.js';

const CASES = [
  { id: '128-w32', title: '128 B JSON, 50 × W32', size: 128, window: 32 },
  { id: '4k-w32', title: '4 KiB JSON, 50 × W32', size: 4096, window: 32 },
  { id: '128-w1', title: '128 B JSON, 50 × W1', size: 128, window: 1 },
];

export function echoWork(ctx: Context): Scenario {
  const warmupMs = ctx.quick ? 500 : 1000;
  const durationMs = ctx.quick ? 1000 : 2500;
  return {
    name: 'work',
    title: 'Scenario 2, echo with work',
    reference: 'bench/servers/ws-json-lines.ts (split on "\\n", JSON.parse, JSON.stringify, send each line back)',
    tremolo: 'flows/echo.json5 (ws_server, json codec, separate in and out, std::passthrough)',
    cases: CASES,
    metrics: [{ ...THROUGHPUT, target: 0.9 }, CPU_PER_MESSAGE, P99, P50, SERVER_UTIL, LOADGEN_UTIL, PEAK_RSS, ERRORS],
    concurrentSessions: true,
    // A round is short and the kernel's share of each message varies from one to the next: five of them.
    rounds: ctx.quick ? 2 : 5,
    async open(side) {
      const server =
        side === 'reference' ? await startReference('servers/ws-json-lines.ts', CORES?.server) : await startTremolo(ctx.install, 'flows/echo.json5', CORES?.server);
      return serverSession(server, (caseId, s) => {
        const c = CASES.find((x) => x.id === caseId)!;
        const args = ['--clients', 50, '--window', c.window, '--size', c.size, '--format', 'json', '--warmup-ms', warmupMs, '--duration-ms', durationMs];
        return loadgen('echo', s, args, warmupMs + durationMs + 20_000);
      });
    },
  };
}
