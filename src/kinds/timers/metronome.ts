import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { nowNs } from '../../sdk/event.js';

const Config = z
  .strictObject({
    interval: z.number().positive().optional().describe('nanoseconds between events (Tremor’s unit)'),
    interval_ms: z.number().positive().optional().describe('milliseconds between events'),
  })
  .refine((c) => (c.interval === undefined) !== (c.interval_ms === undefined), {
    error: 'expected exactly one of "interval" (nanoseconds) or "interval_ms"',
  });

export const metronome = defineConnector({
  kind: 'metronome',
  description: 'Emits `{ connector: "metronome", ingest_ns, id }` at a fixed interval, as Tremor\'s metronome (since 0.12; 0.11\'s said `onramp`).',
  config: Config,
  codec: 'structured',
  ports: { in: [], out: ['out', 'err'] },
  create(config, ctx) {
    const ms = config.interval_ms ?? config.interval! / 1e6;
    let timer: NodeJS.Timeout | undefined;
    let id = 0;
    let running = false;
    const stream = ctx.openStream(ctx.meta({}));
    const tick = (): void => stream.pushValue({ connector: 'metronome', ingest_ns: Number(nowNs()), id: id++ });
    const begin = (): void => {
      if (timer === undefined && running) timer = setInterval(tick, ms);
    };
    const end = (): void => {
      clearInterval(timer);
      timer = undefined;
    };
    return {
      run() {
        running = true;
        begin();
      },
      pause: end,
      resume: begin,
      quiesce() {
        running = false;
        end();
      },
    };
  },
});
