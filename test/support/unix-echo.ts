import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * An independent UNIX stream server for gateway tests, as ouistiti's sample servers are: Debian's
 * `socat` when it is installed (a process of its own per connection), else a small Node.js server
 * that behaves the same. `echo` sends back what it reads; `first-line` answers the first line and
 * hangs up, an upstream that closes on its own.
 */
export interface UnixEcho {
  readonly kind: 'socat' | 'node';
  readonly path: string;
  stop(): Promise<void>;
}

export const socatInstalled = (): boolean => spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;

export async function startUnixEcho(path: string, mode: 'echo' | 'first-line' = 'echo'): Promise<UnixEcho> {
  const echo = socatInstalled() ? socat(path, mode) : node(path, mode);
  const deadline = performance.now() + 5000;
  while (!(await accepts(path))) {
    const why = echo.failed ?? (performance.now() > deadline ? 'not accepting connections after 5000 ms' : undefined);
    if (why !== undefined) {
      await echo.stop();
      throw new Error(`${echo.kind} echo server on ${path} did not start: ${why}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return echo;
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function socat(path: string, mode: 'echo' | 'first-line'): UnixEcho & { failed: string | undefined } {
  const child: ChildProcess = spawn('socat', [`UNIX-LISTEN:${path},fork`, mode === 'echo' ? 'EXEC:cat' : 'SYSTEM:head -n 1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group, so stopping it also stops the process it forked per connection.
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const echo = {
    kind: 'socat' as const,
    path,
    failed: undefined as string | undefined,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
  child.once('exit', (code) => (echo.failed ??= `exited with ${code}: ${stderr.trim()}`));
  return echo;
}

function node(path: string, mode: 'echo' | 'first-line'): UnixEcho & { failed: string | undefined } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (mode === 'echo') {
      socket.pipe(socket);
      return;
    }
    let line = '';
    socket.on('data', (d: Buffer) => {
      line += d.toString();
      const end = line.indexOf('\n');
      if (end >= 0) socket.end(line.slice(0, end + 1));
    });
  });
  const echo = {
    kind: 'node' as const,
    path,
    failed: undefined as string | undefined,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
  server.once('error', (err) => (echo.failed = err.message));
  server.listen({ path });
  return echo;
}
