import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What one run of uvu's command over a project's test files reported. */
export interface UvuRun {
  /** The exit status (0: every test passed). */
  readonly code: number;
  /** stdout and stderr together, for assertion messages. */
  readonly output: string;
  /** Per file (as uvu heads its results, e.g. `greeter.test.ts`): its tests that passed, and all it ran. */
  readonly files: ReadonlyMap<string, { readonly passed: number; readonly ran: number }>;
  /** The summary's Total, Passed and Skipped, or undefined where it printed none. */
  readonly total?: number;
  readonly passed?: number;
  readonly skipped?: number;
}

/**
 * Runs the `*.test.ts` files of `dir`'s test/ folder in one process: uvu's own command (as
 * `npx uvu test` runs a project's tests) under `node --import tsx`, with `dir`'s node_modules
 * (uvu and tsx there). A node that has loaded tsx and tremolo costs seconds of CPU before its
 * first test; a scaffolded test file costs a fraction of that. uvu heads each file's results with
 * its name and counts them, `• • ✘  (2 / 3)`, then prints one summary for all.
 */
export function runTestFiles(dir: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<UvuRun> {
  const uvu = path.join(dir, 'node_modules/uvu/bin.js');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', uvu, 'test', '\\.test\\.ts$', '--no-color'],
      { cwd: dir, timeout: options.timeoutMs ?? 120_000, env: { ...process.env, ...options.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (err, stdout, stderr) => {
        const output = stdout + stderr;
        const files = new Map<string, { passed: number; ran: number }>();
        for (const m of stdout.matchAll(/^(\S+\.test\.ts)\n[^\n(]*\((\d+) \/ (\d+)\)$/gm)) files.set(m[1]!, { passed: Number(m[2]), ran: Number(m[3]) });
        const count = (label: string): number | undefined => {
          const m = new RegExp(`^\\s*${label}:\\s+(\\d+)$`, 'm').exec(stdout);
          return m ? Number(m[1]) : undefined;
        };
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, output, files, total: count('Total'), passed: count('Passed'), skipped: count('Skipped') });
      },
    );
  });
}

/** How many tests a test file declares (`test(...)` at the start of a line): what uvu must count for it. */
export const declaredTests = (file: string): number => readFileSync(file, 'utf8').match(/^test\(/gm)?.length ?? 0;
