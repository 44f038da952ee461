import { createRequire } from 'node:module';
import type * as Nats from 'nats';
import type { ConnectionOptions, NatsConnection } from 'nats';
import type { ConnectorContext } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';

let natsModule: typeof Nats | undefined;
/**
 * The nats client, loaded by the first nats connector that needs it: every start of `tremolo`
 * loads every built-in kind, and the client alone costs about 0.1 s of CPU to load, for the few
 * flows that use it. It is CommonJS, so it loads where it is first needed, synchronously.
 */
export const nats = (): typeof Nats => (natsModule ??= createRequire(import.meta.url)('nats') as typeof Nats);

/**
 * One NATS connection and its reconnecting, as the connector host sees it. The `nats` client
 * reconnects by itself (and keeps subscriptions and buffers what is published meanwhile); this
 * reports its disconnects to the host as a lost connection, so status, `ready` and the send
 * queue tell the truth, and the host's next `connect` waits for the client to be back rather
 * than opening a second connection. Only a connection the client gave up on is replaced.
 */
export class NatsLink {
  #nc: NatsConnection | undefined;
  #up = false;
  #stopping = false;
  #waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly options: () => ConnectionOptions,
    /**
     * A new connection (not a reconnect of the same one): subscribe here. The connection counts
     * as established once the returned promise resolves.
     */
    private readonly opened: (nc: NatsConnection) => void | Promise<void> = () => {},
  ) {}

  get connection(): NatsConnection | undefined {
    return this.#up ? this.#nc : undefined;
  }

  get up(): boolean {
    return this.#up;
  }

  get server(): string | undefined {
    return this.#nc?.getServer();
  }

  async connect(): Promise<void> {
    const known = this.#nc;
    if (known !== undefined && !known.isClosed()) {
      if (this.#up) return;
      await new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
      return;
    }
    const nc = await nats().connect(this.options());
    if (this.#stopping) {
      await nc.close();
      throw new Error('stopped while connecting');
    }
    try {
      await this.opened(nc);
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
    this.#nc = nc;
    this.#up = true;
    this.ctx.log.debug(`connected to ${nc.getServer()}`);
    // Neither may end as an unhandled rejection: a status stream that fails is the connection failing.
    this.#watch(nc).catch((err: unknown) => this.#closed(nc, err instanceof Error ? err : new Error(reason(err))));
    nc.closed().then(
      (err) => this.#closed(nc, err),
      (err: unknown) => this.#closed(nc, err instanceof Error ? err : new Error(reason(err))),
    );
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.#up = false;
        if (!this.#stopping) this.ctx.connectionLost(`disconnected from ${String(s.data)}`);
      } else if (s.type === 'reconnect') {
        this.#up = true;
        this.ctx.log.info(`reconnected to ${String(s.data)}`);
        for (const w of this.#waiters.splice(0)) w.resolve();
      } else if (s.type === 'error') {
        this.ctx.log.warn(`server error: ${String(s.data)}`);
      }
    }
  }

  #closed(nc: NatsConnection, err: void | Error): void {
    if (this.#nc !== nc) return;
    this.#up = false;
    const why = err === undefined ? 'the connection closed' : `the connection closed: ${err.message}`;
    for (const w of this.#waiters.splice(0)) w.reject(new Error(why));
    if (!this.#stopping) this.ctx.connectionLost(why);
  }

  /** Hand over what the client buffers (a round trip to the server), when connected. */
  async flush(): Promise<void> {
    if (this.#up) await this.#nc?.flush().catch(() => {});
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const w of this.#waiters.splice(0)) w.reject(new Error('stopped'));
    const nc = this.#nc;
    this.#up = false;
    if (nc !== undefined && !nc.isClosed()) await nc.close().catch(() => {});
  }
}
