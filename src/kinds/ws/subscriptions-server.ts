import type WebSocket from 'ws';
import { isRecord } from '../../lang/expr/values.js';
import { compileRql, type RqlFilter } from '../../lang/rql/index.js';
import { reason } from '../../sdk/errors.js';
import { deriveEvent, type TremoloEvent } from '../../sdk/event.js';
import type { Logger } from '../../sdk/logger.js';
import type { Identity } from '../../sdk/auth/authenticate.js';
import type { TokenVerifier } from '../../sdk/auth/jwt.js';
import { controlError, controlSpec, ControlMessages, type ControlMessage, type SubscriptionsConfig } from './control-messages.js';
import { refreshIdentity } from './jwt-refresh.js';
import { parseFieldSelector, type FieldSelector } from './subscriptions-fields.js';
import { SubscriptionIndex } from './subscriptions.js';

/** What subscriptions need of a server's connection. */
export interface Subscriber {
  readonly ws: WebSocket;
  readonly key: string;
  readonly stream: { readonly id: number };
  readonly identity: Identity | undefined;
  reauthenticate(identity: Identity): void;
}

interface Published {
  readonly topic?: unknown;
  readonly namespace?: unknown;
  readonly subject?: unknown;
  readonly extra_source?: unknown;
  readonly placeholders?: unknown;
  readonly skip_origins?: unknown;
}

/**
 * A ws_server's subscriptions: control messages in (answered on the connection itself, before any
 * codec, as they are no events), events with a topic out to the subscribers that match.
 */
export class ServerSubscriptions<C extends Subscriber> {
  readonly index = new SubscriptionIndex<C>();
  readonly #control: ControlMessages;

  constructor(
    config: SubscriptionsConfig,
    private readonly connector: number,
    private readonly verifier: () => TokenVerifier | undefined,
    private readonly log: Logger,
  ) {
    this.#control = new ControlMessages(controlSpec(config));
  }

  /** True when the frame was a control message and has been handled: it is no event. */
  receive(conn: C, data: Buffer): boolean {
    if (!this.#control.candidate(data)) return false;
    const message = this.#control.parse(data.toString('utf8'));
    if (message === undefined) return false;
    if (message.kind === 'token') {
      // A fault in the check itself (not a bad token: that is a refusal) ends the session as an internal error.
      this.#refresh(conn, message.token).catch((err: unknown) => {
        this.log.error(`connection ${conn.key}: token refresh failed: ${reason(err)}; closing it`);
        conn.ws.close(1011, 'token refresh failed');
      });
    }
    else if (message.kind === 'stop') {
      this.index.unsubscribe(conn, message.topic.topic);
      this.#ack(conn, message.identifier);
    } else this.#start(conn, message);
    return true;
  }

  #start(conn: C, message: Extract<ControlMessage, { kind: 'start' }>): void {
    let filter: RqlFilter | undefined;
    let extraFields: FieldSelector | undefined;
    try {
      filter = message.filter === undefined ? undefined : compileRql(message.filter);
    } catch (err) {
      this.#error(conn, 'rql.expression.invalid', `Invalid RQL expression: ${reason(err)}`, `The filter ${JSON.stringify(message.filter)} of ${message.identifier} is not valid RQL.`);
      return;
    }
    try {
      extraFields = message.extraFields === undefined ? undefined : parseFieldSelector(message.extraFields);
    } catch (err) {
      this.#error(conn, 'json.fieldselector.invalid', `The field selector ${JSON.stringify(message.extraFields)} is not valid: ${reason(err)}`, `The extraFields of ${message.identifier} must be comma-separated pointers, with sub-selections in parentheses.`);
      return;
    }
    this.index.subscribe({ conn, topic: message.topic.topic, namespaces: message.namespaces, filter, extraFields });
    this.#ack(conn, message.identifier);
  }

  async #refresh(conn: C, token: string | undefined): Promise<void> {
    const result = await refreshIdentity(this.verifier(), conn.identity, token);
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (!result.ok) {
      this.log.info(`connection ${conn.key} closed: token refresh refused: ${result.reason}`);
      conn.ws.close(1008, 'token refresh refused');
      return;
    }
    conn.reauthenticate(result.identity);
  }

  #ack(conn: C, identifier: string): void {
    const suffix = this.#control.spec.ackSuffix;
    if (suffix !== null) conn.ws.send(`${identifier}${suffix}`);
  }

  #error(conn: C, error: string, message: string, description: string): void {
    conn.ws.send(controlError(this.#control.spec, 400, error, message, description));
  }

  /** Undefined when the event names no topic (it is routed as a reply); else where it goes, each with its own event. */
  publish(event: TremoloEvent): { conn: C; event: TremoloEvent }[] | undefined {
    const own = event.meta.ws_server as Published | undefined;
    const topic = own?.topic;
    if (typeof topic !== 'string') return undefined;
    const skip = own!.skip_origins === true ? this.#senders(event) : undefined;
    const deliveries = this.index.deliveries(
      {
        topic,
        namespace: typeof own!.namespace === 'string' ? own!.namespace : undefined,
        subject: own!.subject === undefined ? event.data : own!.subject,
        extraSource: own!.extra_source,
        placeholders: isRecord(own!.placeholders) ? own!.placeholders : undefined,
      },
      skip === undefined ? undefined : (conn) => skip.has(conn.stream.id),
    );
    const key = this.#control.spec.extraKey;
    return deliveries.map(({ conn, extra }) => ({
      conn,
      event: extra === undefined || !isRecord(event.data) ? event : deriveEvent(event, { ...event.data, [key]: extra }),
    }));
  }

  #senders(event: TremoloEvent): Set<number> {
    const ids = new Set<number>();
    for (const o of event.origins) if (o.connector === this.connector) ids.add(o.stream);
    return ids;
  }

  closed(conn: C): void {
    this.index.remove(conn);
  }
}
