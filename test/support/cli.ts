import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { builtBin, repoRoot } from './built.js';

export { repoRoot };
const entry = path.join(repoRoot, 'src/app/cli/bin.ts');
// Resolved here, so the CLI can run with any working directory.
const tsx = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Run src/app/cli/bin.ts through tsx even when a current build exists. */
  sources?: boolean;
}

/** Node's arguments for `tremolo ARGS`: the built command under test (./built.ts), else the sources through tsx. */
const nodeArgs = (args: readonly string[], sources = false): string[] =>
  builtBin !== undefined && !sources ? [builtBin, ...args] : ['--import', tsx, entry, ...args];

/** The command line that runs `tremolo ARGS`, for a process started another way (a terminal). */
export const cliCommand = (args: readonly string[], options: { sources?: boolean } = {}): string[] => [process.execPath, ...nodeArgs(args, options.sources)];

/** Runs `tremolo ARGS` and waits for it, bounded in time. */
export function runCli(args: readonly string[], options: CliOptions & { input?: string } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  if (options.input !== undefined) child.process.stdin!.end(options.input);
  return child.done;
}

export interface RunningCli {
  readonly process: ChildProcess;
  readonly done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (where logs go). */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/**
 * Starts `tremolo ARGS`: the built command as bin/tremolo.js runs it when the build is current
 * (./built.ts says which), else the sources through tsx.
 */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, nodeArgs(args, options.sources), {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => {
    stderr += d;
    listeners.forEach((l) => l());
  });
  // Bounds for a hung process, generous: on a loaded machine a start alone can take half a minute.
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return {
    process: child,
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForLog(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = pattern.exec(stderr);
          if (m) {
            clearTimeout(t);
            resolve(m);
          }
          return m !== null;
        };
        const t = setTimeout(() => reject(new Error(`no ${pattern} in stderr within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
        if (!check()) listeners.push(() => void check());
        void done.then(() => {
          if (!check()) {
            clearTimeout(t);
            reject(new Error(`exited without ${pattern} in stderr:\n${stderr}`));
          }
        });
      });
    },
  };
}
