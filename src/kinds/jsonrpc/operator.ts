import { Observable } from 'rxjs';
import { z } from 'zod';
import { deriveEvent, type TremoloEvent } from '../../sdk/event.js';
import { reason } from '../../sdk/errors.js';
import { defineOperator, type OperatorDefinition } from '../../sdk/operator-api.js';
import { answer, INTERNAL_ERROR, type JsonRpcResponse, type Methods } from './protocol.js';

/** Calls in one batch at most, unless the library or the flow says otherwise. */
const MAX_BATCH = 50;

const config = (maxBatch: number) =>
  z.strictObject({
    max_batch: z
      .number()
      .int()
      .min(1)
      .default(maxBatch)
      .describe(`calls in one batch, at most (default ${maxBatch}); a larger batch is answered with -32600 and none of its calls run. The calls of a batch run one after the other`),
  });

/** The connection an event comes from, as a key of its session; undefined for an event from no stream. */
const streamKey = (event: TremoloEvent): string | undefined => {
  const origin = event.origins[0];
  return origin === undefined ? undefined : `${origin.connector}:${origin.stream}`;
};

/**
 * An operator that serves JSON-RPC 2.0: each event is a message (text, or a value that is turned
 * into text), each answer goes out as JSON text with the message's origins, so a ws_server sends
 * it back to the connection that asked. Methods may be async; answers leave as they are ready.
 * Each connection has a session (`ctx.session`), dropped when it closes. A batch holds at most
 * `max_batch` calls (the library's `maxBatch`, else 50). A message that ends with a NUL byte
 * (ouistiti's websocket_jsonrpc framing) is read without it and answered with one.
 *
 * Methods with state of their own (a user database) are given as a function that makes them: it is
 * called once per operator instance, so two flows in one process (a module is imported once) do
 * not share that state.
 *
 *   export default jsonRpcOperator({ name: 'users_rpc', methods: { add: { params, handler } } });
 *   export default jsonRpcOperator({ name: 'users_rpc', methods: () => { const users = new Map(); return { ... }; } });
 */
export function jsonRpcOperator(options: { name: string; description?: string; methods: Methods | (() => Methods); maxBatch?: number }): OperatorDefinition<{ max_batch: number }> {
  const given = options.methods;
  return defineOperator({
    name: options.name,
    description: options.description ?? (typeof given === 'function' ? 'JSON-RPC 2.0 methods' : `JSON-RPC 2.0 methods: ${Object.keys(given).join(', ')}`),
    config: config(options.maxBatch ?? MAX_BATCH),
    create: ({ max_batch }, ctx) => {
      const methods = typeof given === 'function' ? given() : given;
      return (source) =>
        new Observable<TremoloEvent>((subscriber) => {
          let pending = 0;
          let completed = false;
          const sessions = new Map<string, Record<string, unknown>>();
          const sessionOf = (event: TremoloEvent): Record<string, unknown> => {
            const key = streamKey(event);
            if (key === undefined) return {};
            let session = sessions.get(key);
            if (session === undefined) sessions.set(key, (session = {}));
            return session;
          };
          const ends = ctx.streamEnds?.subscribe((origin) => sessions.delete(`${origin.connector}:${origin.stream}`));
          const settle = (): void => {
            if (completed && pending === 0) subscriber.complete();
          };
          const reply = (event: TremoloEvent, response: JsonRpcResponse | JsonRpcResponse[], nul: boolean): void => {
            let text: string;
            try {
              text = JSON.stringify(response);
            } catch (err) {
              // A result with no JSON form (a bigint, a cycle): the caller still gets an answer.
              const broken = (r: JsonRpcResponse): JsonRpcResponse => ('result' in r ? { jsonrpc: '2.0', id: r.id, error: { code: INTERNAL_ERROR, message: 'Internal error', data: `the result has no JSON form: ${reason(err)}` } } : r);
              text = JSON.stringify(Array.isArray(response) ? response.map((r) => (safe(r) ? r : broken(r))) : broken(response));
            }
            subscriber.next(deriveEvent(event, nul ? `${text}\0` : text));
          };
          const subscription = source.subscribe({
            next(event) {
              let text: string;
              try {
                text = typeof event.data === 'string' ? event.data : Buffer.isBuffer(event.data) ? event.data.toString('utf8') : JSON.stringify(event.data);
              } catch (err) {
                ctx.error(event, 'ERR_OPERATOR_FAILED', `a message that is no JSON text, and has no JSON form: ${reason(err)}`);
                return;
              }
              // ouistiti's framing: its clients end a request with a NUL byte (never part of JSON) and
              // read an answer up to the NUL that ends it. A request so framed is answered so.
              const nul = text.endsWith('\0');
              if (nul) text = text.slice(0, -1);
              pending++;
              // A throwing method is answered -32603 by `answer`; what could still fail here is this
              // operator's own doing, and goes to err rather than becoming an unhandled rejection.
              void answer(text, methods, { meta: event.meta, session: sessionOf(event) }, { maxBatch: max_batch })
                .then((response) => {
                  if (response !== undefined && !subscriber.closed) reply(event, response, nul);
                })
                .catch((err: unknown) => ctx.error(event, 'ERR_OPERATOR_FAILED', `answering the message failed: ${reason(err)}`))
                .finally(() => {
                  pending--;
                  settle();
                });
            },
            error: (err) => subscriber.error(err),
            complete() {
              completed = true;
              settle();
            },
          });
          return () => {
            subscription.unsubscribe();
            ends?.unsubscribe();
          };
        });
    },
  });
}

const safe = (r: JsonRpcResponse): boolean => {
  try {
    JSON.stringify(r);
    return true;
  } catch {
    return false;
  }
};
