/**
 * The `thingsdb_client` operator: ThingsDB's client protocol over a ws_client (thingsdb::client in
 * packages/thingsdb/thingsdb.json5), linked both ways: the connector's `out` into this operator's input,
 * its `send` port into the connector. Requests (see thingsdb-request.ts) come in on the same input;
 * answers go out of `out`, room and node events out of `events` as `{type, scope, room, name?,
 * event?, args?}`, ThingsDB's errors out of `err` with its `error_code` and `error_msg`. It logs in
 * and joins its rooms on every connection the connector makes, before any request goes out.
 * Used by flows/thingsdb-listen.json5 (`use: ['thingsdb-client']`).
 */
import { Observable } from 'rxjs';
import { z } from 'zod';
import { defineOperator, type Meta, type OperatorContext, type Origin, type TremoloEvent } from 'tremolo';
import { ClientSession, type RoomRef } from './thingsdb-session.js';

/** `ctx.streamStarts` arrived with the API this operator asked for; older runtimes lack it. */
interface StreamStart {
  readonly origin: Origin;
  readonly connector: string;
  readonly meta: Meta;
}
type Context = OperatorContext & { readonly streamStarts?: Observable<StreamStart> };

const Room = z.union([z.string().min(1), z.number().int().min(0)]);

const Config = z.strictObject({
  connector: z.string().default('thingsdb').describe('the alias of the ws_client this operator talks through'),
  user: z.string().default('admin'),
  password: z.string().default('pass'),
  token: z.string().nullish().describe('log in with this token instead of user and password (null or empty: not)'),
  scope: z.string().default('//stuff').describe('the scope of requests that name none, and of rooms given as a list'),
  rooms: z
    .union([z.array(Room), z.record(z.string(), z.array(Room))])
    .default([])
    .describe('rooms to join on every connection, by id or name: a list (in scope) or scope → list'),
  bytes: z
    .enum(['bytes', 'base64'])
    .default('bytes')
    .describe('byte strings in answers and events: as bytes, or as base64 text (for JSON output: ThingsDB’s JSON has no bytes, its language converts them with base64)'),
  max_queued: z.number().int().min(0).default(1000).describe('requests that may wait for a connection; more go to err (ERR_QUEUE_FULL)'),
});

export default defineOperator({
  name: 'thingsdb_client',
  description: 'ThingsDB’s client protocol over a ws_client: logs in and joins rooms on every connection; requests in, answers out, room events out of `events`.',
  config: Config,
  outputs: () => ['out', 'events', 'send', 'err'],
  create(config, context) {
    const ctx = context as Context;
    const starts = ctx.streamStarts;
    const ends = ctx.streamEnds;
    if (starts === undefined || ends === undefined) throw new Error('thingsdb_client needs ctx.streamStarts and ctx.streamEnds, to log in on every connection');
    const rooms = new Map<string, readonly RoomRef[]>(Array.isArray(config.rooms) ? (config.rooms.length > 0 ? [[config.scope, config.rooms]] : []) : Object.entries(config.rooms).filter(([, r]) => r.length > 0));
    const settings = {
      auth: config.token != null && config.token !== '' ? config.token : ([config.user, config.password] as const),
      scope: config.scope,
      rooms,
      maxQueued: config.max_queued,
      bytes: config.bytes,
    };
    return (source) =>
      new Observable<TremoloEvent>((subscriber) => {
        const session = new ClientSession(
          settings,
          {
            answer: (event) => subscriber.next(event),
            event: (event) => ctx.emit('events', event),
            send: (event) => ctx.emit('send', event),
            failure: (event) => ctx.emit('err', event),
          },
          ctx.log,
          ctx.alias,
        );
        const opened = starts.subscribe((start) => {
          if (start.connector === config.connector) session.connected(start.origin);
        });
        const closed = ends.subscribe((origin) => session.disconnected(origin));
        const input = source.subscribe({
          next(event) {
            try {
              if (session.isPackage(event)) session.receive(event);
              else session.request(event);
            } catch (err) {
              ctx.error(event, 'ERR_OPERATOR_FAILED', err instanceof Error ? err.message : String(err));
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        });
        return () => {
          input.unsubscribe();
          opened.unsubscribe();
          closed.unsubscribe();
        };
      });
  },
});
