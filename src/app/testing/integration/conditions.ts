import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessSpec } from './spec.js';
import { resolveCommand } from './self.js';

const POLL_MS = 25;

function portOpen(spec: string): Promise<boolean> {
  const [host, port] = spec.includes(':') ? [spec.slice(0, spec.lastIndexOf(':')), spec.slice(spec.lastIndexOf(':') + 1)] : ['127.0.0.1', spec];
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function exitsZero(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const [exe, argv] = resolveCommand(cmd, args);
  return new Promise((resolve) => {
    const child = spawn(exe, argv, { cwd, env, stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/**
 * Waits until every await condition of a before-process holds, polling, bounded by
 * `max-await-secs`; resolves with what is still unmet (empty when all hold).
 */
export async function awaitConditions(
  spec: ProcessSpec,
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  /** True once the process has failed: no condition can still come true. */
  failed: () => boolean = () => false,
  /** The process's exit status, null while it runs (for Tremor's `status: ["0"]`). */
  exitStatus: () => number | null = () => null,
): Promise<string[]> {
  const started = performance.now();
  const deadline = started + spec['max-await-secs'] * 1000;
  const a = spec.await;
  for (const ms of a['wait-for-ms'] ?? []) await sleep(Number(ms), undefined, { signal }).catch(() => undefined);
  const checks: [string, () => Promise<boolean>][] = [
    ...(a['port-open'] ?? []).map((p) => [`port-open ${p}`, () => portOpen(p)] as [string, () => Promise<boolean>]),
    ...(a['file-exists'] ?? []).map((f) => [`file-exists ${f}`, async () => existsSync(path.resolve(cwd, f))] as [string, () => Promise<boolean>]),
    ...(a['http-ok'] ?? []).map((u) => [`http-ok ${u}`, () => httpOk(u)] as [string, () => Promise<boolean>]),
    ...(a.status ?? []).filter((s) => typeof s !== 'string').map((s) => [`status ${s.cmd} ${s.args.join(' ')}`, () => exitsZero(s.cmd, s.args, path.resolve(cwd, s.dir), env)] as [string, () => Promise<boolean>]),
  ];
  // Tremor's `status: ["0"]`: the process itself ends with one of these statuses.
  const statuses = (a.status ?? []).filter((s): s is string => typeof s === 'string');
  if (statuses.length > 0) checks.push([`status ${statuses.join(' or ')}`, async () => statuses.includes(String(exitStatus()))]);
  let unmet = checks;
  while (unmet.length > 0 && !signal.aborted) {
    const results = await Promise.all(unmet.map(async ([name, check]) => [name, check, await check()] as const));
    unmet = results.filter(([, , ok]) => !ok).map(([name, check]) => [name, check]);
    if (unmet.length === 0 || performance.now() > deadline || failed()) break;
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
  }
  const minWait = started + spec['min-await-secs'] * 1000 - performance.now();
  if (minWait > 0) await sleep(minWait, undefined, { signal }).catch(() => undefined);
  return unmet.map(([name]) => name);
}
