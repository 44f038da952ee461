import { z } from 'zod';
import { deriveEvent, type TremoloEvent } from '../../runtime/event.js';
import { reason } from '../../runtime/errors.js';
import { defineOperator, type OperatorDefinition } from '../../runtime/operator-api.js';
import { Observable } from 'rxjs';
import { answer, INTERNAL_ERROR, MAX_BATCH, type JsonRpcResponse, type Methods } from './protocol.js';

/**
 * An operator that serves JSON-RPC 2.0: each event is a message (text, or a value that is turned
 * into text), each answer goes out as JSON text with the message's origins, so a ws_server sends
 * it back to the connection that asked. Methods may be async; answers leave as they are ready.
 * A batch holds at most `max_batch` calls (default `maxBatch`, else 100): its calls all run at once.
 *
 *   export default jsonRpcOperator({ name: 'users_rpc', methods: { add: { params, handler } } });
 */
export function jsonRpcOperator(options: { name: string; description?: string; methods: Methods; maxBatch?: number }): OperatorDefinition<{ max_batch: number }> {
  return defineOperator({
    name: options.name,
    description: options.description ?? `JSON-RPC 2.0 methods: ${Object.keys(options.methods).join(', ')}`,
    config: z.strictObject({
      max_batch: z
        .number()
        .int()
        .positive()
        .default(options.maxBatch ?? MAX_BATCH)
        .describe('calls in one batch at most; a bigger batch is answered -32600 whole, before any call runs'),
    }),
    create: ({ max_batch }, ctx) => (source) =>
      new Observable((subscriber) => {
        let pending = 0;
        let completed = false;
        const settle = (): void => {
          if (completed && pending === 0) subscriber.complete();
        };
        const reply = (event: TremoloEvent, response: JsonRpcResponse | JsonRpcResponse[]): void => {
          let text: string;
          try {
            text = JSON.stringify(response);
          } catch (err) {
            // A result with no JSON form (a bigint, a cycle): the caller still gets an answer.
            const broken = (r: JsonRpcResponse): JsonRpcResponse => ('result' in r ? { jsonrpc: '2.0', id: r.id, error: { code: INTERNAL_ERROR, message: 'Internal error', data: `the result has no JSON form: ${reason(err)}` } } : r);
            text = JSON.stringify(Array.isArray(response) ? response.map((r) => (safe(r) ? r : broken(r))) : broken(response));
          }
          subscriber.next(deriveEvent(event, text));
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
            pending++;
            // A throwing method is answered -32603 by `answer`; what could still fail here is this
            // operator's own doing, and goes to err rather than becoming an unhandled rejection.
            void answer(text, options.methods, { meta: event.meta }, max_batch)
              .then((response) => {
                if (response !== undefined && !subscriber.closed) reply(event, response);
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
        return () => subscription.unsubscribe();
      }),
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
