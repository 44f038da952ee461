import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { expression } from '../../lang/fields.js';
import { evalContext, perEventTo, truth } from './shared/per-event.js';

export const filter = defineOperator({
  name: 'filter',
  description: 'Keeps the events for which `condition` holds (a missing path, null, counts as false); the others are dropped.',
  config: z.strictObject({
    condition: expression('keep the event when this is true'),
  }),
  create({ condition }, ctx) {
    const scope = evalContext(ctx);
    const what = `filter condition "${condition.source}"`;
    return perEventTo(ctx, (event, out) => {
      if (truth(condition.evaluate(scope.load(event)), what)) out.next(event);
    });
  },
});
