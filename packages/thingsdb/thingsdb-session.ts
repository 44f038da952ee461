/**
 * One thingsdb_client's conversation with ThingsDB across connections. On every new connection it
 * logs in, then joins its rooms, and only then lets requests go: requests that come meanwhile (or
 * while disconnected) wait here, in order and bounded. Each request gets a fresh package id; its
 * answer comes back as an event derived from it with `meta.thingsdb = {id, type, correlation}`
 * (the request's correlation, or a fresh one). Requests written but unanswered when a connection
 * drops are reported, as ThingsDB's own clients cancel them: they may or may not have run.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, deriveEvent, type Logger, type Meta, type Origin, type TremoloEvent } from 'tremolo';
import { bytesAsBase64, type BytesForm } from './thingsdb-bytes.js';
import { decodePayload, encodePayload, errorName, EVENT_ID, packageMeta, PackageType as T } from './thingsdb-protocol.js';
import { parseRequest, type Request } from './thingsdb-request.js';

export type RoomRef = string | number;

export interface SessionSettings {
  /** `[user, password]` or a token. */
  readonly auth: readonly [string, string] | string;
  readonly scope: string;
  /** Rooms to join on every connection, by scope. */
  readonly rooms: ReadonlyMap<string, readonly RoomRef[]>;
  readonly maxQueued: number;
  /** How byte strings in answers and events are given: as they are, or as base64 text (thingsdb-bytes.ts). */
  readonly bytes: BytesForm;
}

export interface SessionOutputs {
  /** Answers to requests. */
  answer(event: TremoloEvent): void;
  /** Room and node events. */
  event(event: TremoloEvent): void;
  /** Packages for the ws_client: payload bytes with meta.thingsdb = {id, type}. */
  send(event: TremoloEvent): void;
  failure(event: TremoloEvent): void;
}

type Pending =
  | { readonly kind: 'auth' }
  | { readonly kind: 'join'; readonly scope: string; readonly rooms: readonly RoomRef[] }
  | { readonly kind: 'request'; readonly request: TremoloEvent; readonly correlation: unknown };

type State = 'offline' | 'login' | 'joining' | 'ready' | 'refused';

const ROOM_EVENTS = new Map<number, string>([
  [T.ON_ROOM_JOIN, 'join'],
  [T.ON_ROOM_LEAVE, 'leave'],
  [T.ON_ROOM_EMIT, 'emit'],
  [T.ON_ROOM_DELETE, 'delete'],
]);

export class ClientSession {
  #state: State = 'offline';
  #stream: Origin | undefined;
  #refusal = '';
  #nextId = 0;
  #joinsLeft = 0;
  readonly #held: { readonly event: TremoloEvent; readonly request: Request }[] = [];
  readonly #pending = new Map<number, Pending>();
  /** Rooms joined on this connection: id → where, and `scope\0name` → id. */
  readonly #rooms = new Map<number, { scope: string; name: string | undefined }>();
  readonly #names = new Map<string, number>();

  constructor(
    private readonly settings: SessionSettings,
    private readonly out: SessionOutputs,
    private readonly log: Logger,
    private readonly alias: string,
  ) {}

  /** Whether an event came over the current connection (a package), as opposed to a request. */
  isPackage(event: TremoloEvent): boolean {
    const o = event.origins[0];
    return o !== undefined && this.#stream !== undefined && o.connector === this.#stream.connector;
  }

  /** A new connection: log in on it before anything else. */
  connected(stream: Origin): void {
    this.#stream = stream;
    this.#state = 'login';
    this.#rooms.clear();
    this.#names.clear();
    const auth = this.settings.auth;
    this.#send(T.REQ_AUTH, typeof auth === 'string' ? auth : [...auth], [], { kind: 'auth' });
  }

  /** A stream of the flow ended; when it is this client's connection, what was in flight is lost. */
  disconnected(stream: Origin): void {
    if (this.#stream === undefined || stream.connector !== this.#stream.connector || stream.stream !== this.#stream.stream) return;
    this.#state = 'offline';
    for (const pending of this.#pending.values()) {
      if (pending.kind !== 'request') continue;
      this.#fail(pending.request, 'ERR_NOT_CONNECTED', 'the connection was lost before ThingsDB answered; the request may or may not have been carried out', { correlation: pending.correlation });
    }
    this.#pending.clear();
  }

  request(event: TremoloEvent): void {
    const parsed = parseRequest(event.data, this.settings.scope);
    if (typeof parsed === 'string') throw new Error(parsed);
    if (this.#state === 'refused') return this.#fail(event, 'ERR_REMOTE', `not logged in: ${this.#refusal}`);
    if (this.#state === 'ready' && this.#held.length === 0 && this.#pending.size < EVENT_ID) return this.#write(event, parsed);
    if (this.#held.length >= this.settings.maxQueued) {
      return this.#fail(event, 'ERR_QUEUE_FULL', `${this.#held.length} requests are waiting for ThingsDB already (max_queued); request not sent`);
    }
    this.#held.push({ event, request: parsed });
  }

  /** A package from ThingsDB. */
  receive(event: TremoloEvent): void {
    const o = event.origins[0]!;
    if (o.stream !== this.#stream!.stream) return; // of a connection gone by
    const header = event.meta.thingsdb as { id: number; type: number };
    const decoded = decodePayload(event.data as Buffer);
    const value = this.settings.bytes === 'base64' ? bytesAsBase64(decoded) : decoded;
    if (header.id === EVENT_ID && header.type < T.RES_PONG) return this.#event(event, header.type, value);
    const pending = this.#pending.get(header.id);
    if (pending === undefined) {
      this.log.warn(`an answer (type ${header.type}) to package ${header.id}, which was not asked for`);
      return;
    }
    this.#pending.delete(header.id);
    const error = header.type === T.RES_ERROR ? (value as { error_code?: unknown; error_msg?: unknown }) : undefined;
    switch (pending.kind) {
      case 'auth':
        return error === undefined ? this.#loggedIn() : this.#refused(event, error);
      case 'join':
        if (error !== undefined) this.#remoteError(event, error, `joining ${JSON.stringify(pending.rooms)} in ${pending.scope}`);
        else this.#joined(event, pending.scope, pending.rooms, value);
        if (--this.#joinsLeft === 0) this.#ready();
        return;
      case 'request': {
        const meta: Meta = { ...pending.request.meta, thingsdb: { id: header.id, type: header.type, correlation: pending.correlation } };
        if (error !== undefined) this.#remoteError(pending.request, error, 'the request', meta);
        else this.out.answer(deriveEvent(pending.request, value === undefined ? null : value, meta));
        // An id is free again: a request waiting for one (65535 in flight) may go.
        this.#release();
      }
    }
  }

  #loggedIn(): void {
    this.#state = 'joining';
    this.#joinsLeft = this.settings.rooms.size;
    if (this.#joinsLeft === 0) return this.#ready();
    for (const [scope, rooms] of this.settings.rooms) this.#send(T.REQ_JOIN, [scope, ...rooms], [], { kind: 'join', scope, rooms });
  }

  #refused(event: TremoloEvent, error: { error_code?: unknown; error_msg?: unknown }): void {
    this.#state = 'refused';
    this.#refusal = `${String(error.error_msg)} (${String(error.error_code)})`;
    this.#remoteError(event, error, 'logging in');
    for (const held of this.#held.splice(0)) this.#fail(held.event, 'ERR_REMOTE', `not logged in: ${this.#refusal}`);
  }

  #joined(event: TremoloEvent, scope: string, rooms: readonly RoomRef[], ids: unknown): void {
    rooms.forEach((room, i) => {
      const id = Array.isArray(ids) ? ids[i] : undefined;
      if (typeof id !== 'number') {
        this.log.warn(`room ${JSON.stringify(room)} of ${scope} was not joined: ThingsDB knows no such room`);
        this.out.failure(createEvent({ error: `${this.alias}: room ${JSON.stringify(room)} of ${scope} was not joined: no such room`, code: 'ERR_REMOTE', scope, room }, event.meta, event.origins));
        return;
      }
      // A room given both by id and by name keeps its name.
      this.#rooms.set(id, { scope, name: typeof room === 'string' ? room : this.#rooms.get(id)?.name });
      if (typeof room === 'string') this.#names.set(`${scope}\0${room}`, id);
    });
  }

  #ready(): void {
    this.#state = 'ready';
    this.log.debug('logged in and joined; sending what waited');
    this.#release();
  }

  /** Requests that waited, in order, while ids are free. */
  #release(): void {
    while (this.#state === 'ready' && this.#held.length > 0 && this.#pending.size < EVENT_ID) {
      const { event, request } = this.#held.shift()!;
      this.#write(event, request);
    }
  }

  #write(event: TremoloEvent, request: Request): void {
    const own = event.meta.thingsdb as { correlation?: unknown } | undefined;
    const correlation = own?.correlation ?? randomUUID();
    let items: unknown[];
    if (request.kind === 'query') items = [request.scope, ...request.items];
    else {
      // The node accepts a room by name as well as by id: a name joined here goes as its id, any
      // other name as it is, for the node to look up (and answer -54 when it knows none).
      const room = typeof request.room === 'number' ? request.room : (this.#names.get(`${request.scope}\0${request.room}`) ?? request.room);
      items = [request.scope, room, request.event, ...request.args];
    }
    this.#send(request.type, items, event.origins, { kind: 'request', request: event, correlation });
  }

  #send(type: number, payload: unknown, origins: readonly Origin[], pending: Pending): void {
    while (this.#pending.has(this.#nextId)) this.#nextId = (this.#nextId + 1) % EVENT_ID;
    const id = this.#nextId;
    this.#nextId = (id + 1) % EVENT_ID;
    this.#pending.set(id, pending);
    this.out.send(createEvent(encodePayload(payload), packageMeta(id, type), origins));
  }

  #event(from: TremoloEvent, type: number, value: unknown): void {
    const v = (value ?? {}) as Record<string, unknown>;
    const meta = packageMeta(EVENT_ID, type, from.meta);
    const kind = ROOM_EVENTS.get(type);
    if (kind !== undefined) {
      const id = v.id as number;
      const room = this.#rooms.get(id);
      if (type === T.ON_ROOM_DELETE && room !== undefined) {
        this.#rooms.delete(id);
        if (room.name !== undefined) this.#names.delete(`${room.scope}\0${room.name}`);
      }
      const data = { type: kind, scope: room?.scope ?? null, room: id, ...(room?.name === undefined ? {} : { name: room.name }), ...(type === T.ON_ROOM_EMIT ? { event: v.event, args: v.args ?? [] } : {}) };
      return this.out.event(deriveEvent(from, data, meta));
    }
    if (type === T.ON_NODE_STATUS) return this.out.event(deriveEvent(from, typeof value === 'string' ? { type: 'node_status', status: value } : { type: 'node_status', node: v.id, status: v.status }, meta));
    if (type === T.ON_WARN) return this.out.event(deriveEvent(from, { type: 'warn', warn_code: v.warn_code, warn_msg: v.warn_msg }, meta));
    this.log.debug(`an event of unknown type ${type}; ignored`);
  }

  /** ThingsDB's RES_ERROR as an err event; `event` is the request it answers, or the answer itself. */
  #remoteError(event: TremoloEvent, error: { error_code?: unknown; error_msg?: unknown }, what: string, meta: Meta = event.meta): void {
    const code = Number(error.error_code);
    const message = `${this.alias}: ThingsDB refused ${what}: ${String(error.error_msg)} (${code}, ${errorName(code)})`;
    const data = { error: message, code: 'ERR_REMOTE', error_code: code, error_msg: error.error_msg, ...(Buffer.isBuffer(event.data) ? {} : { event: event.data }) };
    this.out.failure(createEvent(data, meta, event.origins, event.ingestNs));
  }

  #fail(event: TremoloEvent, code: string, why: string, thingsdb: Record<string, unknown> = {}): void {
    const meta = Object.keys(thingsdb).length === 0 ? event.meta : { ...event.meta, thingsdb };
    this.out.failure(createEvent({ error: `${this.alias}: ${why}`, code, event: event.data }, meta, event.origins, event.ingestNs));
  }
}
