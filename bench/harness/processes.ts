/**
 * Child processes of the benchmark: started pinned to a core, their output read line by line (a
 * pipe nobody reads would stall a chatty child and with it the measurement), every wait bounded,
 * and every one of them killed when the runner exits, however it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

const live = new Set<ChildProcess>();
let hooked = false;
let stopping: NodeJS.Signals | undefined;

/** The signal that is stopping the run, if one is: nothing measured after it means anything. */
export const interrupted = (): NodeJS.Signals | undefined => stopping;

function killAll(signal: NodeJS.Signals): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stopping = signal;
      process.stderr.write(`\n${signal}: stopping every benchmark process\n`);
      killAll('SIGTERM');
      setTimeout(() => process.exit(130), 300);
    });
  }
}

/** Cores for the server and for the load generator, or none when there are not two to tell apart. */
export const CORES = availableParallelism() >= 2 ? { server: 0, load: 1 } : undefined;

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly stdout: string[];
  /** The last stderr lines, for error messages. */
  readonly stderr: string[];
  /** Resolves with the first match of `re` on stdout or stderr (earlier lines count), or rejects after `ms`. */
  waitFor(re: RegExp, ms: number, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
  /** A line to its stdin. */
  send(line: string): void;
}

export interface StartOptions {
  readonly core?: number | undefined;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function start(name: string, command: string, args: readonly string[], options: StartOptions = {}): Child {
  hookExit();
  const pinned = options.core === undefined ? [command, ...args] : ['taskset', '-c', String(options.core), command, ...args];
  // taskset execs the command, so the pid is the server's own: what /proc is read for.
  const child = spawn(pinned[0]!, pinned.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<{ re: RegExp; stream: 'stdout' | 'stderr' | undefined; resolve: (m: RegExpMatchArray) => void }>();
  const onLine = (stream: 'stdout' | 'stderr', line: string): void => {
    if (stream === 'stdout') stdout.push(line);
    else {
      stderr.push(line);
      if (stderr.length > 5000) stderr.splice(0, 2500);
    }
    for (const w of waiters) {
      const m = w.stream === undefined || w.stream === stream ? w.re.exec(line) : null;
      if (m !== null) {
        waiters.delete(w);
        w.resolve(m);
      }
    }
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream].setEncoding('utf8');
    child[stream].on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const line of parts) onLine(stream, line);
    });
  }
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? (signal === null ? null : -1));
    });
    child.on('error', (err) => {
      live.delete(child);
      stderr.push(`cannot start ${pinned[0]}: ${err.message}`);
      resolve(-1);
    });
  });
  const tail = (): string => stderr.slice(-15).join('\n');

  return {
    name,
    pid: child.pid ?? -1,
    process: child,
    stdout,
    stderr,
    exited,
    waitFor(re, ms, stream) {
      for (const line of stream === 'stderr' ? stderr : stream === 'stdout' ? stdout : [...stdout, ...stderr]) {
        const m = re.exec(line);
        if (m !== null) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const w = { re, stream, resolve };
        const fail = (why: string): void => {
          waiters.delete(w);
          reject(new Error(`${name}: ${why} waiting for ${re}\n${tail()}`));
        };
        const timer = setTimeout(() => fail(`timed out after ${ms} ms`), ms);
        w.resolve = (m) => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.add(w);
        void exited.then((code) => {
          if (waiters.has(w)) {
            clearTimeout(timer);
            fail(`exited with ${code}`);
          }
        });
      });
    },
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
  };
}

/** The one JSON line a tool prints as its result, or an error naming the tool and its stderr. */
export async function jsonResult(child: Child, ms: number): Promise<Record<string, unknown>> {
  const line = await child.waitFor(/^\{.*\}$/, ms, 'stdout').catch(async (err: Error) => {
    await child.stop(1000);
    throw err;
  });
  await child.stop(3000);
  const value = JSON.parse(line[0]) as Record<string, unknown>;
  if (typeof value.error === 'string') throw new Error(`${child.name}: ${value.error}\n${child.stderr.slice(-10).join('\n')}`);
  return value;
}
