import { z } from 'zod';
import { NAME_PATTERN } from '../../sdk/names.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { expression } from '../../lang/fields.js';
import { evalContext, perEvent, truth } from './shared/per-event.js';

const Port = z.string().regex(NAME_PATTERN, { error: 'expected a port name of letters, digits, "_" and "-"' });

/**
 * Tremor's `select ... into port`: each event goes to the first (or every) port whose condition
 * holds, else to `default`. Routes are checked in the order written.
 */
export const route = defineOperator({
  name: 'route',
  description: 'Sends each event to the first (mode "first") or every (mode "all") port whose condition holds, else to the default port.',
  config: z
    .strictObject({
      routes: z
        .array(z.strictObject({ port: Port, when: expression('the condition for this port') }))
        .min(1)
        .describe('[{ port, when }], checked in order'),
      mode: z.enum(['first', 'all']).default('first').describe('first matching route only, or every matching route'),
      default: Port.default('out').describe('where events no route takes go'),
    })
    .refine((c) => new Set(c.routes.map((r) => r.port)).size === c.routes.length, { error: 'each route needs its own port' }),
  outputs: (c) => [c.default, ...c.routes.map((r) => r.port).filter((p) => p !== c.default)],
  create({ routes, mode, default: fallback }, ctx) {
    const scope = evalContext(ctx);
    const all = mode === 'all';
    // Messages made once, not per event.
    const checks = routes.map((r) => ({ ...r, what: `route "${r.port}" condition "${r.when.source}"` }));
    return perEvent(ctx, (event, emit) => {
      scope.load(event);
      let taken = false;
      for (const r of checks) {
        if (!truth(r.when.evaluate(scope), r.what)) continue;
        taken = true;
        if (r.port === fallback) emit(event);
        else ctx.emit(r.port, event);
        if (!all) return;
      }
      if (!taken) emit(event);
    });
  },
});
