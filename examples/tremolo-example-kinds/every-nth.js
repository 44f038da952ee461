// @ts-check
import { z } from 'zod';
import { defineOperator, perEvent } from 'tremolo';

/**
 * Sampling: every `n`th event goes on, the others leave by a port of their own, so a flow can
 * still count or store what the sample leaves out.
 */
export const everyNth = defineOperator({
  name: 'every_nth',
  description: 'Lets the `n`th event through to `out`, then the 2`n`th, and so on (counted per operator); the others go to `skipped`.',
  config: z.strictObject({
    n: z.number().int().min(1).describe('let one event in n through'),
  }),
  outputs: () => ['out', 'skipped'],
  create({ n }, ctx) {
    let seen = 0;
    return perEvent(ctx, (event, emit) => {
      seen = (seen + 1) % n;
      if (seen === 0) emit(event);
      else ctx.emit('skipped', event);
    });
  },
});
