import type { Server, Socket } from 'node:net';
import { z } from 'zod';
import type { ConnectorContext, SourceStream } from '../../sdk/connector-api.js';
import { quote } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { routeReply, type ReplyRoutes } from '../../sdk/io/reply-routing.js';
import { endSocket, readInto, SocketOutlet } from '../../sdk/io/socket-io.js';
import type { WaterMarks } from '../../sdk/io/water-marks.js';

/** How many connections a stream-socket server keeps open at most: one peer's flood must not take every file descriptor. */
export const MaxConnectionsSchema = z
  .number()
  .int()
  .positive()
  .default(20_000)
  .describe('open connections at most; one more is closed as soon as it is accepted (logged, at most once a second)');

/**
 * Caps a server's open connections (Node closes the excess on accept) and says so in the log with
 * the count, at most once a second however fast they come.
 */
export function limitConnections(server: Server, max: number, log: { info(message: string): void }): void {
  server.maxConnections = max;
  let dropped = 0;
  let reportedAt = -Infinity;
  server.on('drop', () => {
    dropped++;
    const now = performance.now();
    if (now - reportedAt < 1000) return;
    reportedAt = now;
    log.info(`max_connections (${max}) reached: ${dropped} connection(s) closed at once so far`);
  });
}

export interface Connection {
  readonly socket: Socket;
  readonly stream: SourceStream;
  readonly outlet: SocketOutlet;
  /** The routing and flow-control key: `host:port`, or a UNIX peer id. */
  readonly key: string;
}

export type PeerLookup = (byKey: ReadonlyMap<string, Connection>) => Pick<ReplyRoutes<Connection>, 'byPeer' | 'describePeer'>;

/**
 * The accepted connections of a stream-socket server (tcp_server, unix_socket_server): each is a
 * stream with its own preprocessor state, replies are routed back as ws_server routes them, and the
 * graceful stop hands over what was written before closing. The listener is the connector's own.
 */
export class SocketConnections {
  readonly #ctx: ConnectorContext;
  readonly #config: WaterMarks & { readonly buf_size: number };
  readonly #byStream = new Map<number, Connection>();
  readonly #byKey = new Map<string, Connection>();
  readonly #routes: ReplyRoutes<Connection>;
  #paused = false;

  constructor(ctx: ConnectorContext, config: WaterMarks & { readonly buf_size: number }, peers: PeerLookup) {
    this.#ctx = ctx;
    this.#config = config;
    this.#routes = { connector: ctx.id, kind: ctx.kind, byStream: this.#byStream, ...peers(this.#byKey) };
  }

  get size(): number {
    return this.#byStream.size;
  }

  /** A new connection: its stream carries `meta[kind] = inner`. */
  accept(socket: Socket, inner: Record<string, unknown>, key: string): Connection {
    const ctx = this.#ctx;
    const stream = ctx.openStream(ctx.meta(inner));
    const conn: Connection = { socket, stream, key, outlet: new SocketOutlet(socket, key, ctx, this.#config) };
    this.#byStream.set(stream.id, conn);
    this.#byKey.set(key, conn);
    ctx.log.debug(`connection ${key} opened (stream ${stream.id})`);
    if (this.#paused) socket.pause();
    readInto(socket, stream, this.#config.buf_size);
    // A reset is the peer's business; what matters to the flow is the close that follows.
    socket.on('error', (err: NodeJS.ErrnoException) => ctx.log.debug(`connection ${key}: ${err.message}`));
    socket.once('close', () => {
      this.#byStream.delete(stream.id);
      if (this.#byKey.get(key) === conn) this.#byKey.delete(key);
      stream.end();
      ctx.endSinkStream(stream.id);
      ctx.log.debug(`connection ${key} closed`);
    });
    return conn;
  }

  write(event: TremoloEvent): void {
    const targets = routeReply(event, this.#routes);
    if (typeof targets === 'string') {
      this.#ctx.fail(event, 'ERR_ROUTE_NO_TARGET', `${this.#ctx.alias}: no connection to send to: ${targets}`);
      return;
    }
    for (const conn of targets) conn.outlet.write(event, conn.stream.id);
  }

  pause(stream?: number): void {
    if (stream === undefined) {
      this.#paused = true;
      for (const conn of this.#byStream.values()) conn.socket.pause();
    } else this.#byStream.get(stream)?.socket.pause();
  }

  resume(stream?: number): void {
    if (stream === undefined) {
      this.#paused = false;
      for (const conn of this.#byStream.values()) conn.socket.resume();
    } else if (!this.#paused) this.#byStream.get(stream)?.socket.resume();
  }

  /** Another connector asked to close this stream: what was written still goes out first. */
  closeStream(stream: number, why: string): void {
    const conn = this.#byStream.get(stream);
    if (conn === undefined) return;
    this.#ctx.log.debug(`closing connection ${conn.key}: ${why}`);
    void endSocket(conn.socket);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#byStream.values()].map((conn) => conn.outlet.drained()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#byStream.values()].map((conn) => endSocket(conn.socket)));
  }
}

/** UNIX peers: an opaque number per connection, since a UNIX client has no address. */
export const peerIds: PeerLookup = (byKey) => ({
  byPeer: (peer) => (typeof peer === 'number' ? byKey.get(String(peer)) : undefined),
  describePeer: (peer) => `with peer id ${quote(peer)}`,
});
