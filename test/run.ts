/**
 * Runs every test file in its own Node.js process (uvu inside), a few at a time, each bounded in
 * time, and ends with one line: "N passed, N failed". Usage: node --import tsx test/run.ts [PATH...]
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 120_000);
const JOBS = Number(process.env.TEST_JOBS ?? Math.max(2, os.availableParallelism()));
const root = path.resolve(import.meta.dirname);

function find(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (!statSync(full).isDirectory()) return name.endsWith('.test.ts') ? [full] : [];
      // peers/ holds suites against peers from outside the repository (npm run test:thingsdb):
      // they run when asked for by path, never as part of the whole suite.
      if (name === 'fixtures' || name === 'node_modules' || (dir === root && name === 'peers')) return [];
      return find(full);
    });
}

const args = process.argv.slice(2);
const files = (args.length > 0 ? args.map((a) => path.resolve(a)) : [root]).flatMap((p) =>
  statSync(p).isDirectory() ? find(p) : [p],
);
// The integration folders run through `tremolo test` itself, as users run theirs; their tests
// count one by one in the total.
const integration = path.join(root, 'integration');
const chaos = path.join(root, 'chaos');
const asked = (dir: string): boolean => args.length === 0 || args.some((a) => path.resolve(a) === dir || path.resolve(a) === root);
const suites = [integration, chaos].filter(asked);

interface Result {
  file: string;
  passed: number;
  failed: number;
  output: string;
  ms: number;
  note?: string;
}

const strip = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

function runFile(file: string): Promise<Result> {
  const started = performance.now();
  const suite = suites.includes(file);
  const argv =
    file === chaos
      ? ['--expose-gc', '--import', 'tsx', path.join(chaos, 'run.ts')]
      : suite
        ? ['--import', 'tsx', path.join(root, '../src/cli/bin.ts'), 'test', 'integration', file, '--jobs', '2']
        : ['--import', 'tsx', file];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, {
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = strip(output);
      const counted = suite ? /^(\d+) passed, (\d+) failed$/m.exec(text) : null;
      const total = suite ? (counted ? Number(counted[1]) + Number(counted[2]) : NaN) : Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = suite ? Number(counted?.[1] ?? 0) : Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const ms = performance.now() - started;
      let note: string | undefined;
      let failed = Number.isNaN(total) ? 0 : total - passed;
      if (timedOut) note = `killed after ${FILE_TIMEOUT_MS} ms`;
      else if (Number.isNaN(total)) note = `exited with ${code} before reporting`;
      else if (skipped > 0) note = `${skipped} skipped (skipping is not allowed)`;
      else if (code !== 0 && failed === 0) note = `exited with ${code}`;
      if (note !== undefined) failed = Math.max(failed + skipped, 1);
      resolve({ file, passed, failed, output: text, ms, ...(note ? { note } : {}) });
    });
  });
}

const queue = [...suites, ...files];
const results: Result[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < queue.length) {
    const file = queue[next++]!;
    const r = await runFile(file);
    results.push(r);
    const rel = path.relative(process.cwd(), r.file);
    const verdict = r.failed === 0 ? 'ok  ' : 'FAIL';
    process.stdout.write(`${verdict} ${rel} (${r.passed} passed${r.failed ? `, ${r.failed} failed` : ''}, ${(r.ms / 1000).toFixed(1)} s)${r.note ? ` ${r.note}` : ''}\n`);
    if (r.failed > 0) process.stdout.write(`${r.output.trimEnd().replace(/^/gm, '    ')}\n`);
  }
}
await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, worker));
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
if (queue.length === 0) process.stdout.write('no test files found\n');
process.stdout.write(`${passed} passed, ${failed + (queue.length === 0 ? 1 : 0)} failed\n`);
process.exitCode = failed > 0 || queue.length === 0 ? 1 : 0;
