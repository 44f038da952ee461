import { RuntimeError } from '../../sdk/errors.js';

/** A problem found at load time; `offset` is 0-based into the expression's source. */
export const syntaxError = (message: string, offset: number): RuntimeError =>
  new RuntimeError('ERR_EXPR_SYNTAX', message, { details: { offset } });

/** A problem found while evaluating; the message already names the operation, the types and the sub-expression. */
export const evalError = (message: string): RuntimeError => new RuntimeError('ERR_EXPR_EVAL', message);
