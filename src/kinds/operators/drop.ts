import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { expression } from '../../lang/fields.js';
import { evalContext, perEvent, truth } from './shared/per-event.js';

export const drop = defineOperator({
  name: 'drop',
  description: 'Drops every event, or those for which `when` holds.',
  config: z.strictObject({ when: expression('drop the event when this is true').optional() }),
  create({ when }, ctx) {
    const scope = evalContext(ctx);
    const what = `drop condition "${when?.source}"`;
    return perEvent(ctx, (event, emit) => {
      if (when !== undefined && !truth(when.evaluate(scope.load(event)), what)) emit(event);
    });
  },
});
