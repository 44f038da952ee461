import { z } from 'zod';
import type { EvalContext, Expression } from '../../../lang/expr/index.js';
import { expression } from '../../../lang/fields.js';
import { RuntimeError } from '../../../sdk/errors.js';
import { typeText } from './type-text.js';

/** One dimension of a group: a value, or `each` element of a list (the event joins one group per element). */
interface Dimension {
  readonly expr: Expression;
  readonly each: boolean;
}

/**
 * `group_by` of the window and group operators. An expression: the group is its value. A list of
 * dimensions (expressions, or `{ each: expression }`): the group is the list of their values, and a
 * dimension `each` of a list puts the event in one group per element, so `[{ each: "event.tags" }]`
 * counts an event tagged `["a", "b"]` in group `["a"]` and in group `["b"]` (Tremor's `group by
 * set(each(event.tags))`). Several `each` give every combination, in order.
 */
export class GroupBy {
  constructor(
    /** The single-expression form: one group per event, no list made. */
    readonly single: Expression | undefined,
    private readonly dims: readonly Dimension[],
  ) {}

  /** How many values a group of the list form has (0 for the single-expression form). */
  get width(): number {
    return this.dims.length;
  }

  /**
   * The groups of the event in scope (`scope.group` is null while they are computed). Throws, before
   * anything changed, when an `each` dimension is not a list.
   */
  groups(scope: EvalContext): unknown[] {
    if (this.single !== undefined) return [this.single.evaluate(scope)];
    let combos: unknown[][] = [[]];
    for (const dim of this.dims) {
      const value = dim.expr.evaluate(scope);
      if (!dim.each) {
        for (const combo of combos) combo.push(value);
        continue;
      }
      if (!Array.isArray(value)) {
        throw new RuntimeError('ERR_EXPR_EVAL', `group_by each ${JSON.stringify(dim.expr.source)} takes an array, received ${typeText(value)}`);
      }
      const next: unknown[][] = [];
      for (const combo of combos) for (const item of value) next.push([...combo, item]);
      combos = next;
    }
    return combos;
  }
}

const dimension = z.union([
  expression('a dimension of the group'),
  z.strictObject({ each: expression('a list: the event joins one group per element') }),
]);

/** The `group_by` option, compiled at load time. */
export const groupBy = (description: string) =>
  z
    .union([expression(description), z.array(dimension).min(1)])
    .describe(`${description}: an expression, or a list of dimensions (the group is then the list of their values), each an expression or { each: list } for one group per element`)
    .transform((spec): GroupBy => {
      if (!Array.isArray(spec)) return new GroupBy(spec, []);
      return new GroupBy(
        undefined,
        spec.map((d) => ('each' in d ? { expr: d.each, each: true } : { expr: d, each: false })),
      );
    });
