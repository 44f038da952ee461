import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Debian's socat as an independent UNIX echo server: `socat UNIX-LISTEN:path,fork EXEC:cat`. */
export async function socatEcho(path: string, options: { backlog?: number } = {}): Promise<ChildProcess> {
  const listen = options.backlog === undefined ? `UNIX-LISTEN:${path},fork` : `UNIX-LISTEN:${path},fork,backlog=${options.backlog}`;
  const child = spawn('socat', [listen, 'EXEC:cat'], { stdio: 'ignore' });
  const deadline = performance.now() + 5000;
  while (!existsSync(path)) {
    if (child.exitCode !== null || performance.now() > deadline) throw new Error(`socat did not listen on ${path} (is Debian's socat installed?)`);
    await sleep(10);
  }
  return child;
}

/** A small UNIX chat server: greets each connection, sends each line to every other one, and counts connections. */
export class ChatServer {
  readonly clients = new Set<net.Socket>();

  readonly #server: net.Server;

  private constructor(server: net.Server) {
    this.#server = server;
  }

  static start(path: string): Promise<ChatServer> {
    const server = net.createServer();
    const chat = new ChatServer(server);
    server.on('connection', (socket) => {
      chat.clients.add(socket);
      socket.write('welcome\n');
      socket.on('data', (data) => {
        for (const other of chat.clients) if (other !== socket) other.write(data);
      });
      socket.on('close', () => {
        chat.clients.delete(socket);
      });
      socket.on('error', () => undefined);
    });
    return new Promise((resolve) => server.listen(path, () => resolve(chat)));
  }

  close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
