import type { EvalContext, Evaluator } from './api.js';
import type { Root } from './ast.js';
import { internalized } from './values.js';

/**
 * `event.a.b`, `$.x.y`: a root followed by plain field names, read in one closure rather than one
 * closure per step, since paths are in nearly every expression. Only names that no JavaScript
 * prototype defines come here (see `needsOwnCheck`), so a direct property read is exact.
 */

// Literal property reads: a computed `ctx[name]` shared by every path closure is measurably slower.
const rootOf = (ctx: EvalContext, r: Root): unknown =>
  r === 'event' ? ctx.event : r === 'meta' ? ctx.meta : r === 'args' ? ctx.args : r === 'state' ? ctx.state : ctx.group;

type Bag = Readonly<Record<string, unknown>>;
const isObject = (o: unknown): o is Bag => typeof o === 'object' && o !== null;

export function rootPath(root: Root, names: readonly string[]): Evaluator {
  const r = root;
  const keys = names.map(internalized);
  const [k1, k2, k3] = keys as unknown as readonly [string, string, string];
  switch (keys.length) {
    case 1:
      return (ctx) => {
        const o = rootOf(ctx, r);
        return isObject(o) ? (o[k1] ?? null) : null;
      };
    case 2:
      return (ctx) => {
        const o = rootOf(ctx, r);
        if (!isObject(o)) return null;
        const o1 = o[k1];
        return isObject(o1) ? (o1[k2] ?? null) : null;
      };
    case 3:
      return (ctx) => {
        const o = rootOf(ctx, r);
        if (!isObject(o)) return null;
        const o1 = o[k1];
        if (!isObject(o1)) return null;
        const o2 = o1[k2];
        return isObject(o2) ? (o2[k3] ?? null) : null;
      };
    default: {
      const n = keys.length;
      return (ctx) => {
        let o: unknown = rootOf(ctx, r);
        for (let i = 0; i < n; i++) {
          if (!isObject(o)) return null;
          o = o[keys[i] as string];
        }
        return o ?? null;
      };
    }
  }
}
