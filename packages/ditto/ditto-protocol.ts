/**
 * The Ditto Protocol's envelope: reading a message sent over the WebSocket (topic, headers, path,
 * value), and writing responses, events and errors in Ditto's format. Used by packages/ditto/ditto-operator.ts.
 */
import { randomUUID } from 'node:crypto';

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** `{namespace}/{entityName}/{group}/{channel}/{criterion}/{action}`; a message's subject may hold slashes. */
export interface Topic {
  readonly namespace: string;
  readonly name: string;
  readonly group: string;
  readonly channel: string;
  readonly criterion: string;
  readonly action: string;
}

export interface Envelope {
  readonly topic: Topic;
  readonly topicText: string;
  /** Header names lowercased: Ditto's headers are case-insensitive. */
  readonly headers: Json;
  readonly correlationId: string;
  readonly path: string;
  readonly value: unknown;
  readonly status: number | undefined;
}

export interface DittoError {
  readonly status: number;
  readonly error: string;
  readonly message: string;
  readonly description?: string;
}

export class ProtocolError extends Error {
  constructor(
    readonly ditto: DittoError,
    /** What is known of the message, for the error's topic and correlation-id. */
    readonly partial: { topic?: Topic; correlationId?: string },
  ) {
    super(ditto.message);
  }
}

export const invalidJson = (message: string): DittoError => ({
  status: 400,
  error: 'json.format.invalid',
  message,
  description: 'Check if the JSON was valid (e.g. on https://jsonlint.com) and if it was in required format.',
});

/** Reads a decoded message; throws ProtocolError for what is not a Ditto Protocol message. */
export function readEnvelope(data: unknown): Envelope {
  if (!isRecord(data)) throw new ProtocolError(invalidJson(`The message must be a JSON object, received ${describe(data)}.`), {});
  const headers: Json = {};
  if (data.headers !== undefined) {
    if (!isRecord(data.headers)) throw new ProtocolError(invalidJson(`"headers" must be a JSON object, received ${describe(data.headers)}.`), {});
    for (const [k, v] of Object.entries(data.headers)) headers[k.toLowerCase()] = v;
  }
  const given = headers['correlation-id'];
  const correlationId = typeof given === 'string' && given !== '' ? given : randomUUID();
  headers['correlation-id'] = correlationId;
  if (typeof data.topic !== 'string') throw new ProtocolError(missing('topic', data.topic), { correlationId });
  const topic = parseTopic(data.topic);
  if (topic === undefined) throw new ProtocolError(unknownTopic(data.topic), { correlationId });
  if (typeof data.path !== 'string') throw new ProtocolError(missing('path', data.path), { topic, correlationId });
  const status = typeof data.status === 'number' ? data.status : undefined;
  return { topic, topicText: data.topic, headers, correlationId, path: data.path === '' ? '/' : data.path, value: data.value, status };
}

function missing(field: string, got: unknown): DittoError {
  return got === undefined
    ? { status: 400, error: 'json.field.missing', message: `JSON did not include required </${field}> field!`, description: 'Check if all required JSON fields were set.' }
    : invalidJson(`"${field}" must be a string, received ${describe(got)}.`);
}

export function unknownTopic(text: string, why = 'it is not {namespace}/{name}/things/{twin|live}/{criterion}/{action}'): DittoError {
  return {
    status: 400,
    error: 'things.protocol.adapter:unknown.topicpath',
    message: `The topic path '${text}' is not supported: ${why}.`,
    description: 'Check if the topic path is correct.',
  };
}

export function parseTopic(text: string): Topic | undefined {
  const parts = text.split('/');
  if (parts.length < 5) return undefined;
  const [namespace, name, group, channel, criterion, ...rest] = parts as [string, string, string, string, string, ...string[]];
  if (namespace === '' || name === '' || group === '' || channel === '' || criterion === '') return undefined;
  return { namespace, name, group, channel, criterion, action: rest.join('/') };
}

const describe = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v).slice(0, 64));

/** A response: the request's topic and path with a status, the correlation-id preserved. */
export function response(req: Envelope, status: number, value?: unknown): Json {
  return {
    topic: req.topicText,
    headers: responseHeaders(req, value !== undefined),
    path: req.path,
    ...(value === undefined ? {} : { value }),
    status,
  };
}

/** An error response: topic `{ns}/{name}/things/{channel}/errors`, path "/", the error as value. */
export function errorResponse(error: DittoError, topic: Topic | undefined, correlationId: string | undefined, headers: Json = {}): Json {
  const ns = topic?.namespace ?? 'unknown';
  const name = topic?.name ?? 'unknown';
  const channel = topic?.channel === 'live' ? 'live' : 'twin';
  return {
    topic: `${ns}/${name}/things/${channel}/errors`,
    headers: { ...headers, 'correlation-id': correlationId ?? randomUUID(), 'content-type': 'application/json', 'response-required': false },
    path: '/',
    value: { ...error },
    status: error.status,
  };
}

function responseHeaders(req: Envelope, withValue: boolean): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (k === 'authorization' || k === 'if-match' || k === 'if-none-match') continue;
    out[k] = v;
  }
  out['response-required'] = false;
  if (withValue) out['content-type'] = 'application/json';
  else delete out['content-type'];
  return out;
}

/** A twin event of a change: `{ns}/{name}/things/twin/events/{action}` with the revision and the time. */
export function twinEvent(req: Envelope, action: string, path: string, value: unknown, revision: number): Json {
  return {
    topic: `${req.topic.namespace}/${req.topic.name}/things/twin/events/${action}`,
    headers: { 'correlation-id': req.correlationId, ...(value === undefined ? {} : { 'content-type': req.headers['content-type'] ?? 'application/json' }) },
    path,
    ...(value === undefined ? {} : { value }),
    revision,
    timestamp: new Date().toISOString(),
  };
}
