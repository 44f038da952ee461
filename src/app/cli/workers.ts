import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { RuntimeError } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';

/** The environment variable that tells a worker its slot (1..N); flows may read it as `${env:TREMOLO_WORKER}`. */
export const WORKER_ENV = 'TREMOLO_WORKER';
/** What a worker sends the primary once its flows run. */
export const READY_MESSAGE = 'tremolo:ready';
/** What a worker sends when an exit connector ended its flows: every worker stops, with that code. */
const EXIT_MESSAGE = 'tremolo:exit:';

/** `--workers N` or `auto` (the number of cores); absent: 1. */
export function workerCount(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return os.availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RuntimeError('ERR_USAGE', `--workers expects a whole number of at least 1 or "auto", received ${JSON.stringify(value)}`);
  return n;
}

export const isWorker = (): boolean => cluster.isWorker;

/** In a worker: tell the primary this worker serves. */
export function reportReady(): void {
  if (cluster.isWorker) process.send?.(READY_MESSAGE);
}

/** In a worker: an exit connector asked for `code`; the whole run ends, not just this worker. */
export function reportExit(code: number): void {
  if (cluster.isWorker) process.send?.(`${EXIT_MESSAGE}${code}`);
}

export interface SupervisorOptions {
  readonly count: number;
  readonly log: Logger;
  /** How long a worker may take to stop gracefully after SIGTERM before it is killed. */
  readonly stopTimeoutMs: number;
  /** The first wait before restarting a worker that died; doubled per quick death, up to maxRestartDelayMs. */
  readonly restartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
}

interface Slot {
  readonly n: number;
  worker: Worker | undefined;
  startedAt: number;
  delay: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The primary of `tremolo run --workers N`: it runs no flow itself; it forks N workers running the
 * same command line (the cluster module hands them shared listening sockets, so a port, port 0
 * included, is served by all of them), restarts a worker that dies with a backoff that grows while
 * it keeps dying young, and on SIGTERM or SIGINT stops them all gracefully. Resolves with the exit
 * code: 0 after a signal, the code an exit connector of any worker asked for, 1 when no worker
 * could start at all.
 */
export function supervise(options: SupervisorOptions): Promise<number> {
  const { count, log } = options;
  const firstDelay = options.restartDelayMs ?? 100;
  const maxDelay = options.maxRestartDelayMs ?? 10_000;
  // A worker that lived this long was healthy: its next death starts the backoff over.
  const healthyMs = 10_000;
  const slots: Slot[] = Array.from({ length: count }, (_, i) => ({ n: i + 1, worker: undefined, startedAt: 0, delay: firstDelay, timer: undefined }));
  let stopping = false;
  let everReady = false;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));

  const fork = (slot: Slot): void => {
    slot.timer = undefined;
    const worker = cluster.fork({ [WORKER_ENV]: String(slot.n) });
    slot.worker = worker;
    slot.startedAt = performance.now();
    const pid = worker.process.pid;
    worker.on('message', (m: unknown) => {
      if (m === READY_MESSAGE) {
        everReady = true;
        log.info(`worker ${slot.n} (pid ${pid}) ready`);
      } else if (typeof m === 'string' && m.startsWith(EXIT_MESSAGE)) {
        const code = Number(m.slice(EXIT_MESSAGE.length));
        log.info(`worker ${slot.n} (pid ${pid}): an exit connector asked for code ${code}; stopping every worker`);
        void stop(code);
      }
    });
    worker.on('exit', (code, signal) => {
      if (slot.worker === worker) slot.worker = undefined;
      const how = signal !== null ? `signal ${signal}` : `code ${code}`;
      if (stopping) {
        log.info(`worker ${slot.n} (pid ${pid}) stopped (${how})`);
        if (slots.every((s) => s.worker === undefined)) finish(0);
        return;
      }
      if (!everReady) {
        log.error(`worker ${slot.n} (pid ${pid}) exited with ${how} before any worker was ready; stopping`);
        void stop(1);
        return;
      }
      const lived = performance.now() - slot.startedAt;
      if (lived >= healthyMs) slot.delay = firstDelay;
      log.warn(`worker ${slot.n} (pid ${pid}) died (${how}) after ${Math.round(lived)} ms; restarting in ${slot.delay} ms`);
      slot.timer = setTimeout(() => fork(slot), slot.delay);
      slot.delay = Math.min(slot.delay * 2, maxDelay);
    });
  };

  let exitCode = 0;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    for (const s of slots) clearTimeout(s.timer);
    const running = slots.filter((s) => s.worker !== undefined);
    if (running.length === 0) {
      finish(code);
      return;
    }
    for (const s of running) s.worker!.process.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const s of slots) {
        if (s.worker === undefined) continue;
        log.warn(`worker ${s.n} (pid ${s.worker.process.pid}) did not stop within ${options.stopTimeoutMs} ms; killing it`);
        s.worker.process.kill('SIGKILL');
      }
    }, options.stopTimeoutMs);
    killer.unref();
    await done;
    clearTimeout(killer);
  };

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log.warn(`${signal} again: killing the workers`);
      for (const s of slots) s.worker?.process.kill('SIGKILL');
      process.exit(130);
    }
    log.info(`${signal}: stopping ${count} workers (send it again to kill them at once)`);
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log.info(`starting ${count} workers`);
  for (const slot of slots) fork(slot);
  return done.then(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return exitCode;
  });
}
