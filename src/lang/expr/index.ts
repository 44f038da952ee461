/**
 * The expression language of pipelines: conditions and computed values in filter, map, route,
 * group_by... Expressions are parsed and compiled once, at load time, into plain synchronous
 * closures; the grammar is documented in `parse.ts`.
 */
import type { Expression } from './api.js';
import { Compiler } from './compile.js';
import { parse } from './parse.js';

export type { EvalContext, Expression, PathExpression } from './api.js';
export { compilePath } from './path.js';

/** Throws ERR_EXPR_SYNTAX (with `details.offset`) for anything wrong that can be known without data. */
export function compile(source: string): Expression {
  const compiled = new Compiler(source).compile(parse(source));
  return { source, constant: !compiled.dynamic, evaluate: compiled.fn };
}
