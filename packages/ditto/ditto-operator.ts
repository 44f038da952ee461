/**
 * The `ditto` operator: Eclipse Ditto's WebSocket service behind a ws_server (codec `json`,
 * `subscriptions: { preset: 'ditto' }`) with the things kept in a `kv` connector. Ditto Protocol
 * messages in; responses out to the session that sent the request (by its peer), twin events and
 * live signals out to the sessions subscribed to them (by `meta.ws_server.topic`, the server
 * applies namespaces, filters and extraFields); kv commands out of `kv`, their answers back in.
 *
 * Commands on one thing run one at a time (read from kv, apply, write to kv, answer), so revisions
 * follow each other and conditional requests see the state the previous command left; commands on
 * different things interleave. Used by flows/ditto.json5 (`use: ['ditto']`).
 */
import { z } from 'zod';
import { defineOperator, deriveEvent, perEvent, type Meta, type Origin, type TremoloEvent } from 'tremolo';
import { errorResponse, invalidJson, isRecord, ProtocolError, readEnvelope, response, twinEvent, unknownTopic, type DittoError, type Envelope, type Json } from './ditto-protocol.js';
import { ACTIONS, applyCommand, changedPart, type Outcome, type Stored, type TwinCommand } from './ditto-things.js';

interface Pending {
  readonly id: number;
  readonly request: TremoloEvent;
  readonly envelope: Envelope;
  readonly command: TwinCommand;
  outcome?: Outcome;
  /** The thing as the command found it (a deleted thing's extra fields come from it). */
  before?: Stored | null;
  /** A live signal waiting for the thing, whose fields subscribers may ask for as extra fields. */
  readonly live?: (thing: Json | undefined) => TremoloEvent;
}

interface Waiting {
  readonly meta: Meta;
  readonly origin: string;
}

const originKey = (o: Origin): string => `${o.connector}:${o.stream}`;

/** Headers may come as JSON values or as text (`"false"`), as Ditto accepts both. */
const wantsResponse = (env: Envelope): boolean => env.headers['response-required'] !== false && env.headers['response-required'] !== 'false';

/** Live signals of each criterion go to the subscribers of this ws_server topic. */
const LIVE_TOPICS: Readonly<Record<string, string>> = { messages: 'messages', commands: 'live-commands', events: 'live-events' };

export default defineOperator({
  name: 'ditto',
  description: 'Eclipse Ditto’s WebSocket service: twin commands on things kept in a kv connector (out of `kv`, answers back in), twin events and live messages to subscribed sessions, responses to the sender.',
  config: z.strictObject({
    max_waiting_responses: z.number().int().positive().default(10_000).describe('live messages and commands waiting for their response (routed back by correlation-id); past this the oldest is forgotten'),
  }),
  outputs: () => ['out', 'kv'],
  create(config, ctx) {
    let nextId = 1;
    const pending = new Map<number, Pending>();
    /** Thing id → its commands, the first one in progress. */
    const queues = new Map<string, Pending[]>();
    /** Correlation-id of a live signal → the session waiting for its response. */
    const waiting = new Map<string, Waiting>();
    ctx.streamEnds?.subscribe((origin) => {
      const key = originKey(origin);
      for (const [cid, w] of waiting) if (w.origin === key) waiting.delete(cid);
    });

    const kv = (p: Pending, command: Json): void => ctx.emit('kv', deriveEvent(p.request, command, { ditto: { request: p.id } }));
    const begin = (p: Pending): void => {
      pending.set(p.id, p);
      kv(p, { get: { key: p.command.thingId } });
    };
    const enqueue = (p: Pending): void => {
      const queue = queues.get(p.command.thingId);
      if (queue !== undefined) queue.push(p);
      else {
        queues.set(p.command.thingId, [p]);
        begin(p);
      }
    };
    const finish = (p: Pending): void => {
      pending.delete(p.id);
      const queue = queues.get(p.command.thingId)!;
      queue.shift();
      if (queue.length === 0) queues.delete(p.command.thingId);
      else begin(queue[0]!);
    };

    const reply = (request: TremoloEvent, data: Json): TremoloEvent => deriveEvent(request, data, request.meta);
    const fail = (request: TremoloEvent, error: DittoError, env: Partial<Envelope>): TremoloEvent => reply(request, errorResponse(error, env.topic, env.correlationId));

    /** A change's event to every session subscribed to `events` for the thing's namespace, the one that made it aside. */
    const publish = (p: Pending, outcome: Outcome, after: Json | undefined, before: Json | undefined): TremoloEvent => {
      const e = outcome.event!;
      const { topic } = p.envelope;
      const data = twinEvent(p.envelope, e.action, e.path, e.value, e.revision);
      return deriveEvent(p.request, data, {
        ws_server: {
          topic: 'events',
          namespace: topic.namespace,
          subject: changedPart(p.command.thingId, e.path, e.value),
          extra_source: after ?? before,
          skip_origins: true,
          placeholders: {
            'topic:full': data.topic,
            'topic:namespace': topic.namespace,
            'topic:entityName': topic.name,
            'topic:group': 'things',
            'topic:channel': 'twin',
            'topic:criterion': 'events',
            'topic:action': e.action,
            'resource:type': 'thing',
            'resource:path': e.path,
            'thing:id': p.command.thingId,
            'thing:namespace': topic.namespace,
            'thing:name': topic.name,
          },
        },
      });
    };

    const conclude = (p: Pending, outcome: Outcome, before: Stored | null, emit: (e: TremoloEvent) => void): void => {
      if (outcome.error !== undefined) emit(fail(p.request, outcome.error, p.envelope));
      else if (wantsResponse(p.envelope)) emit(reply(p.request, response(p.envelope, outcome.status, outcome.value)));
      if (outcome.event !== undefined) emit(publish(p, outcome, outcome.store?.thing, before?.thing));
    };

    const fromKv = (event: TremoloEvent, emit: (e: TremoloEvent) => void): void => {
      const p = pending.get((event.meta.ditto as { request: number }).request);
      if (p === undefined) return;
      if (event.meta.kv === undefined || (isRecord(event.data) && typeof event.data.code === 'string' && event.data.connector !== undefined)) {
        // The store refused or failed: the command is not carried out.
        emit(fail(p.request, { status: 503, error: 'things:thing.unavailable', message: `The Thing with ID '${p.command.thingId}' is not available, please try again later.`, description: String((event.data as Json).error ?? '') }, p.envelope));
        finish(p);
        return;
      }
      if (p.outcome === undefined) {
        const stored = isRecord(event.data) && isRecord(event.data.thing) ? (event.data as unknown as Stored) : null;
        if (p.live !== undefined) {
          emit(p.live(stored?.thing));
          finish(p);
          return;
        }
        const outcome = applyCommand(stored, p.command);
        if (outcome.store === undefined) {
          conclude(p, outcome, stored, emit);
          finish(p);
          return;
        }
        p.outcome = outcome;
        p.before = stored;
        kv(p, outcome.store === null ? { delete: { key: p.command.thingId } } : { put: { key: p.command.thingId, value: outcome.store } });
        return;
      }
      conclude(p, p.outcome, p.before ?? null, emit);
      finish(p);
    };

    const live = (event: TremoloEvent, env: Envelope, emit: (e: TremoloEvent) => void): void => {
      const topic = LIVE_TOPICS[env.topic.criterion];
      if (topic === undefined) {
        emit(fail(event, unknownTopic(env.topicText, `the live channel has no criterion '${env.topic.criterion}'`), env));
        return;
      }
      const data = { ...(event.data as Json), headers: env.headers };
      if (env.status !== undefined) {
        // A response to a live message or command: back to the session that sent it, and only there.
        const to = waiting.get(env.correlationId);
        if (to === undefined) return;
        waiting.delete(env.correlationId);
        emit(deriveEvent(event, data, to.meta));
        return;
      }
      if (wantsResponse(env) && event.origins[0] !== undefined) {
        if (waiting.size >= config.max_waiting_responses) waiting.delete(waiting.keys().next().value!);
        waiting.set(env.correlationId, { meta: event.meta, origin: originKey(event.origins[0]) });
      }
      const thingId = `${env.topic.namespace}:${env.topic.name}`;
      const signal = (thing: Json | undefined): TremoloEvent =>
        deriveEvent(event, data, {
          ws_server: {
            topic,
            namespace: env.topic.namespace,
            subject: env.topic.criterion === 'events' ? changedPart(thingId, env.path, env.value) : { thingId },
            extra_source: thing,
            skip_origins: true,
            placeholders: { 'topic:namespace': env.topic.namespace, 'topic:entityName': env.topic.name, 'topic:channel': 'live', 'topic:criterion': env.topic.criterion, 'topic:action': env.topic.action, 'topic:subject': env.topic.action, 'resource:path': env.path, 'thing:id': thingId },
          },
        });
      // The thing is read first, in turn with the commands on it, for the subscribers' extra fields.
      enqueue({ id: nextId++, request: event, envelope: env, command: { thingId, action: 'live', path: env.path, value: env.value, headers: env.headers }, live: signal });
    };

    return perEvent(ctx, (event, emit) => {
      if (isRecord(event.meta.ditto) && typeof event.meta.ditto.request === 'number') return fromKv(event, emit);
      if (isRecord(event.data) && event.data.code === 'ERR_CODEC_DECODE' && typeof event.data.connector === 'string') {
        emit(fail(event, invalidJson(`Failed to parse JSON string '${String(event.data.excerpt ?? '')}'.`), {}));
        return;
      }
      if (isRecord(event.data) && typeof event.data.code === 'string' && typeof event.data.error === 'string' && event.data.connector !== undefined) {
        ctx.log.debug(`ditto: ${event.data.error}`);
        return;
      }
      let env: Envelope;
      try {
        env = readEnvelope(event.data);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        emit(fail(event, err.ditto, err.partial));
        return;
      }
      const { topic } = env;
      if (topic.group !== 'things') {
        emit(fail(event, unknownTopic(env.topicText, `the group '${topic.group}' is not supported here (things only)`), env));
        return;
      }
      if (topic.channel === 'live') return live(event, env, emit);
      if (topic.channel !== 'twin' || topic.criterion !== 'commands' || !(ACTIONS as readonly string[]).includes(topic.action)) {
        emit(fail(event, unknownTopic(env.topicText, `a twin message must be a command (${ACTIONS.join(', ')})`), env));
        return;
      }
      const command: TwinCommand = { thingId: `${topic.namespace}:${topic.name}`, action: topic.action, path: env.path, value: env.value, headers: env.headers };
      enqueue({ id: nextId++, request: event, envelope: env, command });
    });
  },
});
