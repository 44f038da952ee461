import { z } from 'zod';
import { deriveEvent } from '../../runtime/event.js';
import { defineOperator, type OperatorDefinition } from '../../runtime/operator-api.js';
import { Observable } from 'rxjs';
import { answer, type Methods } from './protocol.js';

/**
 * An operator that serves JSON-RPC 2.0: each event is a message (text, or a value that is turned
 * into text), each answer goes out as JSON text with the message's origins, so a ws_server sends
 * it back to the connection that asked. Methods may be async; answers leave as they are ready.
 *
 *   export default jsonRpcOperator({ name: 'users_rpc', methods: { add: { params, handler } } });
 */
export function jsonRpcOperator(options: { name: string; description?: string; methods: Methods }): OperatorDefinition<Record<string, never>> {
  return defineOperator({
    name: options.name,
    description: options.description ?? `JSON-RPC 2.0 methods: ${Object.keys(options.methods).join(', ')}`,
    config: z.strictObject({}),
    create: () => (source) =>
      new Observable((subscriber) => {
        let pending = 0;
        let completed = false;
        const settle = (): void => {
          if (completed && pending === 0) subscriber.complete();
        };
        const subscription = source.subscribe({
          next(event) {
            const text = typeof event.data === 'string' ? event.data : Buffer.isBuffer(event.data) ? event.data.toString('utf8') : JSON.stringify(event.data);
            pending++;
            void answer(text, options.methods, { meta: event.meta }).then((response) => {
              pending--;
              if (response !== undefined && !subscriber.closed) subscriber.next(deriveEvent(event, JSON.stringify(response)));
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
