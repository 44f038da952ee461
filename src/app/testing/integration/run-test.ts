import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, openSync, readFileSync, watch, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertWarnings, checkAsserts, outputsComplete, type Outputs } from './asserts.js';
import { awaitConditions } from './conditions.js';
import { flowFiles } from './discover.js';
import { findSideFile, readSideFile } from './files.js';
import { allocatePorts, fillPorts, portNames } from './ports.js';
import { resolveCommand, tremoloCommand } from './self.js';
import { AfterSchema, AssertSchema, BeforeSchema, EnvSchema, TagsSchema, type AssertSpec } from './spec.js';

export interface TestCase {
  /** The folder's path relative to the suite root, e.g. `ws-tls`. */
  readonly name: string;
  readonly dir: string;
  readonly tags: readonly string[];
}

export interface TestResult extends TestCase {
  readonly passed: boolean;
  readonly durationMs: number;
  readonly failures: readonly string[];
  /** What the test's files say that the runner ignored (an unknown assert key). */
  readonly warnings: readonly string[];
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunTestOptions {
  /** Where the suite starts: its `lib` folder joins the module search path. */
  readonly root: string;
  readonly timeoutMs: number;
}

/** A test's tags: its folder name and what `tags.yaml` lists. */
export function loadCase(root: string, dir: string): TestCase {
  const tags = readSideFile(dir, 'tags', TagsSchema) ?? [];
  const name = path.relative(root, dir) || path.basename(dir);
  return { name, dir, tags: [...new Set([path.basename(dir), ...tags])] };
}

/** `${port:NAME}` filled in every string of a before or after entry. */
function fillPortsDeep<T>(value: T, ports: Readonly<Record<string, number>>): T {
  if (typeof value === 'string') return fillPorts(value, ports) as T;
  if (Array.isArray(value)) return value.map((v) => fillPortsDeep(v, ports)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPortsDeep(v, ports)])) as T;
  }
  return value;
}

const OWN_LOGS = /^(fg|before\.(out|err)\.\d+)\.(out\.|err\.)?log$/;

/**
 * Copies a process's stdout and stderr into files of the test folder, where Tremor writes them
 * (`fg.out.log`, `before.err.0.log`...): Tremor's asserts read them. Resolves once both are written.
 */
function logTo(child: ChildProcess, dir: string, out: string, err: string): Promise<void> {
  const copy = (from: NodeJS.ReadableStream, name: string): Promise<void> =>
    new Promise<void>((resolve) => {
      const file: WriteStream = createWriteStream(path.join(dir, name));
      file.on('close', resolve);
      file.on('error', () => resolve());
      from.pipe(file);
    });
  return Promise.all([copy(child.stdout!, out), copy(child.stderr!, err)]).then(() => undefined);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Runs one test folder: hands out its named ports, starts the before-processes and waits for their
 * conditions, runs every flow of the folder as one `tremolo run` in the folder, checks the asserts,
 * runs the after commands, and stops whatever it started, whatever happened.
 */
export async function runTest(test: TestCase, options: RunTestOptions): Promise<TestResult> {
  const started = performance.now();
  const { dir } = test;
  const children: ChildProcess[] = [];
  const failures: string[] = [];
  let out: Outputs = { status: null, stdout: '', stderr: '' };
  const abort = new AbortController();
  const logs: Promise<void>[] = [];
  const warnings: string[] = [];
  try {
    const assertSpec: AssertSpec = readSideFile(dir, 'assert', AssertSchema) ?? AssertSchema.parse({});
    warnings.push(...assertWarnings(assertSpec));
    const before = readSideFile(dir, 'before', BeforeSchema) ?? [];
    const after = readSideFile(dir, 'after', AfterSchema) ?? [];
    const extraEnv = readSideFile(dir, 'env', EnvSchema) ?? {};
    const flows = flowFiles(dir);
    const texts = [...flows, ...['before', 'after', 'env', 'assert'].map((n) => findSideFile(dir, n as 'before'))]
      .filter((f): f is string => f !== undefined)
      .map((f) => readFileSync(f, 'utf8'));
    const ports = await allocatePorts(portNames(texts));
    const searchPath = [path.join(options.root, 'lib'), path.join(dir, 'lib'), process.env.TREMOLO_PATH].filter(Boolean).join(':');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(Object.entries(extraEnv).map(([k, v]) => [k, fillPorts(v, ports)])),
      TREMOLO_PATH: searchPath,
      TREMOLO_PORTS: JSON.stringify(ports),
    };

    for (const [index, written] of before.entries()) {
      const proc = fillPortsDeep(written, ports);
      const [exe, argv, pidFile] = resolveCommand(proc.cmd, proc.args);
      const cwd = path.resolve(dir, proc.dir);
      const penv = { ...env, ...proc.env };
      const child = spawn(exe, argv, { cwd, env: penv, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout!.on('data', (d) => (log += d));
      child.stderr!.on('data', (d) => (log += d));
      logs.push(logTo(child, dir, `before.out.${index}.log`, `before.err.${index}.log`));
      children.push(child);
      if (pidFile !== undefined && child.pid !== undefined) writeFileSync(path.resolve(cwd, pidFile), `${child.pid}\n`);
      const exited = (): number | null => child.exitCode;
      const unmet = await awaitConditions(proc, cwd, penv, abort.signal, () => child.exitCode !== null && child.exitCode !== 0, exited);
      // A one-shot setup step (making a certificate) may exit, as long as it succeeded.
      const exitedBadly = child.exitCode !== null && child.exitCode !== 0;
      if (unmet.length > 0 || exitedBadly) {
        const why = exitedBadly ? `exited with ${child.exitCode}` : `not ready after ${proc['max-await-secs']} s (${unmet.join(', ')})`;
        throw new Error(`before-process \`${proc.cmd} ${proc.args.join(' ')}\` ${why}${log ? `:\n${log.trimEnd()}` : ''}`);
      }
    }

    const [exe, pre] = tremoloCommand();
    // A test's `stdin` file is what the flow reads on its standard input, as in Tremor.
    const stdinFile = path.join(dir, 'stdin');
    const stdin = existsSync(stdinFile) ? openSync(stdinFile, 'r') : 'ignore';
    const flow = spawn(exe, [...pre, 'run', ...flows], { cwd: dir, env, stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') closeSync(stdin);
    children.push(flow);
    const flowLogs = logTo(flow, dir, 'fg.out.log', 'fg.err.log');
    let stdout = '';
    let stderr = '';
    flow.stdout!.on('data', (d) => (stdout += d));
    flow.stderr!.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => flow.on('close', (code) => resolve(code)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      flow.kill('SIGKILL');
    }, options.timeoutMs);
    let watcher: ReturnType<typeof watch> | undefined;
    if (assertSpec.end === 'complete') {
      // Stop the flows the moment their output is complete, rather than after a guessed delay.
      // Once only: file-change events keep coming while the flow drains, and a second SIGTERM
      // means "exit at once without draining" (status 130), which is not what a complete run is.
      // Nor once every flow has finished or stopped by itself: the process exits then, and a
      // signal that lands while Node.js tears down (its handlers gone) kills it with no status.
      let stopping = false;
      const endingByItself = (): boolean => new Set([...stderr.matchAll(/^\S+ INFO\s+\[([^\]/]+)\] (?:stopped|finished: every source has .*)$/gm)].map((m) => m[1])).size >= flows.length;
      // After this turn's reads: a log line already written must be seen before deciding.
      const check = (): void =>
        void setImmediate(() => {
          if (stopping || endingByItself() || !outputsComplete(dir, assertSpec, { status: null, stdout, stderr })) return;
          stopping = true;
          flow.kill('SIGTERM');
        });
      // The runner's own logs (fg.out.log...) change from the first moment: they say nothing about
      // the outputs, and would check them before the flow has even started.
      watcher = watch(dir, (_, file) => {
        if (file === null || !OWN_LOGS.test(file)) check();
      });
      flow.stdout!.on('data', check);
    }
    const status = await closed;
    await flowLogs;
    clearTimeout(timer);
    watcher?.close();
    out = { status, stdout, stderr };
    if (timedOut) failures.push(`timed out after ${options.timeoutMs} ms`);

    // As in Tremor, the after commands run before the asserts: they stop what the before
    // commands started, which may write what is asserted.
    for (const cmd of after.map((c) => fillPortsDeep(c, ports))) {
      const [aexe, argv] = resolveCommand(cmd.cmd, cmd.args);
      const child = spawn(aexe, argv, { cwd: path.resolve(dir, cmd.dir), env: { ...env, ...cmd.env }, stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => {
        child.on('error', () => resolve(-1));
        child.on('close', resolve);
      });
      if (code !== 0) failures.push(`after command \`${cmd.cmd} ${cmd.args.join(' ')}\` exited with ${code}`);
    }
    failures.push(...checkAsserts(dir, assertSpec, out));
  } catch (err) {
    failures.push((err as Error).message);
  } finally {
    abort.abort();
    await Promise.all(children.map(kill));
    await Promise.all(logs);
    await sleep(0);
  }
  return { ...test, passed: failures.length === 0, durationMs: performance.now() - started, failures, warnings, stdout: out.stdout, stderr: out.stderr };
}
