import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { quote } from '../../sdk/errors.js';

/**
 * Stops the runtime. Unlike Tremor's, it honours the event: `{ exit: CODE, delay: MS }` exits with
 * that code after that delay; any other event exits with 0 after the configured delay. The flow
 * keeps the delay (events in flight go on meanwhile), and does not finish during it, so a flow
 * whose sources end meanwhile still exits with the code asked for.
 */
export const exit = defineConnector({
  kind: 'exit',
  description: 'Stops the runtime when an event arrives (or the `after`th one): `{ "exit": code, "delay": ms }` sets the exit code and a delay.',
  config: z.strictObject({
    delay: z.number().int().min(0).default(0).describe('milliseconds to wait before stopping, when the event gives none'),
    after: z.number().int().positive().default(1).describe('stop at the Nth event received (a test that expects N results)'),
    delay_unit: z
      .enum(['ms', 'ns'])
      .default('ms')
      .describe("the unit of an event's `delay`: ms, or ns as Tremor's exit connector reads it (the default in .troy flows)"),
  }),
  codec: 'structured',
  ports: { in: ['in'], out: ['err'] },
  create(config, ctx) {
    let requested = false;
    let received = 0;
    return {
      write(event) {
        if (requested || ++received < config.after) return;
        const data = event.data as { exit?: unknown; delay?: unknown } | null;
        const record = data !== null && typeof data === 'object' && !Array.isArray(data);
        const code = record && typeof data.exit === 'number' && Number.isInteger(data.exit) ? data.exit : 0;
        const given = record && typeof data.delay === 'number' && Number.isFinite(data.delay) && data.delay >= 0 ? data.delay : undefined;
        const delay = given === undefined ? config.delay : config.delay_unit === 'ns' ? given / 1e6 : given;
        if (record && data.exit !== undefined && code !== data.exit) {
          ctx.fail(event, 'ERR_CONFIG_INVALID', `${ctx.alias}: "exit" must be an integer, received ${quote(data.exit)}; exiting with 0`);
        }
        requested = true;
        ctx.log.info(`exit ${code} requested${delay > 0 ? `, in ${delay} ms` : ''}`);
        ctx.exit(Math.max(0, Math.min(255, code)), delay);
      },
    };
  },
});
