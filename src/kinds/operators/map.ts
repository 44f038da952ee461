import { z } from 'zod';
import { deriveEvent, type Meta } from '../../sdk/event.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { RuntimeError } from '../../sdk/errors.js';
import { expression } from '../../lang/fields.js';
import { evalContext, perEventTo } from './shared/per-event.js';

/** Tremor's `select EXPR`: the event becomes the value of an expression, its origins kept. */
export const map = defineOperator({
  name: 'map',
  description: 'Replaces the event with the value of `event`, and/or its metadata with the record `meta`; origins are kept.',
  config: z
    .strictObject({
      event: expression('the new event').optional(),
      meta: expression('the new metadata, a record').optional(),
    })
    .refine((c) => c.event !== undefined || c.meta !== undefined, { error: 'expected "event", "meta" or both' }),
  create({ event: reshape, meta: remeta }, ctx) {
    const scope = evalContext(ctx);
    return perEventTo(ctx, (event, out) => {
      scope.load(event);
      const data = reshape === undefined ? event.data : reshape.evaluate(scope);
      let meta: Meta = event.meta;
      if (remeta !== undefined) {
        const value = remeta.evaluate(scope);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new RuntimeError('ERR_EXPR_EVAL', `map meta "${remeta.source}" must be a record, received ${JSON.stringify(value)}`);
        }
        meta = value as Meta;
      }
      out.next(deriveEvent(event, data, meta));
    });
  },
});
