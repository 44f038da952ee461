import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { holding } from './shared/holding.js';
import { rateOptions, TokenBucket } from './shared/token-bucket.js';

/**
 * At most `rate` events per second on `out`, with bursts of up to `burst`; the rest go to
 * `overflow` at once, never delayed (`throttle` delays instead). The bucket starts full and is
 * refilled from `ctx.scheduler`'s clock when an event arrives, so this operator holds no timer.
 */
export const rateLimit = defineOperator({
  name: 'rate_limit',
  description:
    'Lets at most `rate` events per second through to `out` (a token bucket of `burst` events, full at the start); events over the limit go to `overflow` at once, never delayed.',
  config: z.strictObject(rateOptions),
  outputs: () => ['out', 'overflow'],
  create({ rate, burst }, ctx) {
    const clock = ctx.scheduler;
    return holding(ctx, ({ emit }) => {
      const bucket = new TokenBucket(rate, burst, clock.now());
      return {
        next(event) {
          if (bucket.take(clock.now())) emit(event);
          else ctx.emit('overflow', event);
        },
      };
    });
  },
});
