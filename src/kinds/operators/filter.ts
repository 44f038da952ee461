import { z } from 'zod';
import { isRecord, typeName } from '../../lang/expr/values.js';
import { RuntimeError } from '../../sdk/errors.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { expression, rql } from '../../lang/fields.js';
import { evalContext, perEventTo, truth } from './shared/per-event.js';

export const filter = defineOperator({
  name: 'filter',
  description:
    'Keeps the events for which `condition` holds (a missing path, null, counts as false), or whose data matches the RQL filter `rql` (Ditto’s syntax; a missing property matches nothing but `not(...)`, `exists` and `empty`). Exactly one of the two.',
  config: z
    .strictObject({
      condition: expression('keep the event when this is true').optional(),
      rql: rql('keep the event when its data matches this, e.g. and(eq(type,"order"),gt(total,100))').optional(),
      placeholders: expression('with rql: the values of its placeholders, a record such as {"topic:action": $.ditto.action}; without it only time:now and time:now_epoch_millis have values (the clock)').optional(),
    })
    .superRefine((c, ctx) => {
      if ((c.condition === undefined) === (c.rql === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'expected exactly one of "condition" (an expression) or "rql" (an RQL filter)' });
      } else if (c.placeholders !== undefined && c.rql === undefined) {
        ctx.addIssue({ code: 'custom', path: ['placeholders'], message: '"placeholders" gives the values of an RQL filter\'s placeholders; it goes with "rql", not "condition"' });
      }
    }),
  create({ condition, rql, placeholders }, ctx) {
    const scope = evalContext(ctx);
    if (rql !== undefined) {
      if (placeholders === undefined) {
        return perEventTo(ctx, (event, out) => {
          if (rql.matches(event.data)) out.next(event);
        });
      }
      // One context object per operator, refilled per event: no allocation beyond the expression's.
      const given: { placeholders: Readonly<Record<string, unknown>> } = { placeholders: {} };
      return perEventTo(ctx, (event, out) => {
        const values = placeholders.evaluate(scope.load(event));
        if (!isRecord(values)) throw new RuntimeError('ERR_EXPR_EVAL', `filter placeholders "${placeholders.source}" must be a record, received ${typeName(values)}`);
        given.placeholders = values;
        if (rql.matches(event.data, given)) out.next(event);
      });
    }
    const what = `filter condition "${condition!.source}"`;
    return perEventTo(ctx, (event, out) => {
      if (truth(condition!.evaluate(scope.load(event)), what)) out.next(event);
    });
  },
});
