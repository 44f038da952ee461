/**
 * A connector for tests of the runtime's stream signals: it reports every stream end it hears of
 * as an event `{ ended: origin }` on `out`, and closes the origin of any event sent to it.
 */
import { z } from 'zod';
import { defineConnector } from '../../src/sdk/connector-api.js';

export default defineConnector({
  kind: 'probe',
  description: 'test probe',
  config: z.strictObject({}),
  codec: 'structured',
  ports: { in: ['in'], out: ['out', 'err'] },
  create(_config, ctx) {
    const reports = ctx.openStream(ctx.meta({}));
    return {
      originEnded: (origin) => {
        if (origin.connector !== ctx.id) reports.pushValue({ ended: origin });
      },
      write(event) {
        for (const origin of event.origins) ctx.closeOrigin(origin, 'probe says bye');
      },
    };
  },
});
