import { z } from 'zod';
import { compilePath, type PathExpression } from '../../../lang/expr/index.js';
import { reason } from '../../../sdk/errors.js';
import type { Meta, TremoloEvent } from '../../../sdk/event.js';
import { deriveEvent } from '../../../sdk/event.js';

const compileAt = (source: string, ctx: z.core.$RefinementCtx, key: PropertyKey[]): PathExpression | undefined => {
  try {
    return compilePath(source);
  } catch (err) {
    ctx.issues.push({ code: 'custom', input: source, path: key, message: `invalid path ${JSON.stringify(source)}: ${reason(err)}` });
    return undefined;
  }
};

/** A record whose keys are assignable paths (`event.a.b`, `$.x`), compiled at load time. */
export const pathRecord = <T extends z.ZodType>(value: T, description: string) =>
  z
    .record(z.string(), value)
    .describe(description)
    .transform((record, ctx) => {
      const out: [PathExpression, z.output<T>][] = [];
      for (const [source, v] of Object.entries(record)) {
        const p = compileAt(source, ctx, [source]);
        if (p !== undefined) out.push([p, v as z.output<T>]);
      }
      return out;
    });

/** A list of assignable paths, compiled at load time. */
export const pathList = (description: string) =>
  z
    .array(z.string())
    .min(1)
    .describe(description)
    .transform((list, ctx) => list.flatMap((source, i) => compileAt(source, ctx, [i]) ?? []));

/** Applies a change to the event's data or metadata, whichever root the path names, copying on write. */
export function rewrite(event: TremoloEvent, path: PathExpression, change: (root: unknown) => unknown): TremoloEvent {
  return path.root === 'event' ? deriveEvent(event, change(event.data)) : deriveEvent(event, event.data, change(event.meta) as Meta);
}
