import { z } from 'zod';
import { RuntimeError } from '../../sdk/errors.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { perEvent } from './shared/per-event.js';
import { TokenBucket } from './shared/token-bucket.js';

/**
 * Tremor's grouper::bucket: each event names its class and that class's rate in its metadata
 * (`$class`, `$rate`, events per second, set by a script before it); events of a class over its
 * rate go to `overflow`. One token bucket per class, made when the class is first seen, at most
 * `max_classes` of them (hostile metadata cannot grow the map without bound: an event of a class
 * beyond that goes to `err`).
 */
export const bucket = defineOperator({
  name: 'bucket',
  description:
    'Rate limits per class, as Tremor\'s grouper::bucket: an event\'s metadata `class` and `rate` (events per second) choose its bucket; events over their class\'s rate go to `overflow`, events without both go to `err`.',
  config: z.strictObject({
    max_classes: z.int().positive().default(10_000).describe('the most classes tracked at once; events of further classes go to err'),
  }),
  outputs: () => ['out', 'overflow'],
  create({ max_classes: maxClasses }, ctx) {
    const buckets = new Map<string, TokenBucket>();
    const clock = ctx.scheduler;
    return perEvent(ctx, (event, emit) => {
      const { class: cls, rate } = event.meta as { class?: unknown; rate?: unknown };
      if (typeof cls !== 'string' || typeof rate !== 'number' || !(rate > 0)) {
        throw new RuntimeError('ERR_OPERATOR_FAILED', `bucket: the event needs metadata class (a string) and rate (events per second, above 0), received class ${JSON.stringify(cls) ?? 'none'} and rate ${JSON.stringify(rate) ?? 'none'}`);
      }
      // A class's rate is the one it was first seen with, as in Tremor.
      let found = buckets.get(cls);
      if (found === undefined) {
        if (buckets.size >= maxClasses) throw new RuntimeError('ERR_OPERATOR_FAILED', `bucket: ${maxClasses} classes are tracked already (max_classes); class ${JSON.stringify(cls)} is not`);
        found = new TokenBucket(rate, undefined, clock.now());
        buckets.set(cls, found);
      }
      if (found.take(clock.now())) emit(event);
      else ctx.emit('overflow', event);
    });
  },
});
