import { z } from 'zod';
import { reason } from 'tremolo';
import { compileRql, type RqlFilter } from './rql/index.js';

/**
 * A config field holding an RQL filter, compiled while the flow loads: a syntax error is a
 * load-time problem placed at the field (file, line, column) with the offset inside the filter,
 * as an expression field's is.
 */
export const rqlField = (description: string) =>
  z
    .string()
    .describe(`${description} (an RQL filter)`)
    .transform((source, ctx): RqlFilter => {
      try {
        return compileRql(source);
      } catch (err) {
        ctx.issues.push({ code: 'custom', input: source, message: `invalid RQL ${JSON.stringify(source)}: ${reason(err)}` });
        return z.NEVER;
      }
    });
