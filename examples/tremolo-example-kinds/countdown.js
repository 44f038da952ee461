// @ts-check
import { z } from 'zod';
import { defineConnector } from 'tremolo';

/**
 * A source that counts down: `{ remaining }` from `from` to 0, `interval_ms` apart, then its stream
 * ends. Plain JavaScript: the package is used as installed, with no build step.
 */
export const countdown = defineConnector({
  kind: 'countdown',
  description: 'Emits `{ remaining }` from `from` down to 0, `interval_ms` apart, then ends its stream.',
  metadata: '`meta.countdown = { from }` on every event.',
  config: z.strictObject({
    from: z.number().int().min(0).describe('the first number; the last is 0'),
    interval_ms: z.number().min(0).default(0).describe('pause between events; 0 sends them as fast as flow control allows'),
  }),
  codec: 'structured',
  ports: { in: [], out: ['out', 'err'] },
  create(config, ctx) {
    let remaining = config.from;
    let paused = false;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const stream = ctx.openStream(ctx.meta({ from: config.from }));

    const next = () => {
      timer = undefined;
      // Several events per tick when there is no pause between them, so the event loop stays free.
      const batch = config.interval_ms > 0 ? 1 : 256;
      for (let i = 0; i < batch && !paused && remaining >= 0; i++) stream.pushValue({ remaining: remaining-- });
      if (remaining < 0) {
        stream.end();
        // Nothing more will come: a flow whose sources have all finished ends (tremolo run exits 0).
        ctx.finished();
      } else if (!paused) timer = setTimeout(next, config.interval_ms);
    };
    const halt = () => {
      paused = true;
      clearTimeout(timer);
      timer = undefined;
    };

    return {
      run: next,
      pause: halt,
      resume() {
        paused = false;
        if (timer === undefined && remaining >= 0) timer = setTimeout(next, config.interval_ms);
      },
      quiesce: halt,
    };
  },
});
