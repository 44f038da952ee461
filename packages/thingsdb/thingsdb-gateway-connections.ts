/**
 * What the ThingsDB gateway keeps per WebSocket connection: whether the node accepted its AUTH
 * (watched on the node's answers, never decided here), the AUTHs it waits for, and what it counts.
 * The node reads a WebSocket message as one package, header first; the gateway hands the node's
 * TCP client port the same bytes, so both agree on every package:
 * - shorter than the header, a check byte that is not the type XOR 0xff, or a size over 1 GiB: the
 *   node closes the connection; so does the gateway (close code 1000 with the reason);
 * - a size field smaller than the message: the node reads that many bytes and ignores the rest;
 *   the gateway sends that many (the rest would be read as the next package on a byte stream);
 * - a size field larger than the message: the node reads past the message into its own buffer; the
 *   gateway sends the message with the size it has (documented in docs/thingsdb.md).
 */
import { createEvent, type Logger, type Origin, type TremoloEvent } from 'tremolo';
import { connectionKey as keyOf, encodePayload, HEADER_SIZE, packageMeta, PackageType as T, readPackage, tooLargeBeforeAuth } from './thingsdb-protocol.js';

/** ThingsDB's own limit on a package (TI_PKG_MAX_SIZE). */
const NODE_MAX_SIZE = 0x40000000;
/** Packages (and their bytes) that may wait for the answer to an AUTH; more closes the connection. */
export const MAX_WAITING = 64;
export const MAX_WAITING_BYTES = 4 * 1024 * 1024;

interface Connection {
  readonly key: string;
  readonly origin: Origin;
  authenticated: boolean;
  /** Ids of the AUTH packages sent to the node and not yet answered. */
  readonly auths: Set<number>;
  /** Packages over the limit (and all after them) while an AUTH is answered, in order. */
  waiting: TremoloEvent[] | undefined;
  waitingBytes: number;
  closing: boolean;
  packagesIn: number;
  bytesIn: number;
  packagesOut: number;
  bytesOut: number;
}

export interface GatewaySettings {
  readonly maxSizeBeforeAuth: number;
}

export interface GatewayOutputs {
  /** A package for the client: data is the payload, meta.thingsdb its header. */
  client(event: TremoloEvent): void;
  /** A whole package (header and payload) for the node. */
  node(event: TremoloEvent): void;
  close(origin: Origin, reason: string): void;
}

/** The package in a WebSocket message, as the node reads it, or why the node closes the connection. */
export function packageOf(message: Buffer): Buffer | string {
  const pkg = readPackage(message, NODE_MAX_SIZE, "ThingsDB's maximum");
  if (typeof pkg === 'string') return pkg;
  const available = message.length - HEADER_SIZE;
  if (pkg.payload.length === available) {
    if (message.readUInt32LE(0) === available) return message;
    // A size field larger than the message: sent with the size it has (the node would read past it).
    const fixed = Buffer.from(message);
    fixed.writeUInt32LE(available, 0);
    return fixed;
  }
  return message.subarray(0, HEADER_SIZE + pkg.payload.length);
}

export class GatewayConnections {
  readonly #connections = new Map<string, Connection>();

  constructor(
    private readonly settings: GatewaySettings,
    private readonly out: GatewayOutputs,
    private readonly log: Logger,
  ) {}

  /** One WebSocket message from a client. */
  fromClient(event: TremoloEvent): void {
    const origin = event.origins[0];
    if (origin === undefined || !Buffer.isBuffer(event.data)) throw new Error('expected the bytes of a WebSocket message from a connection (codec binary)');
    const key = keyOf(origin);
    let conn = this.#connections.get(key);
    if (conn === undefined) {
      conn = { key, origin, authenticated: false, auths: new Set(), waiting: undefined, waitingBytes: 0, closing: false, packagesIn: 0, bytesIn: 0, packagesOut: 0, bytesOut: 0 };
      this.#connections.set(key, conn);
    }
    if (conn.closing) return;
    const pkg = packageOf(event.data);
    if (typeof pkg === 'string') return this.#close(conn, pkg);
    const forward = pkg === event.data ? event : { ...event, data: pkg };
    if (conn.waiting !== undefined) return this.#wait(conn, forward);
    this.#send(conn, forward);
  }

  #send(conn: Connection, event: TremoloEvent): void {
    const pkg = event.data as Buffer;
    const size = pkg.length - HEADER_SIZE;
    const type = pkg[6]!;
    if (!conn.authenticated && size > this.settings.maxSizeBeforeAuth) {
      // An AUTH on its way may make it acceptable: it waits for the answer.
      if (conn.auths.size > 0) {
        conn.waiting = [];
        return this.#wait(conn, event);
      }
      return this.#tooLarge(conn, pkg.readUInt16LE(4), type, size);
    }
    if (!conn.authenticated && type === T.REQ_AUTH) conn.auths.add(pkg.readUInt16LE(4));
    conn.packagesIn++;
    conn.bytesIn += pkg.length;
    this.out.node(event);
  }

  #wait(conn: Connection, event: TremoloEvent): void {
    const bytes = (event.data as Buffer).length;
    if (conn.waiting!.length >= MAX_WAITING || conn.waitingBytes + bytes > MAX_WAITING_BYTES) {
      return this.#close(conn, `more than ${MAX_WAITING} packages or ${MAX_WAITING_BYTES} bytes sent while an AUTH is answered`);
    }
    conn.waiting!.push(event);
    conn.waitingBytes += bytes;
  }

  /** One package from the node for the connection among the event's origins. */
  fromNode(event: TremoloEvent): void {
    const origin = event.origins[0];
    const conn = origin === undefined ? undefined : this.#connections.get(keyOf(origin));
    if (conn === undefined || conn.closing) return;
    const header = event.meta.thingsdb as { id: number; type: number };
    conn.packagesOut++;
    conn.bytesOut += HEADER_SIZE + (event.data as Buffer).length;
    this.out.client(event);
    if (conn.authenticated || !conn.auths.delete(header.id)) return;
    if (header.type === T.RES_OK) conn.authenticated = true;
    // What waited for this answer goes on (or is refused) in its order.
    if (conn.waiting !== undefined && (conn.authenticated || conn.auths.size === 0)) {
      const waiting = conn.waiting;
      conn.waiting = undefined;
      conn.waitingBytes = 0;
      for (const next of waiting) {
        if (conn.closing) break;
        if (conn.waiting !== undefined) this.#wait(conn, next);
        else this.#send(conn, next);
      }
    }
  }

  /** A package over max_size_before_auth before a login: answered as the node would, then closed. */
  #tooLarge(conn: Connection, id: number, type: number, size: number): void {
    const { why, answer } = tooLargeBeforeAuth(type, size, this.settings.maxSizeBeforeAuth);
    if (answer !== undefined) this.#reply(conn, id, T.RES_ERROR, answer);
    this.#close(conn, why);
  }

  #reply(conn: Connection, id: number, type: number, value: unknown): void {
    this.out.client(createEvent(encodePayload(value), packageMeta(id, type), [conn.origin]));
  }

  #close(conn: Connection, why: string): void {
    conn.closing = true;
    conn.waiting = undefined;
    this.log.info(`${why}, closing connection ${conn.key}`);
    this.out.close(conn.origin, why);
  }

  /** A connection's stream ended (either side closed it): its counts are logged, its state goes. */
  ended(origin: Origin): void {
    const key = keyOf(origin);
    const conn = this.#connections.get(key);
    if (conn === undefined) return;
    this.#connections.delete(key);
    this.log.debug(`connection ${key} ended: ${conn.packagesIn} packages (${conn.bytesIn} bytes) to the node, ${conn.packagesOut} (${conn.bytesOut} bytes) from it${conn.authenticated ? '' : ', never authenticated'}`);
  }
}
