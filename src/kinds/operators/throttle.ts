import { z } from 'zod';
import { dispatched, type TremoloEvent } from '../../sdk/event.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { Fifo } from './shared/fifo.js';
import { holding } from './shared/holding.js';
import { rateOptions, TokenBucket } from './shared/token-bucket.js';

/**
 * Smooths a stream to `rate` events per second: an event with no token waits, in order, in a
 * bounded queue, and leaves when a token comes back; past `max_queue` it goes to `overflow`.
 * One timer at most, armed only while something waits. When the input completes, what waits is
 * emitted at once: a stopping flow hands over what it holds rather than outliving its stop.
 */
export const throttle = defineOperator({
  name: 'throttle',
  description:
    'Smooths to at most `rate` events per second (a token bucket of `burst` events, full at the start): events over the rate wait in order, up to `max_queue`, and go on as tokens come back; past that bound they go to `overflow`. When the input completes, waiting events are emitted at once.',
  config: z.strictObject({
    ...rateOptions,
    max_queue: z.int().positive().default(1000).describe('how many events may wait; more go to `overflow`'),
  }),
  outputs: () => ['out', 'overflow'],
  create({ rate, burst, max_queue: maxQueue }, ctx) {
    const clock = ctx.scheduler;
    return holding(ctx, ({ emit, timer }) => {
      const bucket = new TokenBucket(rate, burst, clock.now());
      const waiting = new Fifo<TremoloEvent>();
      const release = timer(() => {
        const now = clock.now();
        while (waiting.length > 0 && bucket.take(now)) dispatched(waiting.shift()!, emit);
        if (waiting.length > 0) release.arm(bucket.waitMs(now));
      });
      return {
        next(event) {
          if (waiting.length === 0 && bucket.take(clock.now())) emit(event);
          else if (waiting.length < maxQueue) {
            // A transactional event waits here after its dispatch ended: held until it leaves.
            event.settle?.hold?.();
            waiting.push(event);
            if (!release.armed) release.arm(bucket.waitMs(clock.now()));
          } else ctx.emit('overflow', event);
        },
        flush() {
          release.cancel();
          while (waiting.length > 0) dispatched(waiting.shift()!, emit);
        },
        stop() {
          release.cancel();
          while (waiting.length > 0) waiting.shift()!.settle?.fail(`${ctx.alias}: stopped while the event waited`);
        },
      };
    });
  },
});
