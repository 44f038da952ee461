import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const entry = path.join(repoRoot, 'src/app/cli/bin.ts');
// Resolved here, so the CLI can run with any working directory.
const tsx = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs `tremolo ARGS` from the sources, for a process started another way (a terminal). */
export const cliCommand = (args: readonly string[]): string[] => [process.execPath, '--import', tsx, entry, ...args];

/** Runs `tremolo ARGS` from the sources (no build needed) and waits for it, bounded in time. */
export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
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
 * Starts `tremolo ARGS` from the sources, or with `built` from dist/ as bin/tremolo.js runs it
 * (faster to start: nothing to compile; only as current as the last build).
 */
export function startCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; built?: boolean } = {}): RunningCli {
  const argv = options.built === true ? [path.join(repoRoot, 'bin/tremolo.js'), ...args] : ['--import', tsx, entry, ...args];
  const child = spawn(process.execPath, argv, {
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
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
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
    waitForLog(pattern, timeoutMs = 30_000) {
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
