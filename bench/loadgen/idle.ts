/**
 * Idle connections: what a connection that sends nothing costs the server in memory. A first batch
 * is opened and kept before the baseline is read, so that one-time costs (code compiled on the
 * first handshake, pools grown once) are not charged to the connections; then N more are opened in
 * batches, left to settle, and the server's RSS growth is divided by N.
 */
import { readFileSync } from 'node:fs';
import { connectMany, RawWs, type WsTarget } from '../harness/raw-ws.js';
import { serverMemory, sleep, snapshot, usage } from './meter.js';

export interface IdleOptions {
  readonly target: WsTarget;
  readonly connections: number;
  readonly warmConnections: number;
  readonly concurrency: number;
  readonly settleMs: number;
  readonly pid: number | undefined;
  /** Stop at the baseline and when loaded, say so on stderr and wait for a line on stdin (heap snapshots). */
  readonly pauses: boolean;
}

/** With `pauses`: tells the controller where we are, and waits (bounded) for it to say go on. */
async function pause(o: IdleOptions, where: string): Promise<void> {
  if (!o.pauses) return;
  process.stderr.write(`${where}\n`);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 120_000);
    process.stdin.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The soft limit on open files of a process, from /proc (Node has no getrlimit). */
export function openFilesLimit(pid: number | 'self'): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
  return line === undefined || line === 'unlimited' ? Infinity : Number(line);
}

export async function runIdle(o: IdleOptions): Promise<Record<string, unknown>> {
  const needed = o.connections + o.warmConnections + 64;
  for (const [who, pid] of [['load generator', 'self'], ['server', o.pid]] as const) {
    if (pid === undefined) continue;
    const limit = openFilesLimit(pid);
    if (limit < needed) throw new Error(`the ${who} may open ${limit} files, ${needed} are needed: raise ulimit -n`);
  }
  let closedEarly = 0;
  let settled = false;
  const handlers = {
    message: () => {},
    close: () => {
      if (!settled) closedEarly++;
    },
  };
  const warm = await connectMany(o.warmConnections, o.concurrency, () => RawWs.connect(o.target, handlers));
  await sleep(o.settleMs / 2);
  await pause(o, 'baseline');
  const base = serverMemory(o.pid);
  const before = snapshot(o.pid);
  const conns = await connectMany(o.connections, o.concurrency, () => RawWs.connect(o.target, handlers, 30_000));
  const after = snapshot(o.pid);
  await sleep(o.settleMs);
  // RSS moves with the collector; the median of a few readings is steadier than any one of them.
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(serverMemory(o.pid).rss);
    await sleep(100);
  }
  readings.sort((a, b) => a - b);
  const grown = serverMemory(o.pid);
  await pause(o, 'loaded');
  settled = true;
  const open = conns.filter((c) => !c.closed).length;
  for (const c of [...warm, ...conns]) c.close();
  // Close in the background of our exit; the server's side is not measured any more.
  await sleep(200);

  const use = usage(before, after);
  return {
    mode: 'idle',
    connections: o.connections,
    stillOpen: open,
    closedEarly,
    connectSeconds: use.seconds,
    connectsPerSecond: o.connections / use.seconds,
    serverCpuUsPerConnect: use.serverCpuUs / o.connections,
    rssBefore: base.rss,
    rssAfter: readings[2],
    rssPerConnection: (readings[2]! - base.rss) / o.connections,
    serverPeakRss: grown.peak,
  };
}
