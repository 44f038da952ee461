import type { Evaluator } from './api.js';
import type { Root } from './ast.js';
import { isObject, pathOfOne, pathOfTwo, rootOf } from './path-sites.js';
import { internalized } from './values.js';

/**
 * `event.a.b`, `$.x.y`: a root followed by plain field names, read in one closure rather than one
 * closure per step, since paths are in nearly every expression. Only names that no JavaScript
 * prototype defines come here (see `needsOwnCheck`), so a direct property read is exact.
 */

export function rootPath(root: Root, names: readonly string[]): Evaluator {
  const r = root;
  const keys = names.map(internalized);
  const [k1, k2, k3] = keys as unknown as readonly [string, string, string];
  switch (keys.length) {
    case 1:
      return pathOfOne(r, k1);
    case 2:
      return pathOfTwo(r, k1, k2);
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
