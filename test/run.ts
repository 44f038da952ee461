/**
 * Runs every test file in its own Node.js process (uvu inside), a few at a time, each bounded in
 * time, and ends with one line: "N passed, N failed". Usage: node --import tsx test/run.ts [--cpu] [PATH...]
 *
 * The files that took longest last time start first (their durations are kept in
 * node_modules/.cache/tremolo-test/), so the short ones fill the gaps beside them instead of one
 * long file running alone at the end. The built package is copied once into a temporary folder
 * that every spawned `tremolo` runs from (test/support/built.ts): a rebuild of dist/ meanwhile
 * cannot pull the code from under a running test. The test files themselves run bundled into
 * plain JavaScript (test/support/bundle.ts), without a loader; TEST_LOADER=tsx runs them as before.
 *
 * Each process's CPU time (user + system, its own and that of every process it started and waited
 * for) is measured through /usr/bin/time where the machine has it: wall-clock time on a shared
 * machine says more about the neighbours than about the file. `--cpu` lists the 20 costliest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCENARIOS } from './chaos/names.js';
import { builtIsCurrent, snapshotPackage } from './support/built.js';
import { bundleTests, type Bundles } from './support/bundle.js';

// A bound for a hung file, not a measure: generous, so a loaded machine does not fail a slow one.
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 240_000);
// One more process than cores: a test file spends part of its time waiting (a process starting, a
// peer answering, a browser drawing) and the CPUs would idle meanwhile. 3 at a time on 2 cores
// passed 168 files without a failure at load averages of 3 to 23 (BENCHMARKS.md).
const JOBS = Number(process.env.TEST_JOBS ?? Math.max(2, os.availableParallelism() + 1));
const root = path.resolve(import.meta.dirname);
const repo = path.join(root, '..');

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

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')));
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// The plugin packages keep their tests beside them (packages/NAME/test/): the whole suite runs those too.
const packageTests = readdirSync(path.join(repo, 'packages'))
  .sort()
  .map((name) => path.join(repo, 'packages', name, 'test'))
  .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true);
const files = (args.length > 0 ? args.map((a) => path.resolve(a)) : [root, ...packageTests]).flatMap((p) =>
  statSync(p).isDirectory() ? find(p) : [p],
);
// The integration folder runs through `tremolo test` itself, as users run theirs; its tests count
// one by one in the total. The chaos scenarios run one per process (test/chaos/names.ts).
const integration = path.join(root, 'integration');
const chaos = path.join(root, 'chaos');
const asked = (dir: string): boolean => args.length === 0 || args.some((a) => path.resolve(a) === dir || path.resolve(a) === root);

// The package under test: a copy of what was just built, or, if dist/ is older than src/ (a run
// of a few files after an edit, without a build), none: the tests then run the sources.
const snapshot = process.env.TREMOLO_TEST_PACKAGE ? undefined : builtIsCurrent() ? snapshotPackage() : undefined;
const underTest = process.env.TREMOLO_TEST_PACKAGE || snapshot?.dir;
const cli = underTest ? [path.join(underTest, 'bin/tremolo.js')] : ['--import', 'tsx', path.join(repo, 'src/app/cli/bin.ts')];

/** One process to run: a test file, the integration folder or a chaos scenario. */
interface Job {
  /** As shown, and the key of its duration in the timings file. */
  readonly name: string;
  readonly argv: readonly string[];
  /** Whether it reports "N passed, N failed" (a suite) rather than uvu's totals. */
  readonly suite: boolean;
  readonly file?: string;
}
// The integration tests write into their folders (out.log, certificates made by a before step):
// they run in a copy of their own, or a second run beside this one would write into ours. Their
// before steps reach the shipped flows as ../../../flows, so the copy has them there too.
const integrationCopy = asked(integration) ? mkdtempSync(path.join(os.tmpdir(), 'tremolo-integration-')) : undefined;
if (integrationCopy !== undefined) {
  cpSync(integration, path.join(integrationCopy, 'test/integration'), { recursive: true });
  symlinkSync(path.join(repo, 'flows'), path.join(integrationCopy, 'flows'), 'dir');
}
// The test files run as bundles of plain JavaScript (test/support/bundle.ts: tsx's loader costs
// each process about a second of CPU), unless TEST_LOADER=tsx asks for the loader, or the bundling
// fails (a syntax error): then every file runs through tsx, and the broken one fails on its own.
const chaosEntry = path.join(chaos, 'run.ts');
const bundleDir = process.env.TEST_LOADER === 'tsx' ? undefined : mkdtempSync(path.join(os.tmpdir(), 'tremolo-bundles-'));
let bundles: Bundles | undefined;
if (bundleDir !== undefined) {
  try {
    const entries = [...files, ...(asked(chaos) ? [chaosEntry] : [])];
    bundles = await bundleTests(entries, { repo, dir: bundleDir, dist: path.join(underTest ?? repo, 'dist') });
  } catch (err) {
    process.stdout.write(`bundling the test files failed; they run through tsx:\n${(err as Error).message}\n`);
  }
}
const node = (file: string): string[] => (bundles !== undefined ? ['--enable-source-maps', bundles.of(file)] : ['--import', 'tsx', file]);
const jobs: Job[] = [
  ...(integrationCopy !== undefined ? [{ name: 'test/integration', argv: [...cli, 'test', 'integration', path.join(integrationCopy, 'test/integration'), '--jobs', '2'], suite: true }] : []),
  ...(asked(chaos) ? SCENARIOS.map((s) => ({ name: `test/chaos ${s}`, argv: ['--expose-gc', ...node(chaosEntry), s], suite: true })) : []),
  ...files.map((file) => ({ name: path.relative(repo, file), argv: node(file), suite: false, file })),
];

interface Result {
  job: Job;
  passed: number;
  failed: number;
  output: string;
  ms: number;
  /** User + system CPU time of the process and all it waited for, where measured. */
  cpuMs?: number;
  note?: string;
}

const strip = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

// GNU time reports the CPU time of the process it ran and of everything that process waited for.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuDir = TIME !== undefined ? mkdtempSync(path.join(os.tmpdir(), 'tremolo-cpu-')) : undefined;

/** The processes of process group `pgid` but its leader (Linux: /proc), or undefined where that cannot be read. */
function followers(pgid: number): number[] | undefined {
  try {
    return readdirSync('/proc').flatMap((entry) => {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === pgid) return [];
      try {
        // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, the last ')' ends it.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid ? [pid] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return undefined;
  }
}
const kill = (pid: number): void => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
};
// Each job runs in a process group of its own, so that killing it takes the processes it started
// (a tremolo, a browser) with it instead of leaving them to load the machine. Under time, the
// group's leader is time itself: the rest of the group goes first, so that time, seeing its child
// end, still writes what the job used; the leader goes too if it is still there a moment later.
const killGroup = (child: ChildProcess, measured = false): void => {
  const rest = measured ? followers(child.pid!) : undefined;
  if (rest === undefined) return kill(-child.pid!);
  for (const pid of rest) kill(pid);
  setTimeout(() => kill(-child.pid!), 2000).unref();
};
const children = new Set<ChildProcess>();
const finish = (): void => {
  for (const c of children) killGroup(c);
  snapshot?.remove();
  for (const dir of [cpuDir, bundleDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  if (integrationCopy !== undefined) rmSync(integrationCopy, { recursive: true, force: true });
};
process.once('exit', finish);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    finish();
    process.kill(process.pid, signal);
  });
}

// Durations of earlier runs in ms, by job name.
const timingsFile = path.join(repo, 'node_modules/.cache/tremolo-test/timings.json');
const readTimings = (): Record<string, number> => {
  try {
    return JSON.parse(readFileSync(timingsFile, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
};
const timings = readTimings();
/** Last run's duration; for a job never timed, a guess from what it starts (processes and browsers are slow). */
function expectedMs(job: Job): number {
  const known = timings[job.name];
  if (known !== undefined) return known;
  if (job.suite) return 60_000;
  return /support\/(cli|browser|pty|python-peers)|child_process|chromium/.test(readFileSync(job.file!, 'utf8')) ? 20_000 : 3_000;
}
function saveTimings(results: readonly Result[]): void {
  // Another run beside this one may write too: merge into what is there now, and replace the file whole.
  const merged = readTimings();
  for (const r of results) merged[r.job.name] = Math.round(r.ms);
  try {
    mkdirSync(path.dirname(timingsFile), { recursive: true });
    const tmp = `${timingsFile}.${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(merged, null, 1)}\n`);
    renameSync(tmp, timingsFile);
  } catch {
    // A cache: a run without it only orders its files less well.
  }
}

/** At most `max` characters of a failed file's output: one assertion can print megabytes. */
function bounded(text: string, max = 40_000): string {
  if (text.length <= max) return text;
  const half = max / 2;
  return `${text.slice(0, half)}\n… ${text.length - max} characters left out …\n${text.slice(-half)}`;
}

// After its summary a file has nothing left to report; a timer or socket left open would keep its
// process (and this run) waiting for nothing: a `Promise.race` with a 30 s sleep costs 30 s.
const LINGER_MS = 3000;

/** The CPU time time wrote in `file` ("USER SYS" in seconds, the last line), if it did. */
function readCpu(file: string | undefined): number | undefined {
  if (file === undefined) return undefined;
  try {
    const last = /^([\d.]+) ([\d.]+)\s*$/m.exec(readFileSync(file, 'utf8').split('\n').filter(Boolean).at(-1) ?? '');
    return last ? Math.round((Number(last[1]) + Number(last[2])) * 1000) : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

let jobCount = 0;
function run(job: Job): Promise<Result> {
  const started = performance.now();
  const cpuFile = cpuDir !== undefined ? path.join(cpuDir, String(jobCount++)) : undefined;
  const [command, argv] =
    cpuFile !== undefined ? [TIME!, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...job.argv]] : [process.execPath, job.argv];
  return new Promise((resolve) => {
    const child = spawn(command, argv, {
      // CHAOS_LENGTH: the chaos scenarios' short run (test/chaos/scenario.ts), unless asked otherwise.
      env: { CHAOS_LENGTH: 'short', ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...(underTest ? { TREMOLO_TEST_PACKAGE: underTest } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    let output = '';
    let lingered: NodeJS.Timeout | undefined;
    let cutShort = false;
    const summary = job.suite ? /^\d+ passed, \d+ failed$/m : /^\s*Duration:\s+[\d.]+ms$/m;
    const take = (d: Buffer): void => {
      output += d;
      // Only the end can hold the summary: a file may print megabytes.
      if (lingered === undefined && summary.test(output.slice(-(d.length + 200)))) {
        lingered = setTimeout(() => {
          cutShort = true;
          killGroup(child, true);
        }, LINGER_MS);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, true);
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      children.delete(child);
      clearTimeout(timer);
      clearTimeout(lingered);
      const text = strip(output);
      const suite = job.suite;
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
      else if (code !== 0 && failed === 0 && !cutShort) note = `exited with ${code}`;
      if (note !== undefined) failed = Math.max(failed + skipped, 1);
      if (cutShort && note === undefined) note = `(stopped ${LINGER_MS / 1000} s after its summary: something in it was left open)`;
      const cpuMs = readCpu(cpuFile);
      resolve({ job, passed, failed, output: text, ms, ...(cpuMs !== undefined ? { cpuMs } : {}), ...(note ? { note } : {}) });
    });
  });
}

// Longest first; the sort is stable, so equal guesses keep the folder order.
const queue = jobs.sort((a, b) => expectedMs(b) - expectedMs(a));
const results: Result[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < queue.length) {
    const r = await run(queue[next++]!);
    results.push(r);
    const verdict = r.failed === 0 ? 'ok  ' : 'FAIL';
    const cpu = r.cpuMs !== undefined ? `, ${(r.cpuMs / 1000).toFixed(1)} s CPU` : '';
    process.stdout.write(`${verdict} ${r.job.name} (${r.passed} passed${r.failed ? `, ${r.failed} failed` : ''}, ${(r.ms / 1000).toFixed(1)} s${cpu})${r.note ? ` ${r.note}` : ''}\n`);
    if (r.failed > 0) process.stdout.write(`${bounded(r.output.trimEnd()).replace(/^/gm, '    ')}\n`);
  }
}
const runStarted = performance.now();
await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, worker));
saveTimings(results);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
if (queue.length === 0) process.stdout.write('no test files found\n');
else if (queue.length > 1) {
  const how = underTest ? '' : ' (dist/ is older than src/: tremolo ran from the sources)';
  const measured = results.filter((r) => r.cpuMs !== undefined);
  const cpuMs = measured.reduce((n, r) => n + r.cpuMs!, 0);
  const cpu = measured.length > 0 ? `, ${(cpuMs / 1000).toFixed(1)} s CPU` : '';
  if (flags.has('--cpu') && measured.length > 0) {
    process.stdout.write('CPU time (user + system, with what each started), the costliest:\n');
    for (const r of measured.sort((a, b) => b.cpuMs! - a.cpuMs!).slice(0, 20)) {
      process.stdout.write(`${(r.cpuMs! / 1000).toFixed(1).padStart(7)} s  ${(r.ms / 1000).toFixed(1).padStart(6)} s wall  ${r.job.name}\n`);
    }
  }
  process.stdout.write(`${queue.length} processes in ${((performance.now() - runStarted) / 1000).toFixed(1)} s, ${JOBS} at a time${cpu}${how}\n`);
}
process.stdout.write(`${passed} passed, ${failed + (queue.length === 0 ? 1 : 0)} failed\n`);
process.exitCode = failed > 0 || queue.length === 0 ? 1 : 0;
