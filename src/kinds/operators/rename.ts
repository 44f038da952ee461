import { z } from 'zod';
import { compilePath } from '../../lang/expr/index.js';
import { reason } from '../../sdk/errors.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { pathRecord, rewrite } from './shared/paths.js';
import { evalContext, perEvent } from './shared/per-event.js';

const target = z.string().transform((source, ctx) => {
  try {
    return compilePath(source);
  } catch (err) {
    ctx.issues.push({ code: 'custom', input: source, message: `invalid path ${JSON.stringify(source)}: ${reason(err)}` });
    return z.NEVER;
  }
});

export const rename = defineOperator({
  name: 'rename',
  description: 'Moves fields: `{ "event.user_name": "event.user.name" }`, within or between the event and its metadata. An absent field is left absent.',
  config: z.strictObject({ fields: pathRecord(target, 'from path → to path') }),
  create({ fields }, ctx) {
    const scope = evalContext(ctx);
    return perEvent(ctx, (event, emit) => {
      let out = event;
      for (const [from, to] of fields) {
        scope.load(out);
        const value = from.get(scope);
        if (value === null || value === undefined) continue;
        out = rewrite(out, from, (root) => from.remove(root));
        out = rewrite(out, to, (root) => to.set(root, value));
      }
      emit(out);
    });
  },
});
