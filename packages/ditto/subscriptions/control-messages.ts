import { z } from 'zod';

/**
 * Text messages that set a connection's subscriptions instead of becoming events: Ditto's
 * `START-SEND-EVENTS?namespaces=a,b&filter=gt(attributes/counter,42)&extraFields=attributes`,
 * `STOP-SEND-EVENTS`, `JWT-TOKEN?jwtToken=...`. The identifiers are configurable; the preset,
 * `"ditto"` unless set to `"none"`, ships Ditto's.
 */
const TopicSchema = z.strictObject({
  topic: z.string().min(1).describe('the topic events name in meta.ws_server.topic to reach the subscribers'),
  start: z.string().min(1).describe('the message that subscribes, with optional parameters ?namespaces=a,b&filter=RQL&extraFields=selector'),
  stop: z.string().min(1).describe('the message that unsubscribes'),
  filter: z.boolean().default(true).describe('whether a filter parameter is accepted (else it is ignored, as Ditto does for messages)'),
});

export const SubscriptionsSchema = z
  .strictObject({
    preset: z
      .enum(['ditto', 'none'])
      .default('ditto')
      .describe('"ditto" (the default): Eclipse Ditto’s control messages: START-SEND-EVENTS (topic events), START-SEND-MESSAGES (messages), START-SEND-LIVE-COMMANDS (live-commands), START-SEND-LIVE-EVENTS (live-events), START-SEND-POLICY-ANNOUNCEMENTS (policy-announcements), each with its STOP-, answered with ":ACK"; JWT-TOKEN?jwtToken= refreshes the session’s token; extra fields go into "extra"; errors are Ditto error responses. "none": only the topics and messages configured here, errors as { error, message }'),
    topics: z
      .array(TopicSchema)
      .optional()
      .describe('the topics and their control messages, [{ topic, start, stop, filter }] (filter: whether a filter parameter is accepted, default true); default: the preset’s'),
    ack_suffix: z.string().nullable().optional().describe('the answer to a control message is the message’s identifier followed by this (Ditto: ":ACK"); null: no answer'),
    token_refresh: z
      .strictObject({
        message: z.string().min(1).describe('the identifier (Ditto: JWT-TOKEN)'),
        param: z.string().min(1).describe('the parameter holding the token (Ditto: jwtToken)'),
      })
      .nullable()
      .optional()
      .describe('a message that replaces the session’s token: valid and for the same subject, the session lives until its exp; otherwise the session is closed with 1008'),
    extra_key: z.string().min(1).optional().describe('the field of a delivered event that holds the extra fields of the subscription (Ditto: "extra")'),
  })
  .prefault({})
  .describe(
    'per-connection subscriptions set by control messages. An event sent to the server’s `in` with `meta.ws_server.topic` goes to every connection subscribed to that topic whose namespaces hold `meta.ws_server.namespace` and whose RQL filter holds for `meta.ws_server.subject` (default: the event) together with its extra fields, selected from `meta.ws_server.extra_source` and added to the event (a record) under extra_key; `meta.ws_server.placeholders` gives the RQL placeholders; `meta.ws_server.skip_origins: true` leaves out the connections the event came from. Nobody subscribed: the event goes nowhere, without an error',
  );
export type SubscriptionsConfig = z.output<typeof SubscriptionsSchema>;

export interface ControlTopic {
  readonly topic: string;
  readonly start: string;
  readonly stop: string;
  readonly filter: boolean;
}

/** The control messages in force, with Ditto's filled in for what the preset leaves unset. */
export interface ControlSpec {
  readonly topics: readonly ControlTopic[];
  readonly ackSuffix: string | null;
  readonly tokenRefresh: { readonly message: string; readonly param: string } | null;
  readonly extraKey: string;
  /** Errors in Ditto's format (the preset), else `{ error, message }`. */
  readonly dittoErrors: boolean;
}

const DITTO_TOPICS: readonly ControlTopic[] = [
  { topic: 'events', start: 'START-SEND-EVENTS', stop: 'STOP-SEND-EVENTS', filter: true },
  { topic: 'messages', start: 'START-SEND-MESSAGES', stop: 'STOP-SEND-MESSAGES', filter: false },
  { topic: 'live-commands', start: 'START-SEND-LIVE-COMMANDS', stop: 'STOP-SEND-LIVE-COMMANDS', filter: false },
  { topic: 'live-events', start: 'START-SEND-LIVE-EVENTS', stop: 'STOP-SEND-LIVE-EVENTS', filter: true },
  { topic: 'policy-announcements', start: 'START-SEND-POLICY-ANNOUNCEMENTS', stop: 'STOP-SEND-POLICY-ANNOUNCEMENTS', filter: false },
];

export function controlSpec(config: SubscriptionsConfig): ControlSpec {
  const ditto = config.preset === 'ditto';
  return {
    topics: config.topics ?? (ditto ? DITTO_TOPICS : []),
    ackSuffix: config.ack_suffix !== undefined ? config.ack_suffix : ditto ? ':ACK' : null,
    tokenRefresh: config.token_refresh !== undefined ? config.token_refresh : ditto ? { message: 'JWT-TOKEN', param: 'jwtToken' } : null,
    extraKey: config.extra_key ?? 'extra',
    dittoErrors: ditto,
  };
}

export type ControlMessage =
  | {
      readonly kind: 'start';
      readonly identifier: string;
      readonly topic: ControlTopic;
      readonly namespaces: readonly string[] | undefined;
      readonly filter: string | undefined;
      readonly extraFields: string | undefined;
    }
  | { readonly kind: 'stop'; readonly identifier: string; readonly topic: ControlTopic }
  | { readonly kind: 'token'; readonly identifier: string; readonly token: string | undefined };

/**
 * Recognises control messages in the text frames of a connection. `candidate` is the cheap test
 * made on every frame (its first byte); `parse` reads the identifier (matched as a prefix, longest
 * first, as Ditto does) and the URL-encoded parameters after it.
 */
export class ControlMessages {
  readonly #identifiers: { id: string; make: (params: URLSearchParams) => ControlMessage }[] = [];
  readonly #firstBytes = new Set<number>();

  constructor(readonly spec: ControlSpec) {
    for (const topic of spec.topics) {
      this.#add(topic.start, (p) => ({
        kind: 'start',
        identifier: topic.start,
        topic,
        namespaces: list(p.get('namespaces')),
        filter: topic.filter ? nonEmpty(p.get('filter')) : undefined,
        extraFields: nonEmpty(p.get('extraFields')),
      }));
      this.#add(topic.stop, () => ({ kind: 'stop', identifier: topic.stop, topic }));
    }
    const refresh = spec.tokenRefresh;
    if (refresh !== null) this.#add(refresh.message, (p) => ({ kind: 'token', identifier: refresh.message, token: nonEmpty(p.get(refresh.param)) }));
    this.#identifiers.sort((a, b) => b.id.length - a.id.length);
  }

  #add(id: string, make: (params: URLSearchParams) => ControlMessage): void {
    this.#identifiers.push({ id, make });
    this.#firstBytes.add(Buffer.from(id)[0]!);
  }

  /** False for most frames at the cost of one lookup: those that cannot start with an identifier. */
  candidate(data: Buffer): boolean {
    return data.length > 0 && this.#firstBytes.has(data[0]!);
  }

  parse(text: string): ControlMessage | undefined {
    for (const { id, make } of this.#identifiers) {
      if (!text.startsWith(id)) continue;
      const rest = text.slice(id.length).trim();
      return make(new URLSearchParams(rest.startsWith('?') ? rest.slice(1) : ''));
    }
    return undefined;
  }
}

const nonEmpty = (value: string | null): string | undefined => (value === null || value === '' ? undefined : value);

function list(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length === 0 ? undefined : items;
}

/** The error answering a control message that cannot be carried out (an invalid filter), in Ditto's format or plain. */
export function controlError(spec: ControlSpec, status: number, error: string, message: string, description: string): string {
  if (!spec.dittoErrors) return JSON.stringify({ error, message });
  return JSON.stringify({
    topic: 'unknown/unknown/things/twin/errors',
    headers: { 'content-type': 'application/json', 'response-required': false },
    path: '/',
    value: { status, error, message, description },
    status,
  });
}
