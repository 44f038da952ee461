import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { until } from './sockets.js';

/**
 * A bare TCP, TLS or UNIX server for client tests: records what each connection sends, can echo
 * it, and can be stopped (connections dropped, as a crash would) and restarted on the same address.
 */
export class SocketPeer {
  readonly connections: Socket[] = [];
  readonly received: Buffer[] = [];
  #server: Server | undefined;

  private constructor(
    private readonly listenOn: { port: number; host: string } | { path: string },
    private readonly options: { echo?: boolean; read?: boolean; tls?: tls.TlsOptions },
  ) {}

  /** A TCP peer on 127.0.0.1 (`port` 0: a free one), or a UNIX peer on `path`. */
  static async start(at: { port?: number } | { path: string } = {}, options: { echo?: boolean; read?: boolean; tls?: tls.TlsOptions } = {}): Promise<SocketPeer> {
    const peer = new SocketPeer('path' in at ? { path: at.path } : { port: at.port ?? 0, host: '127.0.0.1' }, options);
    await peer.restart();
    return peer;
  }

  get port(): number {
    return 'port' in this.listenOn ? this.listenOn.port : 0;
  }

  get url(): string {
    return 'port' in this.listenOn ? `127.0.0.1:${this.listenOn.port}` : this.listenOn.path;
  }

  get text(): string {
    return Buffer.concat(this.received).toString();
  }

  /** Connections not closed yet. */
  get open(): Socket[] {
    return this.connections.filter((s) => !s.destroyed);
  }

  async restart(): Promise<void> {
    const onConnection = (socket: Socket): void => {
      this.connections.push(socket);
      socket.on('error', () => {});
      // A peer that does not read: what is written to it piles up on the writer's side.
      if (this.options.read === false) return;
      socket.on('data', (d: Buffer) => {
        this.received.push(d);
        if (this.options.echo === true) socket.write(d);
      });
    };
    const server = this.options.tls === undefined ? net.createServer(onConnection) : tls.createServer(this.options.tls, onConnection);
    if (this.options.tls !== undefined) server.on('tlsClientError', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenOn, () => resolve());
    });
    if ('port' in this.listenOn) this.listenOn.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the listener and drops every connection. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const s of this.connections) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async waitConnections(count: number, timeoutMs = 2000): Promise<Socket[]> {
    await until(() => this.connections.length >= count, () => `${count} connections (have ${this.connections.length})`, timeoutMs);
    return this.connections;
  }

  async waitText(text: string, timeoutMs = 2000): Promise<string> {
    await until(() => this.text.includes(text), () => `${JSON.stringify(text)} (received ${JSON.stringify(this.text)})`, timeoutMs);
    return this.text;
  }
}
