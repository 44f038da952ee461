/**
 * The `thingsdb_endpoint` operator: a ThingsDB node's WebSocket endpoint behind a ws_server (codec
 * `binary`, postprocessor `thingsdb`). Each message in is one package; answers and room events go
 * out of `out` to the connections they are for; QUERY and RUN go out of `query` as
 * `{query, scope, vars?}` / `{run, scope, args}` with `meta.thingsdb = {id, type, user, store}`, for a
 * pipeline that answers them (the example: thingsdb_collection, then thingsdb_answer); `store` names
 * the endpoint's collections and rooms (thingsdb-store.ts) for an answerer that acts on them.
 * Loaded with `use: ['thingsdb-endpoint']` (packages/thingsdb/thingsdb-endpoint.ts).
 */
import { Observable } from 'rxjs';
import { z } from 'zod';
import { createEvent, defineOperator, type TremoloEvent } from 'tremolo';
import { Credentials } from './thingsdb-credentials.js';
import { EndpointNode, type RoomEmit } from './thingsdb-node.js';
import { collectionOf, parseScope } from './thingsdb-scope.js';
import { register, release, Store } from './thingsdb-store.js';


const RoomSeed = z
  .strictObject({
    scope: z.string().describe('the collection scope, e.g. //stuff'),
    id: z.number().int().min(1).optional().describe('its id (default: the next free one)'),
    name: z.string().min(1).optional().describe('its name, for JOIN and LEAVE by name'),
  })
  .refine((s) => s.id !== undefined || s.name !== undefined, { message: 'a room needs an id, a name or both' });

const Config = z.strictObject({
  users: z
    .record(z.string(), z.string())
    .nullish()
    .describe('user → password in plain text; default { admin: "pass" } (a fresh ThingsDB node) unless users_file is given'),
  users_file: z.string().nullish().describe('a file of name:hash lines (scrypt or bcrypt, as `tremolo hash-password` writes them)'),
  tokens: z.record(z.string(), z.string()).nullish().describe('token → user, for AUTH with a token'),
  collections: z.array(z.string()).default(['stuff']).describe('the collections that exist (a fresh node has `stuff`)'),
  rooms: z.array(RoomSeed).default([]).describe('rooms that exist from the start (in ThingsDB a query makes them: room())'),
  create_rooms: z
    .boolean()
    .default(false)
    .describe('a JOIN by a name no room has makes that room, so clients meet by name without a query; by default it is answered nil in its place, as by the node'),
  node_id: z.number().int().min(0).max(63).default(0).describe('the id in ON_NODE_STATUS'),
  max_size: z
    .number()
    .int()
    .min(0)
    .max(0x40000000)
    .default(16 * 1024 * 1024)
    .describe('largest package payload in bytes (ThingsDB allows 1 GiB); a larger one closes the connection'),
  max_size_before_auth: z
    .number()
    .int()
    .min(64)
    .max(0x40000000)
    .default(4096)
    .describe(
      'largest package payload in bytes before the connection is authenticated (default 4096: an AUTH needs a few dozen). A larger one is not decoded: an AUTH gets -53, another request -56, and the connection is closed. While an AUTH is checked, at most 64 more packages wait; one more closes the connection too',
    ),
});

/** A room event from the bus, checked: a malformed one is an error of this event, not a crash. */
function roomEmit(data: unknown): RoomEmit {
  const e = data as Partial<RoomEmit> | null;
  if (e === null || typeof e !== 'object' || typeof e.collection !== 'string' || (typeof e.room !== 'string' && typeof e.room !== 'number') || typeof e.event !== 'string' || !Array.isArray(e.args)) {
    throw new Error('a room event from the bus must be { collection, room, event, args }');
  }
  return e as RoomEmit;
}

export default defineOperator({
  name: 'thingsdb_endpoint',
  description: 'A ThingsDB node’s WebSocket endpoint: AUTH, PING, rooms (JOIN, LEAVE, EMIT, EMIT_PEER) per connection; QUERY and RUN out of `query`; room events for other instances out of `bus`, and theirs in from a nats_subscriber.',
  config: Config,
  outputs: () => ['out', 'query', 'bus'],
  create(config, ctx) {
    const close = ctx.closeOrigin?.bind(ctx);
    if (close === undefined) throw new Error('thingsdb_endpoint needs ctx.closeOrigin, to close a connection that sends a malformed package');
    const credentials = new Credentials(config);
    const collections = new Set(config.collections);
    const seeds = config.rooms.map((seed) => ({ collection: collectionOf(parseScope(seed.scope), collections), id: seed.id, name: seed.name }));
    return (source) =>
      new Observable<TremoloEvent>((subscriber) => {
        // The node's state, shared by name with the pipeline that answers queries (thingsdb-store.ts).
        const store = new Store(collections, seeds);
        const handle = register(store);
        const node = new EndpointNode(
          { id: config.node_id, maxSize: config.max_size, maxSizeBeforeAuth: config.max_size_before_auth, createRooms: config.create_rooms },
          credentials,
          store,
          handle,
          {
            send: (event) => subscriber.next(event),
            query: (event) => ctx.emit('query', event),
            close,
            bus: (emit) => ctx.emit('bus', createEvent(emit, {}, [])),
          },
          ctx.log,
        );
        const ends = ctx.streamEnds?.subscribe((origin) => node.closed(origin));
        const input = source.subscribe({
          next(event) {
            try {
              // From the bus (another instance's room event), not from a connection.
              if (event.meta.nats !== undefined) node.fromBus(roomEmit(event.data));
              else node.receive(event);
            } catch (err) {
              ctx.error(event, 'ERR_OPERATOR_FAILED', err instanceof Error ? err.message : String(err));
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete() {
            node.shutdown();
            subscriber.complete();
          },
        });
        return () => {
          input.unsubscribe();
          ends?.unsubscribe();
          release(handle);
        };
      });
  },
});
