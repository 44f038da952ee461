import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { nowNs } from '../../sdk/event.js';

/**
 * Tremor's metrics as events: every interval, for each connector port of the flow, a
 * `connector_events` record with flow, connector and port tags and the count so far, and for each
 * pipeline port an `events` record. A connector's own `metrics_interval_s` sets its cadence.
 */
export const metrics = defineConnector({
  kind: 'metrics',
  description:
    'Emits the flow’s counts as events, shaped as Tremor’s: `{ measurement: "connector_events", tags: { flow, connector, port }, fields: { count }, timestamp }` and `events` for pipeline ports, every `interval_s` (or a connector’s own `metrics_interval_s`). `names` renames instances in the tags (a .troy flow names them as Tremor does, `deployment::alias`).',
  config: z.strictObject({
    interval_s: z.number().positive().default(10).describe('seconds between reports of connectors without their own metrics_interval_s'),
    names: z
      .record(z.string(), z.string())
      .optional()
      .describe('the name a connector or pipeline is reported under in `tags`, by alias (a .troy flow gives Tremor\'s `deployment::alias`); one not named is reported by its alias'),
  }),
  codec: 'structured',
  ports: { in: [], out: ['out', 'err'] },
  metadata: '`meta.metrics = {}`',
  create(config, ctx) {
    const stream = ctx.openStream(ctx.meta({}));
    const timers: NodeJS.Timeout[] = [];
    const names = new Map(Object.entries(config.names ?? {}));
    const named = (alias: string): string => names.get(alias) ?? alias;

    const report = (interval: number): void => {
      const status = ctx.flowStatus();
      const timestamp = Number(nowNs());
      for (const c of status.connectors) {
        if ((c.metrics_interval_s ?? config.interval_s) !== interval || c.alias === ctx.alias) continue;
        const ports = c.ports as Record<'in' | 'out', Record<string, number>>;
        for (const direction of ['in', 'out'] as const) {
          for (const [port, count] of Object.entries(ports[direction])) {
            stream.pushValue({ measurement: 'connector_events', tags: { flow: status.id, connector: named(c.alias), port, direction }, fields: { count }, timestamp });
          }
        }
      }
      if (interval !== config.interval_s) return;
      for (const p of status.pipelines) {
        for (const direction of ['in', 'out'] as const) {
          for (const [port, count] of Object.entries(p.ports[direction] ?? {})) {
            stream.pushValue({ measurement: 'events', tags: { flow: status.id, pipeline: named(p.alias), port, direction }, fields: { count }, timestamp });
          }
        }
      }
    };

    return {
      run() {
        const intervals = new Set([config.interval_s, ...ctx.flowStatus().connectors.flatMap((c) => (c.metrics_interval_s === undefined ? [] : [c.metrics_interval_s]))]);
        for (const interval of intervals) timers.push(setInterval(() => report(interval), interval * 1000));
      },
      quiesce() {
        for (const t of timers) clearInterval(t);
      },
    };
  },
});
