import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { startCli, type RunningCli } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';
import { amount, type Scenario } from './scenario.js';

const COUNT = amount('CHAOS_WAL_EVENTS', 40_000, 20_000);
const KILLS = amount('CHAOS_WAL_KILLS', 3, 2);
const DEADLINE_MS = 45_000;

/** A `ws` server that records, per connection, the numbers it receives; restarted gracefully on its port. */
class Recorder {
  readonly connections: number[][] = [];
  /** [connection, number] in the order they arrived, across connections. */
  readonly arrivals: [number, number][] = [];
  #wss: WebSocketServer | undefined;
  port = 0;

  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws: WebSocket) => {
      const got: number[] = [];
      const c = this.connections.push(got) - 1;
      ws.on('message', (data) => {
        const n = (JSON.parse(data.toString()) as { n: number }).n;
        got.push(n);
        this.arrivals.push([c, n]);
      });
    });
    this.#wss = wss;
  }

  /**
   * Stops listening, says goodbye (1001) to every connection and reads what is on its way until
   * each answers. Graceful: bytes a client's socket accepted are read, which is all an
   * acknowledgement of a ws_client promises.
   */
  async stop(): Promise<void> {
    const wss = this.#wss;
    if (wss === undefined) return;
    this.#wss = undefined;
    const stopped = new Promise<void>((resolve) => wss.close(() => resolve()));
    const open = [...wss.clients];
    const closed = open.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
    for (const ws of open) ws.close(1001, 'restarting');
    await Promise.race([Promise.all(closed), sleep(5000)]);
    for (const ws of wss.clients) ws.terminate();
    await stopped;
  }

  unique(): Set<number> {
    return new Set(this.connections.flat());
  }
}

/**
 * Numbered events from a transactional file source go through a `wal` to a ws_client. The server
 * is restarted again and again, gracefully; tremolo itself (`tremolo run`, a child process) is
 * killed with SIGKILL at random moments and started again on the same log. In the end the server
 * must have every number at least once, in increasing order on each connection (a replay after a
 * restart begins a new connection); duplicates are counted.
 */
export const atLeastOnce: Scenario = {
  name: 'wal: tremolo SIGKILLed and server restarted, at least once',
  async run() {
    const tmp = tmpDir('tremolo-chaos-wal-');
    const server = new Recorder();
    await server.start();
    const numbers = path.join(tmp.dir, 'numbers.txt');
    writeFileSync(numbers, Array.from({ length: COUNT }, (_, i) => `{"n":${i + 1}}\n`).join(''));
    mkdirSync(path.join(tmp.dir, 'log'));
    const flow = tmp.write(
      'flow.json5',
      JSON.stringify({
        connectors: {
          numbers: { type: 'file', codec: 'json', preprocessors: ['separate'], config: { path: numbers, mode: 'read', transactional: true, chunk_size: 4096 } },
          log: { type: 'wal', config: { dir: path.join(tmp.dir, 'log'), max_bytes: 4 * 1024 * 1024 } },
          client: {
            type: 'ws_client',
            codec: 'json',
            config: { url: `ws://127.0.0.1:${server.port}`, ping_interval_ms: 0 },
            reconnect: { retry: { interval_ms: 20, growth_rate: 1.5, max_interval_ms: 200 } },
            queue: { max_events: 100_000 },
          },
        },
        links: [['numbers', 'log'], ['log', 'client']],
      }),
    );
    const problems: string[] = [];
    let kills = 0;
    let restarts = 0;
    let running = true;
    let cli: RunningCli | undefined;
    const logs: string[] = [];
    const deadline = performance.now() + DEADLINE_MS;
    // The server comes and goes the whole time.
    const chaos = (async () => {
      while (running) {
        await sleep(300 + Math.random() * 400);
        if (!running) break;
        await server.stop();
        restarts++;
        await sleep(Math.random() * 200);
        await server.start();
      }
    })();
    try {
      for (; kills < KILLS && server.unique().size < COUNT; kills++) {
        cli = startCli(['run', flow, '--log-level', process.env.CHAOS_WAL_LOG === undefined ? 'info' : 'debug'], { timeoutMs: DEADLINE_MS });
        // At a random moment of its work: after it started, while events stream.
        await cli.waitForLog(/running \(/, 20_000);
        await sleep(100 + Math.random() * 600);
        cli.process.kill('SIGKILL');
        logs.push((await cli.done).stderr);
      }
      cli = startCli(['run', flow, '--log-level', process.env.CHAOS_WAL_LOG === undefined ? 'info' : 'debug'], { timeoutMs: DEADLINE_MS });
      while (server.unique().size < COUNT && performance.now() < deadline && cli.process.exitCode === null) await sleep(50);
    } finally {
      running = false;
      await chaos;
      cli?.process.kill('SIGTERM');
      if (cli !== undefined) logs.push((await cli.done).stderr);
      await server.stop();
      if (process.env.CHAOS_WAL_LOG !== undefined) writeFileSync(process.env.CHAOS_WAL_LOG, `${logs.join('\n---- restart ----\n')}\n---- connections ----\n${server.connections.map((c) => c.join(' ')).join('\n')}\n`);
    }
    const seen = server.unique();
    const missing: number[] = [];
    for (let n = 1; n <= COUNT; n++) if (!seen.has(n)) missing.push(n);
    if (missing.length > 0) problems.push(`${missing.length} numbers never arrived (first ${missing.slice(0, 5).join(', ')}); tremolo's last log lines:\n${logs.at(-1)?.slice(-2000)}`);
    // On a connection numbers increase, except where a replay starts over: a number that goes back
    // must have arrived before (on any connection), or it was reordered.
    const before = new Set<number>();
    const highest = new Map<number, number>();
    for (const [c, n] of server.arrivals) {
      const top = highest.get(c) ?? 0;
      if (n <= top && !before.has(n)) problems.push(`connection ${c}: ${n} arrived after ${top} and had not arrived before`);
      highest.set(c, Math.max(top, n));
      before.add(n);
    }
    const delivered = server.connections.reduce((sum, got) => sum + got.length, 0);
    tmp.cleanup();
    return {
      load: `file → wal → ws_client, ${COUNT} events`,
      faults: `${kills} SIGKILLs of tremolo, ${restarts} server restarts`,
      sent: COUNT,
      delivered,
      reported: 0,
      duplicates: delivered - seen.size,
      problems: problems.slice(0, 10),
    };
  },
};
