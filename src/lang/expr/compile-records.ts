import type { EvalContext, Evaluator } from './api.js';
import { defineKey, internalized } from './values.js';

type Out = Record<string, unknown>;

/**
 * The closure that builds a record literal. A loop storing keys from an array is one store site
 * for every key of every record, which V8 can only handle generically (about 50 ns for two keys);
 * records of up to four keys get a closure per size instead, with a store site per key (about
 * 13 ns), the common case of a `map` or `select`. `__proto__` must become an own key, never the
 * prototype, so a record naming it takes the loop with `defineKey`.
 */
export function recordClosure(names: readonly string[], fns: readonly Evaluator[]): Evaluator {
  const keys = names.map(internalized);
  if (!keys.includes('__proto__')) {
    const [k0, k1, k2, k3] = keys as [string, string, string, string];
    const [f0, f1, f2, f3] = fns as [Evaluator, Evaluator, Evaluator, Evaluator];
    switch (keys.length) {
      case 1:
        return (ctx) => {
          const out: Out = {};
          out[k0] = f0(ctx);
          return out;
        };
      case 2:
        return (ctx) => {
          const out: Out = {};
          out[k0] = f0(ctx);
          out[k1] = f1(ctx);
          return out;
        };
      case 3:
        return (ctx) => {
          const out: Out = {};
          out[k0] = f0(ctx);
          out[k1] = f1(ctx);
          out[k2] = f2(ctx);
          return out;
        };
      case 4:
        return (ctx) => {
          const out: Out = {};
          out[k0] = f0(ctx);
          out[k1] = f1(ctx);
          out[k2] = f2(ctx);
          out[k3] = f3(ctx);
          return out;
        };
    }
  }
  const n = keys.length;
  return (ctx: EvalContext) => {
    const out: Out = {};
    for (let i = 0; i < n; i++) defineKey(out, keys[i]!, fns[i]!(ctx));
    return out;
  };
}
