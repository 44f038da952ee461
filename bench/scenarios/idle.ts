/**
 * Scenario 4, idle connections: the server's RSS growth per connected, silent client, with 10,000
 * of them (2,000 with --quick), opened from the load generator in batches of 100 handshakes at a
 * time. A fresh server for each measurement, so that no round inherits another's heap.
 */
import { CORES } from '../harness/processes.js';
import type { Scenario } from '../harness/rounds.js';
import { startReference, startTremolo } from '../harness/tremolo.js';
import { ERRORS, loadgen, PEAK_RSS, serverSession, type Context } from './common.js';

export function idle(ctx: Context): Scenario {
  const connections = ctx.quick ? 2000 : 10_000;
  return {
    name: 'idle',
    title: 'Scenario 4, idle connections',
    reference: 'bench/servers/ws-echo.ts (bare ws)',
    tremolo: 'flows/bench-echo.json5 (ws_server, binary codec)',
    cases: [{ id: 'idle', title: `${connections} connections` }],
    metrics: [
      { key: 'rssPerConnection', label: 'RSS per connection', unit: 'KiB', better: 'lower', target: 1.3, scale: 1 / 1024 },
      { key: 'connectsPerSecond', label: 'connects', unit: '/s', better: 'higher' },
      { key: 'serverCpuUsPerConnect', label: 'server CPU/connect', unit: 'µs', better: 'lower' },
      PEAK_RSS,
      { ...ERRORS, key: 'closedEarly', label: 'dropped connections' },
    ],
    // One server at a time: 2 × 10,000 sockets at once would only test the file descriptor limit.
    concurrentSessions: false,
    async open(side) {
      const server =
        side === 'reference' ? await startReference('servers/ws-echo.ts', CORES?.server) : await startTremolo(ctx.install, 'flows/bench-echo.json5', CORES?.server);
      return serverSession(server, (_caseId, s) =>
        loadgen('idle', s, ['--connections', connections, '--warm-connections', 100, '--concurrency', 100, '--settle-ms', 1500], 120_000),
      );
    },
  };
}
