import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../support/cli.js';

/**
 * A real ThingsDB node for the conformance suite: started with the peer's own `start` script
 * (../shared/peers/thingsdb beside the repository, or THINGSDB_PEER_DIR), or the binary in
 * THINGSDB_BIN, on a fresh data folder (user admin, password pass, collection stuff).
 */
export const peerDir = (): string | undefined =>
  [process.env.THINGSDB_PEER_DIR, path.join(repoRoot, '../shared/peers/thingsdb'), path.join(repoRoot, '../../shared/peers/thingsdb')]
    .filter((d): d is string => d !== undefined && d !== '')
    .find((d) => existsSync(path.join(d, 'start')));

/** Why no node can be started here, or undefined when one can. */
export function missingNode(): string | undefined {
  const dir = peerDir();
  if (dir === undefined) return 'no ThingsDB peer: expected ../shared/peers/thingsdb/start beside the repository, or THINGSDB_PEER_DIR';
  const bin = process.env.THINGSDB_BIN ?? path.join(dir, 'thingsdb');
  return existsSync(bin) ? undefined : `no ThingsDB node binary at ${bin} (build it with ${path.join(dir, 'build')}, or set THINGSDB_BIN)`;
}

const free = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Three consecutive free ports below Linux's ephemeral range (the node's ws, client and node ports). */
async function freeRun(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    if ((await free(base)) && (await free(base + 1)) && (await free(base + 2))) return base;
  }
  throw new Error('no three consecutive free ports found');
}

export interface RealNode {
  readonly wsUrl: string;
  /** host:port of its TCP client port. */
  readonly client: string;
  readonly pid: number;
  /** A clean stop (SIGTERM: the node tells its clients it shuts down), then its folder goes. */
  stop(): Promise<void>;
  /** kill -9. */
  kill(): void;
}

export async function startNode(): Promise<RealNode> {
  const missing = missingNode();
  if (missing !== undefined) throw new Error(missing);
  const dir = peerDir()!;
  const data = mkdtempSync(path.join(os.tmpdir(), 'tremolo-thingsdb-'));
  const ws = await freeRun();
  const pid = await new Promise<number>((resolve, reject) => {
    execFile(path.join(dir, 'start'), [data, String(ws), String(ws + 1)], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the ThingsDB node did not start: ${stderr.trim() || err.message}`));
      else resolve(Number(stdout.trim()));
    });
  });
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    wsUrl: `ws://127.0.0.1:${ws}`,
    client: `127.0.0.1:${ws + 1}`,
    pid,
    kill: () => alive() && process.kill(pid, 'SIGKILL'),
    async stop() {
      if (alive()) process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive()) process.kill(pid, 'SIGKILL');
      rmSync(data, { recursive: true, force: true });
    },
  };
}
