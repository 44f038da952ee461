/**
 * The tremolo under test, and the processes of both sides. tremolo is built from the working tree
 * into a private copy (a temporary folder holding bin/, dist/, flows/, pipelines/, connectors/,
 * package.json and a link to node_modules), so the measurement never runs a stale dist/, and a
 * colleague's `npm test` rebuilding dist/ in the middle of a run cannot change what is measured
 * (nor can this build disturb theirs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, type Child } from './processes.js';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BENCH = path.join(REPO, 'bench');

export interface Install {
  readonly root: string;
  readonly bin: string;
  /** The commit measured, and the files that differed from it. */
  readonly commit: string;
  readonly dirty: string[];
  readonly buildWarnings: string;
}

export function installTremolo(build: boolean): Install {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tremolo-bench-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  for (const part of ['bin', 'flows', 'pipelines', 'connectors', 'package.json']) cpSync(path.join(REPO, part), path.join(root, part), { recursive: true });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  let buildWarnings = '';
  if (build) {
    // The JavaScript half of `npm run build` alone: it does not type-check, so work in progress
    // elsewhere in src/ does not stop a benchmark; the compiled plugin modules are not needed.
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { bundle } from ${JSON.stringify(path.join(REPO, 'scripts/bundle.ts'))}; await bundle(${JSON.stringify(path.join(root, 'dist'))});`], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (result.status !== 0) buildWarnings = `${result.stdout}${result.stderr}`.trim().split('\n').slice(0, 10).join('\n');
  } else if (existsSync(path.join(REPO, 'dist'))) cpSync(path.join(REPO, 'dist'), path.join(root, 'dist'), { recursive: true });
  if (!existsSync(path.join(root, 'dist/app/cli/bin.js'))) throw new Error(`tremolo did not build:\n${buildWarnings}`);
  // Not trimmed at the start: porcelain lines begin with a status column that may be a space.
  const git = (...args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd: REPO, encoding: 'utf8', timeout: 10_000 }).trimEnd();
    } catch {
      return '';
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src', 'flows', 'pipelines', 'connectors')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.slice(3));
  return { root, bin: path.join(root, 'bin/tremolo.js'), commit: git('rev-parse', '--short', 'HEAD'), dirty, buildWarnings };
}

export interface Server {
  readonly child: Child;
  readonly pid: number;
  readonly url: string;
}

/** `tremolo run FLOW --arg url=ws://127.0.0.1:0`, waiting for the port it logs. */
export async function startTremolo(install: Install, flow: string, core: number | undefined, nodeArgs: string[] = [], extra: string[] = []): Promise<Server> {
  const flowPath = path.isAbsolute(flow) ? flow : path.join(install.root, flow);
  const child = start('tremolo', process.execPath, [...nodeArgs, install.bin, 'run', flowPath, '--arg', 'url=ws://127.0.0.1:0', '--log-level', 'info', ...extra], {
    core,
    cwd: install.root,
  });
  const m = await child.waitFor(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 30_000, 'stderr');
  return { child, pid: child.pid, url: m[1]! };
}

/** A TypeScript script of bench/ in its own process (a reference server, the load generator). */
export function startScript(name: string, script: string, args: string[], core: number | undefined, env?: Record<string, string>, nodeArgs: string[] = []): Child {
  return start(name, process.execPath, [...nodeArgs, '--import', 'tsx', path.join(BENCH, script), ...args], { core, cwd: REPO, env: { ...process.env, ...env } });
}

/** A reference server of bench/servers/, waiting for the port it prints. */
export async function startReference(script: string, core: number | undefined, nodeArgs: string[] = []): Promise<Server> {
  const child = startScript(path.basename(script, '.ts'), script, [], core, undefined, nodeArgs);
  const m = await child.waitFor(/^(\d+)$/, 30_000, 'stdout');
  return { child, pid: child.pid, url: `ws://127.0.0.1:${m[1]}` };
}
