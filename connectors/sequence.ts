/**
 * An example custom connector, written the way a user writes one: a source of numbered events,
 * `{ seq, at }`, `count` of them `interval_ms` apart (0 = as fast as flow control allows), then its
 * stream ends and it has finished. Use it from a flow with `use: ['./connectors/sequence.ts']` and `type: 'sequence'`.
 */
import { z } from 'zod';
import { defineConnector } from 'tremolo';

export default defineConnector({
  kind: 'sequence',
  description: 'Emits `count` numbered events `{ seq, at }`, `interval_ms` apart, then ends its stream.',
  config: z.strictObject({
    count: z.number().int().min(0).describe('how many events'),
    interval_ms: z.number().min(0).default(0).describe('pause between events; 0 sends them in batches as fast as allowed'),
    start: z.number().int().default(1).describe('the first sequence number'),
  }),
  codec: 'structured',
  ports: { in: [], out: ['out', 'err'] },
  create(config, ctx) {
    let next = config.start;
    const last = config.start + config.count - 1;
    let paused = false;
    let timer: NodeJS.Timeout | undefined;
    const stream = ctx.openStream(ctx.meta({}));

    const pump = (): void => {
      timer = undefined;
      // A batch per tick keeps the event loop responsive when interval_ms is 0.
      const batch = config.interval_ms > 0 ? 1 : 256;
      for (let i = 0; i < batch && !paused && next <= last; i++) stream.pushValue({ seq: next++, at: Date.now() });
      if (next > last) {
        stream.end();
        ctx.finished(); // nothing more will come: a flow whose sources have all finished ends
      } else if (!paused) timer = setTimeout(pump, config.interval_ms);
    };

    return {
      run: () => pump(),
      pause() {
        paused = true;
        clearTimeout(timer);
        timer = undefined;
      },
      resume() {
        paused = false;
        if (timer === undefined && next <= last) timer = setTimeout(pump, config.interval_ms);
      },
      quiesce() {
        paused = true;
        clearTimeout(timer);
      },
    };
  },
});
