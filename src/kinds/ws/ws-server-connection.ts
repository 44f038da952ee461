import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { ConnectorContext, SourceStream } from '../../sdk/connector-api.js';
import type { Meta } from '../../sdk/event.js';
import type { Identity } from '../../sdk/auth/authenticate.js';
import { SessionExpiry } from './jwt-refresh.js';
import type { RateLimiter } from './rate-limiter.js';
import { WsOutlet, type WsMarks } from './ws-outlet.js';
import type { WsServerSession } from './ws-server-session.js';

const CONNECTION = Symbol('tremolo.ws_server.connection');
type Tagged = WebSocket & { [CONNECTION]?: ServerConnection };

const expiring = (ws: WebSocket, expires: number): SessionExpiry => new SessionExpiry(expires, () => ws.close(1008, 'token expired'));

/**
 * One connection of a ws_server: its outlet, and what the server keeps of it. Its socket points
 * back to it, so that the connector's message, error and close listeners are shared by every
 * connection (`ServerConnection.of(this)`): an idle connection then holds no closures of its own
 * but its outlet's `flushed` (which keeps only the connection), nor the scope they would keep.
 */
export class ServerConnection extends WsOutlet {
  /** Only for a session whose credentials expire (a JWT); most connections have none. */
  expiry: SessionExpiry | undefined;
  /** When an excess over the rate limit was last reported on `err`. */
  limitReportedAt = -Infinity;
  /** What server extensions see of it; only on a connector that has extensions. */
  session: WsServerSession | undefined = undefined;
  /** Made on the first binary frame: most connections never send one. */
  #binaryMeta: Meta | undefined;

  constructor(
    ws: WebSocket,
    socket: Socket,
    /** host:port, the flow-control key and the name in logs. */
    key: string,
    ctx: ConnectorContext,
    marks: WsMarks,
    readonly host: string,
    readonly stream: SourceStream,
    /** `{ ws_server: { tls, peer, path, protocol, headers, auth? } }`, shared by the connection's events. */
    public meta: Meta,
    public identity: Identity | undefined,
    readonly limiter: RateLimiter | undefined,
  ) {
    super(ws, socket, key, ctx, marks);
    // A session lives as long as its credentials: a token that expires closes it.
    this.expiry = identity?.expires === undefined ? undefined : expiring(ws, identity.expires);
    (ws as Tagged)[CONNECTION] = this;
  }

  /** The connection of a socket this server accepted. */
  static of(ws: WebSocket): ServerConnection {
    return (ws as Tagged)[CONNECTION]!;
  }

  /** The metadata of a frame, with `binary: true` for a binary one. */
  metaOf(binary: boolean): Meta {
    if (!binary) return this.meta;
    return (this.#binaryMeta ??= { ws_server: { ...(this.meta.ws_server as object), binary: true } });
  }

  /** A refreshed token: the session lives until it expires, and its events carry it in `auth`. */
  reauthenticate(fresh: Identity): void {
    this.identity = fresh;
    if (this.expiry === undefined) this.expiry = fresh.expires === undefined ? undefined : expiring(this.ws, fresh.expires);
    else this.expiry.move(fresh.expires);
    this.meta = { ws_server: { ...(this.meta.ws_server as object), auth: fresh } };
    this.#binaryMeta = undefined;
  }
}
