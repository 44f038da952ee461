/**
 * The `ditto_subscriptions` server extension: Eclipse Ditto's subscriptions over a ws_server's
 * connections. Control messages in (START-SEND-EVENTS?namespaces=..&filter=..&extraFields=..,
 * STOP-SEND-..., JWT-TOKEN?jwtToken=..), answered on the connection itself before any codec, as
 * they are no events; events with a topic out to the subscribers that match.
 *
 *   ws: { type: 'ws_server', codec: 'json', extensions: ['ditto_subscriptions'], config: {...} }
 *
 * Built on tremolo's public server-extension interface: the server keeps its connections, their
 * authentication and its slow-consumer policy; this keeps the subscriptions.
 */
import { deriveEvent, defineServerExtension, reason, type Origin, type ServerSession, type SessionDelivery, type TremoloEvent } from 'tremolo';
import { isRecord } from './ditto-protocol.js';
import { compileRql, type RqlFilter } from './rql/index.js';
import { controlError, controlSpec, ControlMessages, SubscriptionsSchema, type ControlMessage } from './subscriptions/control-messages.js';
import { parseFieldSelector, type FieldSelector } from './subscriptions/field-selector.js';
import { SubscriptionIndex } from './subscriptions/subscription-index.js';

/** What a publication carries in the server's metadata (`meta.ws_server`). */
interface Published {
  readonly topic?: unknown;
  readonly namespace?: unknown;
  readonly subject?: unknown;
  readonly extra_source?: unknown;
  readonly placeholders?: unknown;
  readonly skip_origins?: unknown;
}

export default defineServerExtension({
  name: 'ditto_subscriptions',
  description:
    'Eclipse Ditto’s subscriptions on a ws_server: control messages (START-SEND-EVENTS and the other START-/STOP- messages, answered with ":ACK"; JWT-TOKEN replaces the session’s token) set each connection’s subscriptions, and an event sent to the server with a topic goes to the connections subscribed to it whose namespaces and RQL filter match.',
  config: SubscriptionsSchema,
  metadata:
    'On the server’s `in`: `meta.ws_server.topic` sends the event to the connections subscribed to that topic instead of routing it as a reply, with `namespace`, `subject` (what filters see; default: the event), `extra_source` (where extra fields are selected from), `placeholders` (the RQL placeholders’ values) and `skip_origins: true` (leave out the connections the event came from).',
  create(config, ctx) {
    const control = new ControlMessages(controlSpec(config));
    const index = new SubscriptionIndex<ServerSession>();

    const ack = (session: ServerSession, identifier: string): void => {
      const suffix = control.spec.ackSuffix;
      if (suffix !== null) session.sendText(`${identifier}${suffix}`);
    };
    const refuse = (session: ServerSession, error: string, message: string, description: string): void =>
      session.sendText(controlError(control.spec, 400, error, message, description));

    const start = (session: ServerSession, message: Extract<ControlMessage, { kind: 'start' }>): void => {
      let filter: RqlFilter | undefined;
      let extraFields: FieldSelector | undefined;
      try {
        filter = message.filter === undefined ? undefined : compileRql(message.filter);
      } catch (err) {
        refuse(session, 'rql.expression.invalid', `Invalid RQL expression: ${reason(err)}`, `The filter ${JSON.stringify(message.filter)} of ${message.identifier} is not valid RQL.`);
        return;
      }
      try {
        extraFields = message.extraFields === undefined ? undefined : parseFieldSelector(message.extraFields);
      } catch (err) {
        refuse(session, 'json.fieldselector.invalid', `The field selector ${JSON.stringify(message.extraFields)} is not valid: ${reason(err)}`, `The extraFields of ${message.identifier} must be comma-separated pointers, with sub-selections in parentheses.`);
        return;
      }
      index.subscribe({ conn: session, topic: message.topic.topic, namespaces: message.namespaces, filter, extraFields });
      ack(session, message.identifier);
    };

    const refresh = async (session: ServerSession, token: string | undefined): Promise<void> => {
      const refused = await session.reauthenticate(token);
      if (refused === undefined || !session.open) return;
      ctx.log.info(`connection ${session.key} closed: token refresh refused: ${refused}`);
      session.close(1008, 'token refresh refused');
    };

    const senders = (origins: readonly Origin[]): Set<number> => {
      const ids = new Set<number>();
      for (const o of origins) if (o.connector === ctx.id) ids.add(o.stream);
      return ids;
    };

    return {
      message(session, data) {
        if (!control.candidate(data)) return false;
        const message = control.parse(data.toString('utf8'));
        if (message === undefined) return false;
        if (message.kind === 'token') {
          // A fault in the check itself (not a bad token: that is a refusal) ends the session as an internal error.
          refresh(session, message.token).catch((err: unknown) => {
            ctx.log.error(`connection ${session.key}: token refresh failed: ${reason(err)}; closing it`);
            session.close(1011, 'token refresh failed');
          });
        } else if (message.kind === 'stop') {
          index.unsubscribe(session, message.topic.topic);
          ack(session, message.identifier);
        } else start(session, message);
        return true;
      },

      closed(session) {
        index.remove(session);
      },

      /** Undefined when the event names no topic (the server routes it as a reply); else where it goes, each with its own event. */
      route(event: TremoloEvent): SessionDelivery[] | undefined {
        const own = event.meta[ctx.kind] as Published | undefined;
        const topic = own?.topic;
        if (typeof topic !== 'string') return undefined;
        const skip = own!.skip_origins === true ? senders(event.origins) : undefined;
        const deliveries = index.deliveries(
          {
            topic,
            namespace: typeof own!.namespace === 'string' ? own!.namespace : undefined,
            subject: own!.subject === undefined ? event.data : own!.subject,
            extraSource: own!.extra_source,
            placeholders: isRecord(own!.placeholders) ? own!.placeholders : undefined,
          },
          skip === undefined ? undefined : (session) => skip.has(session.stream),
        );
        const key = control.spec.extraKey;
        return deliveries.map(({ conn, extra }) => ({
          session: conn,
          event: extra === undefined || !isRecord(event.data) ? event : deriveEvent(event, { ...event.data, [key]: extra }),
        }));
      },
    };
  },
});
