import { z } from 'zod';
import { defineOperator } from '../runtime/operator-api.js';
import { expression } from './shared/expression.js';
import { evalContext, perEvent, truth } from './shared/per-event.js';

export const filter = defineOperator({
  name: 'filter',
  description: 'Keeps the events for which `condition` holds; a missing path (null) counts as false.',
  config: z.strictObject({ condition: expression('keep the event when this is true') }),
  create({ condition }, ctx) {
    const scope = evalContext(ctx);
    return perEvent(ctx, (event, emit) => {
      if (truth(condition.evaluate(scope.load(event)), `filter condition "${condition.source}"`)) emit(event);
    });
  },
});
