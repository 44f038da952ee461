import type { z } from 'zod';
import { reason } from '../../sdk/errors.js';

/**
 * JSON-RPC 2.0 (https://www.jsonrpc.org/specification): one request or a batch in, the matching
 * response(s) out; notifications (no id) are answered by nothing.
 */
export type Id = string | number | null;

export interface JsonRpcResponse {
  readonly jsonrpc: '2.0';
  readonly id: Id;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/** An error a method throws on purpose, with its own code (-32000 to -32099 are the server's). */
export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

export interface MethodContext {
  /** The event's metadata (who is asking: `meta.ws_server.peer`...). */
  readonly meta: Readonly<Record<string, unknown>>;
  /**
   * What the methods keep for the connection asking (the stream of the event), such as who logged
   * in; it goes when the connection closes. An event from no stream gets a fresh, empty one.
   */
  readonly session: Record<string, unknown>;
}

export interface AnswerOptions {
  /** Calls in one batch, at most; a larger batch is answered -32600 without running any. */
  readonly maxBatch: number;
}

export interface Method<P = unknown> {
  /** Validates `params`; a failure is answered with -32602 and the reasons. */
  readonly params?: z.ZodType<P>;
  readonly handler: (params: P, ctx: MethodContext) => unknown;
}

export type Methods = Readonly<Record<string, Method<any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any

const failure = (id: Id, code: number, message: string, data?: unknown): JsonRpcResponse => ({
  jsonrpc: '2.0',
  id,
  error: data === undefined ? { code, message } : { code, message, data },
});

const isId = (v: unknown): v is Id => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** Answers one request object; undefined for a notification. Never throws, never rejects. */
async function one(request: unknown, methods: Methods, ctx: MethodContext): Promise<JsonRpcResponse | undefined> {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return failure(null, INVALID_REQUEST, 'Invalid Request');
  const r = request as Record<string, unknown>;
  const hasId = 'id' in r;
  const id: Id = hasId && isId(r.id) ? r.id : null;
  if (r.jsonrpc !== '2.0' || typeof r.method !== 'string' || (hasId && !isId(r.id)) || (r.params !== undefined && (r.params === null || typeof r.params !== 'object'))) {
    return failure(id, INVALID_REQUEST, 'Invalid Request');
  }
  const method = Object.prototype.hasOwnProperty.call(methods, r.method) ? methods[r.method] : undefined;
  let response: JsonRpcResponse;
  if (method === undefined) response = failure(id, METHOD_NOT_FOUND, 'Method not found', { method: r.method });
  else {
    const checked = method.params === undefined ? { success: true as const, data: r.params } : method.params.safeParse(r.params);
    if (!checked.success) {
      response = failure(id, INVALID_PARAMS, 'Invalid params', checked.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`));
    } else {
      try {
        const result = await method.handler(checked.data, ctx);
        response = { jsonrpc: '2.0', id, result: result === undefined ? null : result };
      } catch (err) {
        // A handler may throw anything, `undefined` included: the answer is an error all the same.
        response = err instanceof JsonRpcError ? failure(id, err.code, err.message, err.data) : failure(id, INTERNAL_ERROR, 'Internal error', reason(err));
      }
    }
  }
  return hasId ? response : undefined;
}

/**
 * The answer to one message: a response, an array of them for a batch, or undefined when there is
 * nothing to send (notifications only). `text` is the message as received.
 *
 * The calls of a batch run one after the other (the specification leaves the width of a batch to
 * the server): a batch of costly calls (password hashes, in the thread pool every connection
 * shares) then holds one worker at a time, and the calls of other connections go in between.
 */
export async function answer(text: string, methods: Methods, ctx: MethodContext, options: AnswerOptions = { maxBatch: Infinity }): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return failure(null, PARSE_ERROR, 'Parse error');
  }
  if (!Array.isArray(message)) return one(message, methods, ctx);
  if (message.length === 0) return failure(null, INVALID_REQUEST, 'Invalid Request');
  if (message.length > options.maxBatch) return failure(null, INVALID_REQUEST, 'Invalid Request', { batch: message.length, max_batch: options.maxBatch });
  const responses: JsonRpcResponse[] = [];
  for (const m of message) {
    const response = await one(m, methods, ctx);
    if (response !== undefined) responses.push(response);
  }
  return responses.length === 0 ? undefined : responses;
}
