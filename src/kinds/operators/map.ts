import { z } from 'zod';
import { deriveEvent, type Meta } from '../../sdk/event.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { RuntimeError } from '../../sdk/errors.js';
import { expression } from '../../lang/fields.js';
import type { EvalContext, Expression } from '../../lang/expr/index.js';
import type { OperatorFunction } from 'rxjs';
import type { TremoloEvent } from '../../sdk/event.js';
import type { OperatorContext } from '../../sdk/operator-api.js';
import { groupBy, type GroupBy } from './shared/group-by.js';
import { evalContext, perEventTo } from './shared/per-event.js';

/** Tremor's `select EXPR`: the event becomes the value of an expression, its origins kept. */
export const map = defineOperator({
  name: 'map',
  description:
    'Replaces the event with the value of `event`, and/or its metadata with the record `meta`; origins are kept. `state` sets the operator\'s state, a value that lives across events (null at first; shared with the operators naming the same `share_state`): it is evaluated first, reading the state the previous event left, and `event` and `meta` then read the new one; a map with only `state` passes the event on unchanged. With `group_by` (as the window\'s: an expression, or a list of dimensions where `{ each: list }` gives one group per element) it makes one event per group of the event, `group` being that group (Tremor\'s `select ... group by` without a window); an event of no group (`each` of an empty list) makes none.',
  config: z
    .strictObject({
      state: expression('the new state, computed before `event` and `meta`').optional(),
      event: expression('the new event').optional(),
      meta: expression('the new metadata, a record').optional(),
      group_by: groupBy('one event per group of the event, available as `group`').optional(),
    })
    .refine((c) => c.event !== undefined || c.meta !== undefined || c.state !== undefined, { error: 'expected "event", "meta" or "state"' })
    .refine((c) => c.state === undefined || c.group_by === undefined, { error: '"state" and "group_by" do not go together: which group\'s value would the state keep?' }),
  create({ state: restate, event: reshape, meta: remeta, group_by: grouping }, ctx) {
    if (grouping !== undefined) return grouped(ctx, grouping, reshape, remeta);
    const scope = evalContext(ctx);
    return perEventTo(ctx, (event, out) => {
      scope.load(event);
      // Set before the event's new value is computed, so a failure after it keeps it, as a Tremor script keeps a `let state` made before the statement that failed.
      if (restate !== undefined) scope.state = restate.evaluate(scope);
      if (reshape === undefined && remeta === undefined) {
        out.next(event);
        return;
      }
      const data = reshape === undefined ? event.data : reshape.evaluate(scope);
      let meta: Meta = event.meta;
      if (remeta !== undefined) meta = record(remeta, scope);
      out.next(deriveEvent(event, data, meta));
    });
  },
});

/** One event per group of the event; every group's event is made before any is sent, so a failure sends the event to err whole. */
function grouped(ctx: OperatorContext, grouping: GroupBy, reshape: Expression | undefined, remeta: Expression | undefined): OperatorFunction<TremoloEvent, TremoloEvent> {
  const scope = evalContext(ctx);
  return perEventTo(ctx, (event, out) => {
    scope.load(event);
    scope.group = null;
    const made = grouping.groups(scope).map((group) => {
      scope.group = group;
      return deriveEvent(event, reshape === undefined ? event.data : reshape.evaluate(scope), remeta === undefined ? event.meta : record(remeta, scope));
    });
    for (const e of made) out.next(e);
  });
}

function record(remeta: Expression, scope: EvalContext): Meta {
  const value = remeta.evaluate(scope);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RuntimeError('ERR_EXPR_EVAL', `map meta "${remeta.source}" must be a record, received ${JSON.stringify(value)}`);
  }
  return value as Meta;
}
