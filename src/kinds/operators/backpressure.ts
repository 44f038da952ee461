import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { perEvent } from './shared/per-event.js';

/**
 * Tremor's qos::backpressure, on tremolo's flow control. `pause` (the default) lets events through
 * and leaves the sinks to pause the sources feeding them, as everywhere in tremolo. `discard`
 * keeps the sources running: while what `out` leads to cannot take events (a sink over its
 * high-water mark or disconnected), events go to the `overflow` port instead, and the sinks behind
 * this operator no longer pause the sources in front of it.
 */
export const backpressure = defineOperator({
  name: 'backpressure',
  description:
    'method "pause" (default): slow sinks pause the sources, as everywhere. method "discard": while the sinks behind `out` cannot take events, events go to `overflow` and the sources keep running.',
  config: z.strictObject({
    method: z.enum(['pause', 'discard']).default('pause').describe('pause the sources, or divert to overflow'),
  }),
  outputs: () => ['out', 'overflow'],
  decouples: ({ method }) => method === 'discard',
  create({ method }, ctx) {
    if (method === 'pause') return perEvent(ctx, (event, emit) => emit(event));
    return perEvent(ctx, (event, emit) => {
      if (ctx.ready('out')) emit(event);
      else ctx.emit('overflow', event);
    });
  },
});
