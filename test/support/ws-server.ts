import type { AddressInfo } from 'node:net';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

/** A bare `ws` server for client tests: records what it receives, can be stopped and restarted on its port. */
export class PeerServer {
  readonly received: string[] = [];
  readonly connections: WebSocket[] = [];
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  #wss: WebSocketServer | undefined;

  private constructor(
    public port: number,
    private readonly options: ServerOptions,
  ) {}

  static async start(port = 0, options: ServerOptions = {}): Promise<PeerServer> {
    const peer = new PeerServer(port, options);
    await peer.restart();
    return peer;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port, ...this.options });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws, req) => {
      this.connections.push(ws);
      this.headers.push(req.headers);
      ws.on('message', (data) => this.received.push(data.toString()));
    });
    this.#wss = wss;
  }

  /** Closes the listener and drops every connection (as a crash would). */
  async stop(): Promise<void> {
    const wss = this.#wss;
    if (wss === undefined) return;
    this.#wss = undefined;
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  async waitReceived(count: number, timeoutMs = 2000): Promise<string[]> {
    const deadline = performance.now() + timeoutMs;
    while (this.received.length < count) {
      if (performance.now() > deadline) throw new Error(`server received ${this.received.length} of ${count} messages: ${JSON.stringify(this.received)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.received;
  }
}
