import { z } from 'zod';
import { compile, compilePath, type Expression, type PathExpression } from './expr/index.js';
import { reason } from '../sdk/errors.js';

/**
 * A config field holding an expression: compiled while the flow loads, so a syntax error is a
 * load-time problem placed at the field (file, line, column) with the offset inside the expression.
 */
export const expression = (description: string) =>
  z
    .string()
    .describe(`${description} (an expression)`)
    .transform((source, ctx): Expression => {
      try {
        return compile(source);
      } catch (err) {
        ctx.issues.push({ code: 'custom', input: source, message: `invalid expression ${JSON.stringify(source)}: ${reason(err)}` });
        return z.NEVER;
      }
    });

/** A config field holding an assignable path: `event.a.b`, `$.ws_server.binary`. */
export const path = (description: string) =>
  z
    .string()
    .describe(`${description} (a path: event... or $...)`)
    .transform((source, ctx): PathExpression => {
      try {
        return compilePath(source);
      } catch (err) {
        ctx.issues.push({ code: 'custom', input: source, message: `invalid path ${JSON.stringify(source)}: ${reason(err)}` });
        return z.NEVER;
      }
    });
