/**
 * The measured phase's bookends: wall time, the server's CPU time (from /proc, all its threads) and
 * the load generator's own, so that a result says both what the server spent per message and
 * whether the generator, rather than the server, was the one at its limit.
 */
import { cpuMicros, memory } from '../harness/proc-stats.js';

export interface Snapshot {
  readonly at: number;
  readonly serverCpuUs: number;
  readonly selfCpuUs: number;
}

export interface Usage {
  readonly seconds: number;
  /** Server CPU time over the phase, µs. */
  readonly serverCpuUs: number;
  /** Server CPU time / wall time: 1 is one core fully busy. */
  readonly serverUtil: number;
  readonly loadgenUtil: number;
}

export function snapshot(pid: number | undefined): Snapshot {
  const self = process.cpuUsage();
  return { at: performance.now(), serverCpuUs: pid === undefined ? NaN : cpuMicros(pid), selfCpuUs: self.user + self.system };
}

export function usage(from: Snapshot, to: Snapshot): Usage {
  const wallUs = (to.at - from.at) * 1000;
  return {
    seconds: wallUs / 1e6,
    serverCpuUs: to.serverCpuUs - from.serverCpuUs,
    serverUtil: (to.serverCpuUs - from.serverCpuUs) / wallUs,
    loadgenUtil: (to.selfCpuUs - from.selfCpuUs) / wallUs,
  };
}

export function serverMemory(pid: number | undefined): { rss: number; peak: number } {
  return pid === undefined ? { rss: NaN, peak: NaN } : memory(pid);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `done()` holds, checking every few ms, or after `timeoutMs` regardless. */
export async function until(done: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await sleep(everyMs);
  }
  return true;
}
