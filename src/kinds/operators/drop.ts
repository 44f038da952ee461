import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { expression } from '../../lang/fields.js';
import { toText } from '../../lang/expr/values.js';
import { evalContext, perEvent, truth } from './shared/per-event.js';

export const drop = defineOperator({
  name: 'drop',
  description:
    'Drops every event, or those for which `when` holds. With `log`, the value of that expression is written to the log at error level for each event dropped (Tremor logs the errors of a select\'s clauses so: `log: "event.error"` on an operator\'s `err`).',
  config: z.strictObject({
    when: expression('drop the event when this is true').optional(),
    log: expression('what to log, at error level, for each event dropped').optional(),
  }),
  create({ when, log }, ctx) {
    const scope = evalContext(ctx);
    const what = `drop condition "${when?.source}"`;
    return perEvent(ctx, (event, emit) => {
      scope.load(event);
      if (when !== undefined && !truth(when.evaluate(scope), what)) emit(event);
      else if (log !== undefined) ctx.log.error(toText(log.evaluate(scope)));
    });
  },
});
