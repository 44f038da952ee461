import { z } from 'zod';
import { NAME_PATTERN } from '../../sdk/names.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { perEvent } from './shared/per-event.js';

/**
 * Tremor's qos::roundrobin: events in turn over the output ports, skipping a port whose sinks
 * cannot take events now (a client disconnected, a connection over its high-water mark). When no
 * port is ready the event goes to `err`.
 */
export const roundrobin = defineOperator({
  name: 'roundrobin',
  description: 'Spreads events over `ports` in turn, skipping a port whose sinks are disconnected or over their high-water mark.',
  config: z.strictObject({
    ports: z
      .array(z.string().regex(NAME_PATTERN, { error: 'expected a port name of letters, digits, "_" and "-"' }))
      .min(2)
      .describe('the output ports, in turn')
      .refine((ports) => new Set(ports).size === ports.length, { error: 'each port once' }),
  }),
  outputs: ({ ports }) => ports,
  create({ ports }, ctx) {
    let next = 0;
    return perEvent(ctx, (event, emit) => {
      for (let tried = 0; tried < ports.length; tried++) {
        const i = (next + tried) % ports.length;
        const port = ports[i]!;
        if (!ctx.ready(port)) continue;
        next = (i + 1) % ports.length;
        if (i === 0) emit(event);
        else ctx.emit(port, event);
        return;
      }
      ctx.error(event, 'ERR_ROUTE_NO_TARGET', `no output ready (${ports.join(', ')} all disconnected or over their high-water mark)`);
    });
  },
});
