/**
 * Scenario 5, reconnect storm: N WebSocket clients (1000; 200 with --quick) in one process, each
 * sent a numbered tick every 100 ms, against a server that restarts (every connection dropped, the
 * port closed for 500 ms, then open again). tremolo's side is one flow of N ws_client connectors fed
 * by a metronome, generated into a temporary folder; the reference is a hand-written pool of `ws`
 * clients with the same reconnect policy and the same bounded queue. Each session restarts the
 * server twice, gracefully (a deploy: close frames, 1001) then abruptly (a crash: sockets destroyed).
 * Measured: time until every client is back, and whether the server got every tick on every
 * connection (after a crash, what was in flight is gone whatever the client does).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuMicros, memory } from '../harness/proc-stats.js';
import { CORES, start, type Child } from '../harness/processes.js';
import type { Sample, Scenario, Side } from '../harness/rounds.js';
import { startScript, type Install } from '../harness/tremolo.js';
import type { Context } from './common.js';

const TICK_MS = 100;
const RETRY = { interval_ms: 50, growth_rate: 1.5, randomized: true, max_interval_ms: 1000 };
const DOWN_MS = 500;
/** After a restart: time for every queue to be sent before the counter is asked. */
const SETTLE_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The storm as a tremolo flow: a metronome to every one of `clients` ws_client connectors. */
function stormFlow(install: Install, clients: number): string {
  const connectors: Record<string, unknown> = { tick: { type: 'metronome', config: { interval_ms: TICK_MS } } };
  const links: [string, string][] = [['tick', 'fan']];
  for (let i = 0; i < clients; i++) {
    connectors[`c${i}`] = { type: 'ws_client', codec: 'json', config: { url: `\${args.url}/c${i}` }, reconnect: { retry: RETRY }, queue: { max_events: 1000 } };
    links.push(['fan', `c${i}`]);
  }
  const flow = { use: ['std'], args: { url: 'ws://127.0.0.1:4242' }, connectors, pipelines: { fan: { from: 'std::passthrough' } }, links };
  const file = path.join(install.root, `storm-${clients}.json5`);
  writeFileSync(file, JSON.stringify(flow));
  return file;
}

/** Sends a command to the restart counter and returns its JSON answer. */
async function ask(counter: Child, command: string, ms: number): Promise<Record<string, number | boolean>> {
  const seen = counter.stdout.length;
  counter.send(command);
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    for (let i = seen; i < counter.stdout.length; i++) if (counter.stdout[i]!.startsWith('{')) return JSON.parse(counter.stdout[i]!) as Record<string, number | boolean>;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the restart counter did not answer "${command}" within ${ms} ms`);
}

export function reconnectStorm(ctx: Context): Scenario {
  const clients = ctx.quick ? 200 : 1000;
  return {
    name: 'reconnect',
    title: 'Scenario 5, reconnect storm',
    reference: `bench/clients/ws-reconnecting-pool.ts (${clients} ws clients, same retry policy and queue)`,
    tremolo: `a flow of a metronome and ${clients} ws_client connectors (retry from 50 ms, × 1.5 randomised, ≤ 1 s; queue 1000)`,
    cases: [{ id: 'storm', title: `${clients} clients` }],
    metrics: [
      { key: 'gracefulMs', label: 'all back after graceful restart', unit: 'ms', better: 'lower' },
      { key: 'abruptMs', label: 'all back after abrupt restart', unit: 'ms', better: 'lower' },
      { key: 'startupMs', label: 'start to all connected', unit: 'ms', better: 'lower' },
      { key: 'clientCpuUsPerMessage', label: 'client CPU/message', unit: 'µs', better: 'lower' },
      { key: 'clientPeakRss', label: 'client peak RSS', unit: 'MiB', better: 'lower', scale: 1 / 1048576 },
      { key: 'received', label: 'ticks received', unit: '', better: 'higher' },
      { key: 'lostGraceful', label: 'ticks lost, graceful restart', unit: '', better: 'lower', mustBeZero: true },
      // A crash loses what was in flight whatever the client does: shown, not judged.
      { key: 'lostAbrupt', label: 'ticks lost, abrupt restart', unit: '', better: 'lower' },
      { key: 'disorder', label: 'duplicated/reordered', unit: '', better: 'lower', mustBeZero: true },
      { key: 'notBack', label: 'clients not back', unit: '', better: 'lower', mustBeZero: true },
    ],
    concurrentSessions: false,
    async open(side: Side) {
      const counter = startScript('ws-restart-counter', 'servers/ws-restart-counter.ts', [], CORES?.server);
      const port = (await counter.waitFor(/^(\d+)$/, 30_000, 'stdout'))[1]!;
      const url = `ws://127.0.0.1:${port}`;
      const began = performance.now();
      const pool =
        side === 'reference'
          ? startScript('ws-reconnecting-pool', 'clients/ws-reconnecting-pool.ts', ['--url', url, '--clients', String(clients), '--tick-ms', String(TICK_MS), '--retry-ms', '50', '--max-retry-ms', '1000'], CORES?.load)
          : start('tremolo', process.execPath, [ctx.install.bin, 'run', stormFlow(ctx.install, clients), '--arg', `url=${url}`, '--log-level', 'info'], { core: CORES?.load, cwd: ctx.install.root });
      const stopAll = async (): Promise<void> => {
        await pool.stop(15_000);
        await counter.stop(3000);
      };
      return {
        async measure(): Promise<Sample> {
          const first = await ask(counter, `wait ${clients} 60000`, 65_000);
          if (first.ok !== true) throw new Error(`${side}: only ${first.connected} of ${clients} clients connected within 60 s\n${pool.stderr.slice(-5).join('\n')}`);
          const startupMs = performance.now() - began;
          await sleep(500);
          const from = { cpu: cpuMicros(pool.pid), received: Number((await ask(counter, 'stats', 5000)).received) };
          const graceful = await ask(counter, `restart graceful ${DOWN_MS} 30000`, 35_000);
          await sleep(SETTLE_MS);
          const afterGraceful = await ask(counter, 'stats settled', 5000);
          const abrupt = await ask(counter, `restart abrupt ${DOWN_MS} 30000`, 35_000);
          await sleep(SETTLE_MS);
          const to = { cpu: cpuMicros(pool.pid), received: Number((await ask(counter, 'stats', 5000)).received) };
          const clientPeakRss = memory(pool.pid).peak;
          // A graceful stop: the ticks stop, what is queued is sent, then the counter is asked.
          const code = await pool.stop(15_000);
          await sleep(300);
          const end = await ask(counter, 'stats', 5000);
          await counter.stop(3000);
          if (code !== 0) throw new Error(`${side}: the client process exited with ${code}\n${pool.stderr.slice(-5).join('\n')}`);
          const notBack = (r: Record<string, number | boolean>): number => Number(r.expected) - Number(r.connected);
          return {
            startupMs,
            gracefulMs: Number(graceful.reconnectMs),
            abruptMs: Number(abrupt.reconnectMs),
            clientCpuUsPerMessage: (to.cpu - from.cpu) / (to.received - from.received),
            clientPeakRss,
            received: Number(end.received),
            lostGraceful: Number(afterGraceful.missing),
            lostAbrupt: Number(end.missing) - Number(afterGraceful.missing),
            disorder: Number(end.duplicates) + Number(end.outOfOrder) + Number(end.malformed),
            notBack: notBack(graceful) + notBack(abrupt),
          };
        },
        close: stopAll,
      };
    },
  };
}
