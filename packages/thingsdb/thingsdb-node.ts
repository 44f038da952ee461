/**
 * What a ThingsDB node does with the packages of its WebSocket clients, per connection: PING is
 * answered whoever asks, AUTH authenticates the connection, every other request before it gets
 * -56, JOIN / LEAVE / EMIT / EMIT_PEER keep the rooms (across connections), QUERY and RUN are handed
 * on (the pipeline behind `query` answers them), a malformed package closes the connection and a
 * package of an unknown type gets no answer. The orders are ThingsDB's: ON_ROOM_JOIN after the JOIN
 * response, ON_ROOM_LEAVE before the LEAVE response, ON_ROOM_EMIT before the EMIT's OK.
 */
import { createEvent, type Logger, type Meta, type Origin, type TremoloEvent } from 'tremolo';
import type { Credentials } from './thingsdb-credentials.js';
import { connectionKey as keyOf, decodePayload, encodePayload, ErrorCode, EVENT_ID, packageMeta, PackageType as T, readPackage, REQUIRES_AUTH, ThingsdbError, tooLargeBeforeAuth, type Package } from './thingsdb-protocol.js';
import { packRoomEmit, packValue } from './thingsdb-pack.js';
import type { Room, Rooms } from './thingsdb-rooms.js';
import { collectionOf, requestScope } from './thingsdb-scope.js';
import type { Store } from './thingsdb-store.js';
import type { Value } from './thingsdb-values.js';
import { DOC_SOCKET_QUERY, emitRoom, REQ_UNWATCH, REQ_WATCH, scopeOf } from './thingsdb-node-rules.js';

interface Connection {
  readonly key: string;
  readonly origin: Origin;
  user: string | undefined;
  /** A malformed package was seen: nothing more of it is read. */
  closing: boolean;
  /** Packages that came while an AUTH was being checked, handled after it in order. */
  waiting: { readonly pkg: Package; readonly event: TremoloEvent }[] | undefined;
}

export interface NodeOutputs {
  /** A package to connections: data is the payload, meta.thingsdb the header, origins the targets. */
  send(event: TremoloEvent): void;
  /** A QUERY or RUN for the pipeline that answers them. */
  query(event: TremoloEvent): void;
  close(origin: Origin, reason: string): void;
  /** A room event for the other instances of a deployment (their connections in the same room). */
  bus?(emit: RoomEmit): void;
}

/** A room event as it crosses instances: rooms are found by name where they have one (ids differ). */
export interface RoomEmit {
  readonly collection: string;
  readonly room: string | number;
  readonly event: string;
  readonly args: readonly unknown[];
}

export interface NodeSettings {
  readonly id: number;
  readonly maxSize: number;
  /** Largest payload of a package that comes before the connection is authenticated. */
  readonly maxSizeBeforeAuth: number;
  /** A JOIN by a name no room has makes that room (else the node's answer: nil in its place). */
  readonly createRooms: boolean;
}

/** Packages that may wait while an AUTH is checked; one more closes the connection. */
export const MAX_WAITING_FOR_AUTH = 64;

// Read through a call: the compiler would otherwise keep `waiting` narrowed across #handle.
const waitingOf = (conn: Connection): Connection['waiting'] => conn.waiting;
const badData = (message: string): ThingsdbError => new ThingsdbError(ErrorCode.BAD_DATA, message);

export class EndpointNode {
  readonly #connections = new Map<string, Connection>();
  private readonly rooms: Rooms;

  /** `store` holds the collections and rooms; `handle` names it to the pipeline that answers queries. */
  constructor(
    private readonly settings: NodeSettings,
    private readonly credentials: Credentials,
    private readonly store: Store,
    private readonly handle: string,
    private readonly out: NodeOutputs,
    private readonly log: Logger,
  ) {
    this.rooms = store.rooms;
    // A query's `room.emit(...)`: to the room's connections at once, before the query's answer.
    store.onEmit = (room, event, args, deep) => this.#roomEvent(room, event, args, deep);
  }

  /** One WebSocket message from a client connection. */
  receive(event: TremoloEvent): void {
    const origin = event.origins[0];
    if (origin === undefined || !Buffer.isBuffer(event.data)) throw new Error('expected the bytes of a WebSocket message from a connection (codec binary)');
    const key = keyOf(origin);
    let conn = this.#connections.get(key);
    if (conn === undefined) {
      conn = { key, origin, user: undefined, closing: false, waiting: undefined };
      this.#connections.set(key, conn);
    }
    if (conn.closing) return;
    const pkg = readPackage(event.data, this.settings.maxSize);
    if (typeof pkg === 'string') return this.#close(conn, pkg);
    // Before a login nothing larger than an AUTH needs is read: decoding what an anonymous peer
    // sends costs memory and time that every connection shares.
    if (conn.user === undefined && pkg.payload.length > this.settings.maxSizeBeforeAuth) return this.#tooLarge(conn, pkg);
    if (conn.waiting !== undefined) {
      if (conn.waiting.length >= MAX_WAITING_FOR_AUTH) return this.#close(conn, `more than ${MAX_WAITING_FOR_AUTH} packages sent while the AUTH is checked`);
      conn.waiting.push({ pkg, event });
    } else this.#handle(conn, pkg, event);
  }

  /** Nothing more of this connection is read; it is closed with `why`. */
  #close(conn: Connection, why: string): void {
    conn.closing = true;
    conn.waiting = undefined;
    this.log.info(`${why}, closing connection ${conn.key}`);
    this.out.close(conn.origin, why);
  }

  /** A package over max_size_before_auth before the login: answered unread (tooLargeBeforeAuth), then closed. */
  #tooLarge(conn: Connection, pkg: Package): void {
    const { why, answer } = tooLargeBeforeAuth(pkg.type, pkg.payload.length, this.settings.maxSizeBeforeAuth);
    if (answer !== undefined) this.#reply(conn, pkg.id, T.RES_ERROR, answer);
    this.#close(conn, why);
  }

  /** A connection closed: it leaves its rooms and its state goes. */
  closed(origin: Origin): void {
    const key = keyOf(origin);
    if (!this.#connections.delete(key)) return;
    this.rooms.forget(key);
  }

  /**
   * The flow is stopping: authenticated clients hear that the node shuts down, then that it is
   * offline, as from a ThingsDB node stopped with SIGTERM (it sends both, then drops the connection).
   */
  shutdown(): void {
    const origins = [...this.#connections.values()].filter((c) => c.user !== undefined && !c.closing).map((c) => c.origin);
    if (origins.length === 0) return;
    this.#event(origins, T.ON_NODE_STATUS, { id: this.settings.id, status: 'SHUTTING_DOWN' });
    this.#event(origins, T.ON_NODE_STATUS, { id: this.settings.id, status: 'OFFLINE' });
  }

  #handle(conn: Connection, pkg: Package, event: TremoloEvent): void {
    try {
      if (REQUIRES_AUTH.has(pkg.type) && conn.user === undefined) throw new ThingsdbError(ErrorCode.AUTH_ERROR, 'connection is not authenticated');
      switch (pkg.type) {
        case T.REQ_PING:
          return this.#reply(conn, pkg.id, T.RES_PONG);
        case T.REQ_AUTH:
          return this.#auth(conn, pkg);
        case T.REQ_QUERY:
        case T.REQ_RUN:
          return this.#query(conn, pkg, event);
        case T.REQ_JOIN:
          return this.#join(conn, pkg);
        case T.REQ_LEAVE:
          return this.#leave(conn, pkg);
        case T.REQ_EMIT:
        case T.REQ_EMIT_PEER:
          return this.#emit(conn, pkg);
        case REQ_WATCH:
        case REQ_UNWATCH:
          // Deprecated since ThingsDB 1.0: the node answers OK to anyone, and does nothing.
          return this.#reply(conn, pkg.id, T.RES_OK);
        default:
          this.log.debug(`unexpected package type ${pkg.type} from ${conn.key}; no answer`);
      }
    } catch (err) {
      if (!(err instanceof ThingsdbError)) throw err;
      this.#reply(conn, pkg.id, T.RES_ERROR, err.payload);
    }
  }

  #auth(conn: Connection, pkg: Package): void {
    const user = this.credentials.authenticate(this.#payload(pkg));
    if (typeof user === 'string') {
      conn.user = user;
      return this.#reply(conn, pkg.id, T.RES_OK);
    }
    conn.waiting = [];
    user.then(
      (name) => {
        conn.user = name;
        this.#reply(conn, pkg.id, T.RES_OK);
      },
      (err: unknown) => this.#reply(conn, pkg.id, T.RES_ERROR, err instanceof ThingsdbError ? err.payload : { error_code: ErrorCode.INTERNAL, error_msg: String(err) }),
    )
      .then(() => this.#resume(conn))
      .catch((err: unknown) => this.log.error(`connection ${conn.key}: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** The packages that waited for an AUTH, in order; another AUTH among them makes the rest wait again. */
  #resume(conn: Connection): void {
    const waiting = conn.waiting ?? [];
    conn.waiting = undefined;
    while (waiting.length > 0 && !conn.closing) {
      const again = waitingOf(conn);
      if (again !== undefined) {
        again.push(...waiting);
        return;
      }
      const next = waiting.shift()!;
      this.#handle(conn, next.pkg, next.event);
    }
  }

  #query(conn: Connection, pkg: Package, event: TremoloEvent): void {
    const { scope, text, items } = requestScope(this.#payload(pkg));
    if (scope.kind === 'collection') collectionOf(scope, this.store);
    if (scope.kind === 'node' && scope.id !== undefined && scope.id !== this.settings.id) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `\`node:${scope.id}\` does not exist`);
    // nil vars (or arguments) are no vars, as on the node: clients send [scope, code, nil].
    const [what, given] = items;
    const extra = given === null ? undefined : given;
    const isQuery = pkg.type === T.REQ_QUERY;
    if (isQuery && typeof what !== 'string') throw new ThingsdbError(ErrorCode.TYPE_ERROR, `expecting the code in a \`query\` request to be of type \`string\`${DOC_SOCKET_QUERY}`);
    if (typeof what !== 'string' || items.length > 2) throw badData(`invalid ${isQuery ? 'query' : 'run'} request`);
    if (isQuery && extra !== undefined && (typeof extra !== 'object' || Array.isArray(extra))) throw badData('expecting the variables of a query as a map');
    if (!isQuery && extra !== undefined && typeof extra !== 'object') throw badData('expecting the arguments of a procedure as an array or a map');
    const data = isQuery ? { query: what, scope: text, ...(extra === undefined ? {} : { vars: extra }) } : { run: what, scope: text, args: extra ?? [] };
    const meta: Meta = { ...event.meta, thingsdb: { id: pkg.id, type: pkg.type, user: conn.user, store: this.handle } };
    this.out.query(createEvent(data, meta, [conn.origin], event.ingestNs));
  }

  /** The rooms a JOIN or LEAVE names, in its order; names are made into rooms when `create`. */
  #named(pkg: Package, verb: string, create: boolean): { collection: string; rooms: (Room | undefined)[] } {
    const { scope, items } = requestScope(this.#payload(pkg));
    const collection = collectionOf(scope, this.store);
    const rooms = items.map((item) => {
      if (typeof item === 'string') return this.rooms.byName(collection, item, create);
      if (typeof item === 'number' && Number.isSafeInteger(item) && item >= 0) return this.rooms.byId(collection, item);
      throw badData(`${verb} request only accepts integer room id's or string room names`);
    });
    return { collection, rooms };
  }

  #join(conn: Connection, pkg: Package): void {
    const { collection, rooms } = this.#named(pkg, 'join', this.settings.createRooms);
    const joined = rooms.filter((room): room is Room => room !== undefined && this.rooms.join(room, conn.key));
    this.#reply(conn, pkg.id, T.RES_DATA, rooms.map((room) => room?.id ?? null));
    for (const room of joined) this.#event([conn.origin], T.ON_ROOM_JOIN, { scope: scopeOf(collection), id: room.id });
  }

  #leave(conn: Connection, pkg: Package): void {
    const { collection, rooms } = this.#named(pkg, 'leave', false);
    for (const room of rooms) if (room !== undefined && this.rooms.leave(room, conn.key)) this.#event([conn.origin], T.ON_ROOM_LEAVE, { scope: scopeOf(collection), id: room.id });
    this.#reply(conn, pkg.id, T.RES_DATA, rooms.map((room) => room?.id ?? null));
  }

  #emit(conn: Connection, pkg: Package): void {
    const payload = this.#payload(pkg);
    const { scope, items } = requestScope(payload);
    const collection = collectionOf(scope, this.store);
    const [id, name, ...args] = items;
    if (items.length < 2 || id === undefined || typeof name !== 'string') throw badData('invalid emit request');
    const room = emitRoom(this.rooms, collection, id);
    const origins = this.#listening(room, pkg.type === T.REQ_EMIT_PEER ? conn.key : undefined);
    if (origins.length > 0) this.#event(origins, T.ON_ROOM_EMIT, { scope: scopeOf(collection), id: room.id, event: name, args });
    this.out.bus?.({ collection, room: room.name ?? room.id, event: name, args });
    this.#reply(conn, pkg.id, T.RES_OK);
  }

  /** A query's emit: its values packed as the node packs a query's, `deep` levels of things. */
  #roomEvent(room: Room, event: string, args: readonly Value[], deep: number): void {
    const origins = this.#listening(room);
    if (origins.length === 0 && this.out.bus === undefined) return;
    // Packed once for both: the listeners get them inside the event's map, other instances as
    // plain MessagePack values, ids included.
    const packed = packValue([...args], deep);
    if (origins.length > 0) {
      this.out.send(createEvent(packRoomEmit(scopeOf(room.collection), room.id, event, packed), packageMeta(EVENT_ID, T.ON_ROOM_EMIT), origins));
    }
    this.out.bus?.({ collection: room.collection, room: room.name ?? room.id, event, args: decodePayload(packed) as unknown[] });
  }

  /** A room event another instance published: to this instance's connections in that room. */
  fromBus(emit: RoomEmit): void {
    const room = typeof emit.room === 'string' ? this.rooms.byName(emit.collection, emit.room, false) : this.rooms.byId(emit.collection, emit.room);
    if (room === undefined) return;
    const origins = this.#listening(room);
    if (origins.length > 0) this.#event(origins, T.ON_ROOM_EMIT, { scope: scopeOf(emit.collection), id: room.id, event: emit.event, args: emit.args });
  }

  /** The open connections in a room, but `except`. */
  #listening(room: Room, except?: string): Origin[] {
    return [...room.listeners].flatMap((key) => {
      const listener = key === except ? undefined : this.#connections.get(key);
      return listener === undefined || listener.closing ? [] : [listener.origin];
    });
  }

  #payload(pkg: Package): unknown {
    try {
      return decodePayload(pkg.payload);
    } catch {
      throw badData('the payload is not MessagePack');
    }
  }

  #reply(conn: Connection, id: number, type: number, value?: unknown): void {
    if (conn.closing) return;
    this.out.send(createEvent(encodePayload(value), packageMeta(id, type), [conn.origin]));
  }

  /** One event to each of `origins`: the ws_server writes it to every connection among them. */
  #event(origins: readonly Origin[], type: number, value: unknown): void {
    this.out.send(createEvent(encodePayload(value), packageMeta(EVENT_ID, type), origins));
  }
}
