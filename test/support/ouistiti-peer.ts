import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * ouistiti's own WebSocket services and its gateway (shared/peers/ouistiti, outside the repository):
 * where they are, or undefined. OUISTITI_PEER names the folder (and then only it is looked at); else
 * `shared/peers/ouistiti` beside the checkout (../shared for the main checkout, ../../shared for a
 * worktree under wt/).
 */
export function ouistitiPeer(): string | undefined {
  const named = process.env.OUISTITI_PEER;
  const candidates = named !== undefined && named !== '' ? [named] : [path.resolve(REPO, '../shared/peers/ouistiti'), path.resolve(REPO, '../../shared/peers/ouistiti')];
  return candidates.find((dir) => existsSync(path.join(dir, 'start')));
}

/** Where `start` builds ouistiti (its own default). */
const buildDir = (): string => process.env.OUISTITI_HOME ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ouistiti-56126a8');

/**
 * The peer's fork build of websocket_jsonrpc is linked without exporting its JSON-RPC helpers, so
 * authrpc.so, loaded at run time, dies on its first call ("undefined symbol: jsonrpc_error_object").
 * When that is so, the same helpers from ouistiti's own source (the tarball beside `start`) are
 * compiled once into a small library preloaded into the service: ouistiti's code either way.
 */
function jsonrpcPreload(peer: string): Record<string, string> {
  const binary = path.join(buildDir(), 'extra/websocket_jsonrpc_fork');
  const exported = (() => {
    try {
      return execFileSync('nm', ['-D', '--defined-only', binary], { encoding: 'utf8' }).includes(' jsonrpc_error_object');
    } catch {
      return false;
    }
  })();
  if (exported) return {};
  const dir = path.join(os.tmpdir(), 'tremolo-ouistiti-preload');
  const lib = path.join(dir, 'libjsonrpc.so');
  if (!existsSync(lib)) {
    mkdirSync(dir, { recursive: true });
    const src = mkdtempSync(path.join(dir, 'src-'));
    const tarball = execFileSync('sh', ['-c', `ls ${JSON.stringify(peer)}/ouistiti-src-*.tar.gz | head -1`], { encoding: 'utf8' }).trim();
    execFileSync('tar', ['-xzf', tarball, '-C', src, 'ouistiti/utils/jsonrpc', 'ouistiti/libhttpserver/include']);
    const o = path.join(src, 'ouistiti');
    execFileSync('gcc', ['-shared', '-fPIC', `-I${o}/utils`, `-I${o}/libhttpserver/include`, '-o', `${lib}.tmp`, `${o}/utils/jsonrpc/jsonrpc.c`, '-ljansson']);
    execFileSync('mv', [`${lib}.tmp`, lib]);
  }
  return { LD_PRELOAD: lib };
}

export type ServiceKind = 'echo' | 'chat' | 'chatplain' | 'jsonrpc';

/** ouistiti's services started in one docroot, and its gateway; `stop` ends every one it started. */
export class OuistitiPeer {
  readonly #pids: number[] = [];

  private constructor(
    readonly dir: string,
    readonly docroot: string,
  ) {}

  static start(dir: string, docroot: string): OuistitiPeer {
    return new OuistitiPeer(dir, docroot);
  }

  /** Runs ouistiti's start with `args`, on one core when `core` is given; the PID it printed. */
  async #start(args: string[], env: Record<string, string> = {}, core?: number): Promise<number> {
    const start = path.join(this.dir, 'start');
    const [file, argv] = core === undefined ? [start, args] : ['taskset', ['-c', String(core), start, ...args]];
    // The first start builds ouistiti (about half a minute; longer on a busy machine).
    const { stdout } = await run(file, argv, { env: { ...process.env, ...env }, timeout: 600_000 });
    const pid = Number(stdout.trim().split('\n').pop());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`ouistiti's start ${args.join(' ')} printed no PID: ${JSON.stringify(stdout)}`);
    this.#pids.push(pid);
    return pid;
  }

  /** A service listening on `docroot/name`; its PID. */
  service(kind: ServiceKind, name: string = kind): Promise<number> {
    return this.#start([kind, this.docroot, name], kind === 'jsonrpc' ? jsonrpcPreload(this.dir) : {});
  }

  /** ouistiti itself on 127.0.0.1:port, relaying ws://…/NAME to docroot/NAME; its PID. */
  gateway(port: number, core?: number): Promise<number> {
    const args = ['gateway', this.docroot, String(port)];
    return this.#start(args, {}, core);
  }

  /** Ends what this started (the services' forked children end with their connections). */
  stop(): void {
    for (const pid of this.#pids.splice(0)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Gone already.
      }
    }
  }
}
