import net from 'node:net';

/**
 * A TCP proxy to a port that can be shut: while shut, connections are closed as soon as they
 * arrive. Tests use it to choose which NATS client gets back to a restarted server first.
 */
export class GateProxy {
  open = true;
  readonly #sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: number,
  ) {
    server.on('connection', (client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          this.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  static async start(target: number): Promise<GateProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new GateProxy(server, target);
  }

  get url(): string {
    return `nats://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
