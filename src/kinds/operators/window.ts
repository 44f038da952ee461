import { z } from 'zod';
import { defineOperator } from '../../sdk/operator-api.js';
import { aggregates } from './aggregates/parse.js';
import { AggregatePlan } from './aggregates/plan.js';
import { expression } from '../../lang/fields.js';
import { groupBy } from './shared/group-by.js';
import { holding } from './shared/holding.js';
import { Windows } from './window-frames.js';

const exactlyOne = (c: { size?: number | undefined; interval_ms?: number | undefined }): boolean => (c.size === undefined) !== (c.interval_ms === undefined);
const ONE_OF = 'expected exactly one of "size" (events) and "interval_ms" (time)';

const size = (what: string) => z.int().positive().optional().describe(`a window closes when it has counted this many ${what} (per group)`);
const intervalMs = z.number().positive().optional().describe('a window closes every interval_ms (see `aligned`)');
const aligned = z
  .boolean()
  .default(true)
  .describe('time windows: true closes them at multiples of interval_ms on the clock (60000: on the minute); false interval_ms after the window\'s first event, as Tremor does');
const name = z.string().min(1).optional().describe('the window\'s name, in meta.window.name (Tremor\'s `window`)');

const tiltWindow = z.strictObject({ name, size: size('windows of the window before'), interval_ms: intervalMs, aligned }).refine(exactlyOne, { error: ONE_OF });

const windowConfig = z
  .strictObject({
    name,
    size: size('events'),
    interval_ms: intervalMs,
    aligned,
    tilt: z
      .array(tiltWindow)
      .min(1)
      .optional()
      .describe('further windows (a tilt frame, Tremor\'s `from in[w1, w2]`): each takes in the windows the one before emits, merging their aggregates, and emits the merged record in turn; its size counts those windows, its interval times from the first'),
    group_by: groupBy('one window per distinct value of this (compared deeply), available as `group`').optional(),
    max_groups: z
      .int()
      .positive()
      .default(1000)
      .describe('how many groups may have a window at once; an event that would open one more goes to `err` ("Maxmimum amount of groups reached (N). Ignoring group [N+1]", Tremor\'s words), counted nowhere'),
    emit_empty_windows: z
      .boolean()
      .default(false)
      .describe('time windows: each tick also emits, with count 0, the groups seen before that got no event; such groups are kept, and count toward max_groups, until the operator stops'),
    aggregates: aggregates(
      'output name → aggregate: count(), sum(x), mean(x), min(x), max(x), var(x), stdev(x), p50(x), p90(x), p95(x), p99(x), p999(x), percentile(x, q), first(x), last(x), collect(x); x is an expression',
    ),
    select: expression('the event made of a window: `event` is the record of aggregates, `group` the group, `$.window` the window (default: the record)').optional(),
    meta: z
      .enum(['window', 'closing_event'])
      .default('window')
      .describe('the metadata of the event a window makes: `window` is { window: { name, group, count, start_ms, end_ms } }; `closing_event` is that of the event that filled a count window, and {} for a window closed by time or by the end of the input (Tremor)'),
    emit_partial: z
      .boolean()
      .default(true)
      .describe('when the input completes, the open windows are emitted; false: a window is emitted only when it is full or its time has come, as Tremor\'s: time windows still close on time before the output completes, and count windows that can no longer fill are dropped (their events acked)'),
  })
  .refine(exactlyOne, { error: ONE_OF })
  .refine((c) => !c.emit_empty_windows || c.interval_ms !== undefined, {
    error: '"emit_empty_windows" needs a time window ("interval_ms"): a count window is never empty',
    path: ['emit_empty_windows'],
  })
  .refine((c) => !c.emit_empty_windows || c.tilt === undefined, {
    error: '"emit_empty_windows" and "tilt" do not go together: a tilt frame\'s windows are made of the windows before them',
    path: ['emit_empty_windows'],
  });

export type WindowConfig = z.output<typeof windowConfig>;

/**
 * Tumbling windows, Tremor's `select ... from in[window] group by ...`: by event count (`size`,
 * per group) or by time (`interval_ms`), one per group, each emitted as one event: the record of
 * its aggregates (or what `select` makes of it), `meta.window = { group, count, start_ms, end_ms }`,
 * and the origins of every event it counted, so a reply reaches each connection that contributed.
 * Events held by a window are settled (acked or failed) with the event it makes.
 */
export const window = defineOperator({
  name: 'window',
  description:
    'Tumbling windows by event count (`size`) or by time (`interval_ms`, on the clock or from the first event: `aligned`), one per `group_by` value, each emitted as one event: the record of its `aggregates` (or `select` of it), with `meta.window = { name, group, count, start_ms, end_ms }` and the origins of every event counted; a transactional event is acked or failed with the window it went into. `group_by` is an expression, or a list of dimensions where `{ each: list }` puts the event in one group per element (the group is then the list of the dimensions\' values). `tilt` adds windows that merge the windows before them (Tremor\'s tilt frames, `from in[w1, w2]`). An empty window gives count 0, sum 0, collect [] and null for the rest; var and stdev are the sample variance and deviation (n - 1), null below two values; percentiles are exact (nearest rank). A value of the wrong type for a numeric aggregate sends the event to `err`, uncounted; null is skipped. When the input completes, open windows are emitted (`emit_partial`).',
  config: windowConfig,
  create(config, ctx) {
    const plan = new AggregatePlan(config.aggregates);
    return holding(ctx, (io) => new Windows(config, plan, ctx, io));
  },
});
