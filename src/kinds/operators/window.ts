import { z } from 'zod';
import type { EvalContext, Expression } from '../../lang/expr/index.js';
import { isRuntimeError, quote, reason, RuntimeError } from '../../sdk/errors.js';
import { dispatched, type Meta, type TremoloEvent } from '../../sdk/event.js';
import { defineOperator, type OperatorContext } from '../../sdk/operator-api.js';
import { aggregates } from './aggregates/parse.js';
import { AggregatePlan, type AggregateState } from './aggregates/plan.js';
import { Contributors } from './shared/contributors.js';
import { expression } from '../../lang/fields.js';
import { evalContext, type EventScope } from './shared/per-event.js';
import { stableKey, type StableKey } from './shared/stable-key.js';
import { holding, type Holder, type HolderIO } from './shared/holding.js';
import type { Timer } from './shared/timer.js';

/** The open window of one group. Recycled once closed, so steady traffic allocates per window at most. */
interface Group {
  value: unknown;
  count: number;
  startMs: number;
  readonly aggregates: AggregateState;
  readonly from: Contributors;
}

const windowConfig = z
  .strictObject({
    size: z.int().positive().optional().describe('a window closes when it has counted this many events (per group)'),
    interval_ms: z.number().positive().optional().describe('a window closes every interval_ms, at multiples of interval_ms on the clock'),
    group_by: expression('one window per distinct value of this (compared deeply), available as `group`').optional(),
    max_groups: z.int().positive().default(1000).describe('how many groups may have a window at once; an event of one more group goes to `err`'),
    emit_empty_windows: z
      .boolean()
      .default(false)
      .describe('time windows: each tick also emits, with count 0, the groups seen before that got no event; such groups are kept, and count toward max_groups, until the operator stops'),
    aggregates: aggregates(
      'output name → aggregate: count(), sum(x), mean(x), min(x), max(x), var(x), stdev(x), p50(x), p90(x), p95(x), p99(x), p999(x), percentile(x, q), first(x), last(x), collect(x); x is an expression',
    ),
    select: expression('the event made of a window: `event` is the record of aggregates, `group` the group, `$.window` the window (default: the record)').optional(),
  })
  .refine((c) => (c.size === undefined) !== (c.interval_ms === undefined), { error: 'expected exactly one of "size" (events) and "interval_ms" (time)' })
  .refine((c) => !c.emit_empty_windows || c.interval_ms !== undefined, {
    error: '"emit_empty_windows" needs a time window ("interval_ms"): a count window is never empty',
    path: ['emit_empty_windows'],
  });

/**
 * Tumbling windows, Tremor's `select ... from in[window] group by ...`: by event count (`size`,
 * per group) or by time (`interval_ms`, aligned to multiples of the interval on the scheduler's
 * clock, so 60000 closes windows on the minute). A window leaves as one event: the record of its
 * aggregates (or what `select` makes of it), `meta.window = { group, count, start_ms, end_ms }`,
 * and the origins of every event it counted, so a reply reaches each connection that contributed.
 * A time window's start_ms and end_ms are its bounds; a count window's are the times of its first
 * event and of its close: its last event, or the input's end for a partial window (so that the
 * clock is read twice per window, not once per event).
 *
 * The time window's timer runs only while a window is open: an idle window costs nothing. With
 * `emit_empty_windows`, a group once seen is kept (and counts toward `max_groups`) until the
 * operator stops, and each tick emits it, with count 0 when it got nothing.
 */
export const window = defineOperator({
  name: 'window',
  description:
    'Tumbling windows by event count (`size`) or by time (`interval_ms`), one per `group_by` value, each emitted as one event: the record of its `aggregates` (or `select` of it), with `meta.window = { group, count, start_ms, end_ms }` and the origins of every event counted. An empty window gives count 0, sum 0, collect [] and null for the rest; var and stdev are the sample variance and deviation (n - 1), null below two values; percentiles are exact (nearest rank). A value of the wrong type for a numeric aggregate sends the event to `err`, uncounted; null is skipped. When the input completes, open windows are emitted.',
  config: windowConfig,
  create(config, ctx) {
    const plan = new AggregatePlan(config.aggregates);
    return holding(ctx, (io) => new Windows(config, plan, ctx, io));
  },
});

type WindowConfig = z.output<typeof windowConfig>;

/**
 * The open windows of one operator instance. A class rather than closures over the operator's
 * state: its `next` is then one function V8 knows however many pipelines hold a window (see
 * `fuseStages`).
 */
class Windows implements Holder {
  readonly #size: number | undefined;
  readonly #interval: number | undefined;
  readonly #groupBy: Expression | undefined;
  readonly #maxGroups: number;
  readonly #emitEmpty: boolean;
  readonly #select: Expression | undefined;
  readonly #scope: EventScope;
  readonly #selectScope: EvalContext;
  readonly #groups = new Map<StableKey, Group>();
  readonly #spare: Group[] = [];
  readonly #tick: Timer;
  /** End of the open time window. */
  #boundary = 0;
  // The group of the previous event: without group_by, or in a run of one group, no Map lookup.
  #lastKey: StableKey = null;
  #lastGroup: Group | undefined;

  constructor(
    config: WindowConfig,
    private readonly plan: AggregatePlan,
    private readonly ctx: OperatorContext,
    private readonly io: HolderIO,
  ) {
    this.#size = config.size;
    this.#interval = config.interval_ms;
    this.#groupBy = config.group_by;
    this.#maxGroups = config.max_groups;
    this.#emitEmpty = config.emit_empty_windows;
    this.#select = config.select;
    this.#scope = evalContext(ctx);
    this.#selectScope = evalContext(ctx);
    this.#tick = io.timer(() => {
      const interval = this.#interval!;
      this.#closeAll(this.#boundary - interval, this.#boundary);
      if (this.#groups.size > 0) this.#armTick(ctx.scheduler.now());
    });
  }

  next(event: TremoloEvent): void {
    const scope = this.#scope;
    scope.load(event);
    let value: unknown = null;
    let key: StableKey = null;
    if (this.#groupBy !== undefined) {
      scope.group = null;
      value = this.#groupBy.evaluate(scope);
      key = stableKey(value);
    }
    const groups = this.#groups;
    let group = this.#lastGroup !== undefined && key === this.#lastKey ? this.#lastGroup : groups.get(key);
    if (group === undefined && groups.size >= this.#maxGroups) {
      throw new RuntimeError(
        'ERR_OPERATOR_FAILED',
        `group ${quote(value)} refused: max_groups is ${this.#maxGroups}, and ${groups.size} groups have an open window`,
      );
    }
    scope.group = value;
    // Every argument is evaluated (and may throw) before any window changes.
    const plan = this.plan;
    const arity = plan.arity;
    let single: unknown;
    if (arity === 1) single = plan.evaluateSingle(scope);
    else if (arity > 1) plan.evaluate(scope);
    if (group === undefined) groups.set(key, (group = this.#open(value)));
    this.#lastKey = key;
    this.#lastGroup = group;
    if (arity === 1) group.aggregates.addSingle(single);
    else if (arity > 1) group.aggregates.add(plan.values);
    group.from.add(event);
    const size = this.#size;
    if (size === undefined) {
      group.count++;
      if (!this.#tick.armed) this.#armTick(this.ctx.scheduler.now());
      return;
    }
    // The clock is read when a count window opens and when it closes, not for every event.
    if (group.count++ === 0) group.startMs = this.ctx.scheduler.now();
    if (group.count >= size) {
      groups.delete(key);
      this.#lastGroup = undefined;
      this.#close(group, group.startMs, this.ctx.scheduler.now());
      this.#recycle(group);
    }
  }

  flush(): void {
    this.#tick.cancel();
    const now = this.ctx.scheduler.now();
    if (this.#size === undefined) {
      if (this.#groups.size > 0) this.#closeAll(this.#boundary - this.#interval!, now);
    } else {
      for (const group of this.#groups.values()) this.#close(group, group.startMs, now);
    }
    this.#groups.clear();
    this.#lastGroup = undefined;
  }

  stop(): void {
    this.#tick.cancel();
  }

  #open(value: unknown): Group {
    const group = this.#spare.pop() ?? { value, count: 0, startMs: 0, aggregates: this.plan.state(), from: new Contributors() };
    group.value = value;
    return group;
  }

  // Its aggregates were reset and its contributors taken when it closed (or it never counted an event since).
  #recycle(group: Group): void {
    group.count = 0;
    this.#spare.push(group);
  }

  #close(group: Group, startMs: number, endMs: number): void {
    const record = group.aggregates.result(group.count);
    const meta: Meta = { window: { group: group.value, count: group.count, start_ms: startMs, end_ms: endMs } };
    group.count = 0;
    group.aggregates.reset();
    const select = this.#select;
    if (select === undefined) {
      dispatched(group.from.build(record, meta), this.io.emit);
      return;
    }
    let data: unknown;
    try {
      const scope = this.#selectScope;
      scope.event = record;
      scope.meta = meta;
      scope.group = group.value;
      data = select.evaluate(scope);
    } catch (err) {
      this.ctx.error(group.from.build(record, meta), isRuntimeError(err) ? err.code : 'ERR_OPERATOR_FAILED', `select ${JSON.stringify(select.source)}: ${reason(err)}`);
      return;
    }
    dispatched(group.from.build(data, meta), this.io.emit);
  }

  /** Time windows: the tick at `boundary` (or the input's end) closes every group's window. */
  #closeAll(startMs: number, endMs: number): void {
    for (const [key, group] of this.#groups) {
      if (group.count > 0 || this.#emitEmpty) this.#close(group, startMs, endMs);
      if (!this.#emitEmpty) {
        this.#groups.delete(key);
        this.#recycle(group);
        this.#lastGroup = undefined;
      }
    }
  }

  #armTick(now: number): void {
    const interval = this.#interval!;
    this.#boundary = (Math.floor(now / interval) + 1) * interval;
    this.#tick.arm(this.#boundary - now);
  }
}
