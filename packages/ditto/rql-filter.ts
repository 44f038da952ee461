/**
 * The `rql_filter` operator: keeps the events whose data matches an RQL filter (Ditto's syntax).
 * The core `filter` takes an expression (`condition`); RQL is Ditto's language and comes with this
 * package (`use: ['ditto']`).
 */
import { z } from 'zod';
import { defineOperator, fields, perEvent, RuntimeError, typeName, type TremoloEvent } from 'tremolo';
import { isRecord } from './ditto-protocol.js';
import { rqlField } from './rql-field.js';

export default defineOperator({
  name: 'rql_filter',
  description:
    'Keeps the events whose data matches the RQL filter `rql` (Eclipse Ditto’s syntax; a missing property matches nothing but `not(...)`, `exists` and `empty`); the others are dropped, an event never fails on a mismatch. From the ditto package: `use: [\'ditto\']`.',
  config: z.strictObject({
    rql: rqlField('keep the event when its data matches this, e.g. and(eq(type,"order"),gt(total,100))'),
    placeholders: fields
      .expression('the values of the filter’s placeholders, a record such as {"topic:action": $.ditto.action}; without it only time:now and time:now_epoch_millis have values (the clock)')
      .optional(),
  }),
  create({ rql, placeholders }, ctx) {
    if (placeholders === undefined) {
      return perEvent(ctx, (event, emit) => {
        if (rql.matches(event.data)) emit(event);
      });
    }
    // One evaluation context and one placeholder context per operator, refilled per event: no
    // allocation beyond the expression's own.
    const scope = { event: null as unknown, meta: {} as TremoloEvent['meta'], state: undefined, group: null, args: ctx.args };
    const given: { placeholders: Readonly<Record<string, unknown>> } = { placeholders: {} };
    return perEvent(ctx, (event, emit) => {
      scope.event = event.data;
      scope.meta = event.meta;
      const values = placeholders.evaluate(scope);
      if (!isRecord(values)) throw new RuntimeError('ERR_EXPR_EVAL', `filter placeholders "${placeholders.source}" must be a record, received ${typeName(values)}`);
      given.placeholders = values;
      if (rql.matches(event.data, given)) emit(event);
    });
  },
});
