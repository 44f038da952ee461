import { Observable } from 'rxjs';
import { z } from 'zod';
import { deriveEvent, type TremoloEvent } from '../../runtime/event.js';
import { defineOperator, type OperatorDefinition } from '../../runtime/operator-api.js';
import { answer, type Methods } from './protocol.js';

const Config = z.strictObject({
  max_batch: z
    .number()
    .int()
    .min(1)
    .default(50)
    .describe('calls in one batch, at most (default 50); a larger batch is answered with -32600 and none of its calls run. The calls of a batch run one after the other'),
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
 * Each connection has a session (`ctx.session`), dropped when it closes.
 *
 *   export default jsonRpcOperator({ name: 'users_rpc', methods: { add: { params, handler } } });
 */
export function jsonRpcOperator(options: { name: string; description?: string; methods: Methods }): OperatorDefinition<z.output<typeof Config>> {
  return defineOperator({
    name: options.name,
    description: options.description ?? `JSON-RPC 2.0 methods: ${Object.keys(options.methods).join(', ')}`,
    config: Config,
    create: ({ max_batch }, ctx) => (source) =>
      new Observable((subscriber) => {
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
        const subscription = source.subscribe({
          next(event) {
            const text = typeof event.data === 'string' ? event.data : Buffer.isBuffer(event.data) ? event.data.toString('utf8') : JSON.stringify(event.data);
            pending++;
            void answer(text, options.methods, { meta: event.meta, session: sessionOf(event) }, { maxBatch: max_batch }).then((response) => {
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
        return () => {
          subscription.unsubscribe();
          ends?.unsubscribe();
        };
      }),
  });
}
