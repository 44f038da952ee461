import { readdirSync, readFileSync } from 'node:fs';
import { startCli, type RunningCli } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';

/** A tremolo echo server in its own process, as the chaos scenarios attack it. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  readonly cli: RunningCli;
  /** Open file descriptors of the process. */
  fds(): number;
  /** Resident memory in bytes. */
  rss(): number;
  alive(): boolean;
  stop(): Promise<number | null>;
}

export async function startEchoServer(config: Record<string, unknown> = {}): Promise<ServerProcess> {
  const tmp = tmpDir('tremolo-chaos-');
  const flow = tmp.write(
    'echo.json5',
    JSON.stringify({
      connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0', ...config } } },
      links: [['s', 's']],
    }),
  );
  const cli = startCli(['run', flow], { timeoutMs: 300_000 });
  const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 20_000);
  const pid = cli.process.pid!;
  return {
    url: url!,
    pid,
    cli,
    fds: () => readdirSync(`/proc/${pid}/fd`).length,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024,
    alive: () => cli.process.exitCode === null && cli.process.signalCode === null,
    async stop() {
      cli.process.kill('SIGTERM');
      const { code } = await cli.done;
      tmp.cleanup();
      return code;
    },
  };
}
