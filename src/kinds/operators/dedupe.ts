import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { expression } from '../../lang/fields.js';
import { Fifo } from './shared/fifo.js';
import { evalContext } from './shared/per-event.js';
import { stableKey, type StableKey } from './shared/stable-key.js';
import { holding } from './shared/holding.js';

/**
 * Lets a key through at most once per `window_ms`, counted from the time it was let through (not
 * from its last duplicate, which would let a key repeated more often than the window be held back
 * forever). Keys are remembered in the order they were let through, which is also the order they
 * expire in, so forgetting expired keys and evicting the oldest one when `max_keys` is reached are
 * both a step from the front of one queue, done as events arrive: no timer.
 */
export const dedupe = defineOperator({
  name: 'dedupe',
  description:
    'Lets an event through when its `key` was not let through in the last `window_ms`; duplicates go to `duplicate`. Keys are compared by value (records and arrays deeply). At most `max_keys` keys are remembered; past that, the oldest are forgotten first.',
  config: z.strictObject({
    key: expression('what makes two events duplicates').prefault('event'),
    window_ms: z.number().positive().describe('how long a key, once let through, makes its duplicates go to `duplicate`'),
    max_keys: z.int().positive().default(100_000).describe('how many keys are remembered at most; the oldest are forgotten first'),
  }),
  outputs: () => ['out', 'duplicate'],
  create({ key, window_ms: windowMs, max_keys: maxKeys }, ctx) {
    const clock = ctx.scheduler;
    return holding(ctx, ({ emit }) => {
      const scope = evalContext(ctx);
      const passedAt = new Map<StableKey, number>();
      const order = new Fifo<StableKey>();
      const forget = (): void => {
        passedAt.delete(order.shift()!);
      };
      return {
        next(event) {
          const k = stableKey(key.evaluate(scope.load(event)));
          const now = clock.now();
          while (order.length > 0 && now - passedAt.get(order.peek()!)! >= windowMs) forget();
          if (passedAt.has(k)) {
            ctx.emit('duplicate', event);
            return;
          }
          if (passedAt.size >= maxKeys) forget();
          passedAt.set(k, now);
          order.push(k);
          emit(event);
        },
      };
    });
  },
});
