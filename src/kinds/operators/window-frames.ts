import type { EvalContext, Expression } from '../../lang/expr/index.js';
import { isRuntimeError, quote, reason, RuntimeError } from '../../sdk/errors.js';
import { dispatched, emptyMeta, type Meta, type TremoloEvent } from '../../sdk/event.js';
import type { OperatorContext } from '../../sdk/operator-api.js';
import type { AggregatePlan, AggregateState } from './aggregates/plan.js';
import { Contributors } from './shared/contributors.js';
import type { GroupBy } from './shared/group-by.js';
import type { Holder, HolderIO } from './shared/holding.js';
import { evalContext, type EventScope } from './shared/per-event.js';
import { stableKey, type StableKey } from './shared/stable-key.js';
import type { Timer } from './shared/timer.js';
import type { WindowConfig } from './window.js';

/** One window of a tilt frame (the first takes events, each next one the windows of the one before). */
interface Level {
  readonly name: string | undefined;
  readonly size: number | undefined;
  readonly interval: number | undefined;
  readonly aligned: boolean;
}

/** The open window of one level of one group. */
interface Frame {
  /** What counts toward `size`: events (first level), windows taken in (the next ones). */
  count: number;
  /** The next levels: the events in it, what count() gives (the first level's is its count). */
  events: number;
  startMs: number;
  /** Time windows: when it closes; 0 while it is not open. */
  deadline: number;
  /** The metadata of the event that filled a count window (`meta: closing_event`). */
  closing: Meta | undefined;
  readonly aggregates: AggregateState;
  readonly from: Contributors;
}

/** A group's windows, one per level. Recycled once every level is empty. */
interface Group {
  value: unknown;
  readonly frames: Frame[];
  /** frames[0], the one events go into: one load less per event. */
  readonly first: Frame;
}

/**
 * The open windows of one operator instance. A class rather than closures over the operator's
 * state: its `next` is then one function V8 knows however many pipelines hold a window (see
 * `fuseStages`).
 */
export class Windows implements Holder {
  readonly #levels: readonly Level[];
  /** The first level's size, read per event. */
  readonly #size: number | undefined;
  readonly #groupBy: GroupBy | undefined;
  readonly #maxGroups: number;
  readonly #emitEmpty: boolean;
  readonly #emitPartial: boolean;
  readonly #closingMeta: boolean;
  readonly #select: Expression | undefined;
  readonly #scope: EventScope;
  readonly #selectScope: EvalContext;
  readonly #groups = new Map<StableKey, Group>();
  readonly #spare: Group[] = [];
  readonly #tick: Timer;
  /** When the armed tick fires. */
  #armedAt = Infinity;
  // The group of the previous event: without group_by, or in a run of one group, no Map lookup.
  #lastKey: StableKey = null;
  #lastGroup: Group | undefined;
  /** The input completed while time windows were open (`emit_partial: false`): they close on time, then the output completes. */
  #ended = false;

  constructor(
    config: WindowConfig,
    private readonly plan: AggregatePlan,
    private readonly ctx: OperatorContext,
    private readonly io: HolderIO,
  ) {
    const level = (w: { name?: string | undefined; size?: number | undefined; interval_ms?: number | undefined; aligned: boolean }): Level => ({
      name: w.name,
      size: w.size,
      interval: w.interval_ms,
      aligned: w.aligned,
    });
    this.#levels = [level(config), ...(config.tilt ?? []).map(level)];
    this.#size = config.size;
    this.#groupBy = config.group_by;
    this.#maxGroups = config.max_groups;
    this.#emitEmpty = config.emit_empty_windows;
    this.#emitPartial = config.emit_partial;
    this.#closingMeta = config.meta === 'closing_event';
    this.#select = config.select;
    this.#scope = evalContext(ctx);
    this.#selectScope = evalContext(ctx);
    this.#tick = io.timer(() => this.#onTick());
  }

  next(event: TremoloEvent): void {
    const scope = this.#scope;
    scope.load(event);
    const groupBy = this.#groupBy;
    if (groupBy !== undefined && groupBy.single === undefined) {
      this.#nextOfGroups(event, groupBy.groups(scope));
      return;
    }
    let value: unknown = null;
    let key: StableKey = null;
    if (groupBy !== undefined) {
      scope.group = null;
      value = groupBy.single!.evaluate(scope);
      key = stableKey(value);
    }
    const groups = this.#groups;
    let group = this.#lastGroup !== undefined && key === this.#lastKey ? this.#lastGroup : groups.get(key);
    if (group === undefined && groups.size >= this.#maxGroups) throw this.#tooMany(value);
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
    const frame = group.first;
    if (arity === 1) frame.aggregates.addSingle(single);
    else if (arity > 1) frame.aggregates.add(plan.values);
    this.#count(group, key, frame, event);
  }

  /** An event in several groups (`each`): all are checked and evaluated before any window changes. */
  #nextOfGroups(event: TremoloEvent, values: unknown[]): void {
    const scope = this.#scope;
    const groups = this.#groups;
    const keys: StableKey[] = [];
    const distinct: unknown[] = [];
    let opening = 0;
    for (const value of values) {
      const key = stableKey(value);
      if (keys.includes(key)) continue;
      keys.push(key);
      distinct.push(value);
      if (!groups.has(key)) opening++;
    }
    if (opening > 0 && groups.size + opening > this.#maxGroups) throw this.#tooMany(distinct.find((_, i) => !groups.has(keys[i]!)));
    const plan = this.plan;
    const args = distinct.map((value) => {
      scope.group = value;
      plan.evaluate(scope);
      return [...plan.values];
    });
    this.#lastGroup = undefined;
    distinct.forEach((value, i) => {
      const key = keys[i]!;
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = this.#open(value)));
      const frame = group.first;
      if (plan.arity > 0) frame.aggregates.add(args[i]!);
      this.#count(group, key, frame, event);
    });
  }

  // Tremor's words, typo and count included: its users' tests look for them.
  #tooMany(value: unknown): RuntimeError {
    const max = this.#maxGroups;
    return new RuntimeError('ERR_OPERATOR_FAILED', `Maxmimum amount of groups reached (${max}). Ignoring group [${max + 1}]: group ${quote(value)} would open one window more than max_groups ${max}`);
  }

  #count(group: Group, key: StableKey, frame: Frame, event: TremoloEvent): void {
    frame.from.add(event);
    // The clock is read when a window opens and when a count window closes, not for every event.
    if (frame.count++ === 0) this.#begin(frame, this.#levels[0]!, this.ctx.scheduler.now());
    const size = this.#size;
    if (size !== undefined && frame.count >= size) {
      if (this.#closingMeta) frame.closing = event.meta;
      this.#close(group, 0, this.ctx.scheduler.now());
      this.#settle(key, group);
    }
  }

  flush(): void | 'later' {
    if (!this.#emitPartial) {
      // Tremor's windows close when full or on time, never because the input ended.
      this.#ended = true;
      if (this.#timedOpen()) return 'later';
      this.#dropAll();
      return;
    }
    this.#tick.cancel();
    this.#armedAt = Infinity;
    const now = this.ctx.scheduler.now();
    for (const group of this.#groups.values()) {
      group.frames.forEach((frame, i) => {
        if (frame.count === 0 && !(this.#emitEmpty && frame.deadline > 0)) return;
        this.#close(group, i, now);
      });
    }
    this.#groups.clear();
    this.#lastGroup = undefined;
  }

  /** A time window holds events: it will close on its own. */
  #timedOpen(): boolean {
    for (const group of this.#groups.values()) for (const frame of group.frames) if (frame.deadline > 0 && frame.count > 0) return true;
    return false;
  }

  #dropAll(): void {
    this.#tick.cancel();
    this.#armedAt = Infinity;
    for (const group of this.#groups.values()) for (const frame of group.frames) if (frame.count > 0) this.#drop(frame);
    this.#groups.clear();
    this.#lastGroup = undefined;
  }

  stop(): void {
    this.#tick.cancel();
  }

  #open(value: unknown): Group {
    let group = this.#spare.pop();
    if (group === undefined) {
      const frames = this.#levels.map((): Frame => ({ count: 0, events: 0, startMs: 0, deadline: 0, closing: undefined, aggregates: this.plan.state(), from: new Contributors() }));
      group = { value, frames, first: frames[0]! };
    }
    group.value = value;
    return group;
  }

  /** A window opens at `now`: a time window's deadline is set, and the tick armed for it if it is the first due. */
  #begin(frame: Frame, level: Level, now: number): void {
    const interval = level.interval;
    if (interval === undefined) {
      frame.startMs = now;
      return;
    }
    frame.startMs = level.aligned ? Math.floor(now / interval) * interval : now;
    frame.deadline = frame.startMs + interval;
    if (frame.deadline < this.#armedAt) {
      this.#armedAt = frame.deadline;
      this.#tick.arm(frame.deadline - now);
    }
  }

  /** Closes the window of `level`: emits it, and hands its aggregates and events to the next level. */
  #close(group: Group, index: number, nowMs: number): void {
    const frame = group.frames[index]!;
    const level = this.#levels[index]!;
    const timed = level.interval !== undefined && frame.deadline > 0;
    const endMs = timed && frame.deadline < nowMs ? frame.deadline : nowMs;
    const events = index === 0 ? frame.count : frame.events;
    const record = frame.aggregates.result(events);
    const window: Record<string, unknown> = { group: group.value, count: events, start_ms: frame.startMs, end_ms: endMs };
    const meta: Meta = { window: level.name === undefined ? window : { name: level.name, ...window } };
    const closing = frame.closing;
    const next = group.frames[index + 1];
    if (next !== undefined) next.aggregates.merge(frame.aggregates);
    frame.aggregates.reset();
    frame.count = 0;
    frame.events = 0;
    frame.closing = undefined;
    frame.deadline = 0;
    if (this.#emitEmpty && timed) {
      // Kept and ticking: the group's next window opens where this one ended.
      frame.startMs = endMs;
      frame.deadline = endMs + level.interval!;
    }
    const out = this.#make(frame.from, record, meta, group.value, closing);
    if (next === undefined) {
      if (out !== undefined) dispatched(out, this.io.emit);
      return;
    }
    // Held by the next window before its dispatch could ack it.
    if (out !== undefined) next.from.add(out);
    if (out !== undefined) dispatched(out, this.io.emit);
    const nextLevel = this.#levels[index + 1]!;
    if (next.count++ === 0) this.#begin(next, nextLevel, endMs);
    next.events += events;
    if (nextLevel.size !== undefined && next.count >= nextLevel.size) this.#close(group, index + 1, nowMs);
  }

  /** The event a window makes, or undefined when its select failed (it went to err). */
  #make(from: Contributors, record: Record<string, unknown>, meta: Meta, group: unknown, closing: Meta | undefined): TremoloEvent | undefined {
    const outMeta = this.#closingMeta ? (closing ?? emptyMeta()) : meta;
    const select = this.#select;
    if (select === undefined) return from.build(record, outMeta);
    let data: unknown;
    try {
      const scope = this.#selectScope;
      scope.event = record;
      scope.meta = meta;
      scope.group = group;
      data = select.evaluate(scope);
    } catch (err) {
      this.ctx.error(from.build(record, outMeta), isRuntimeError(err) ? err.code : 'ERR_OPERATOR_FAILED', `select ${JSON.stringify(select.source)}: ${reason(err)}`);
      return undefined;
    }
    return from.build(data, outMeta);
  }

  /** A window dropped unemitted (`emit_partial: false`): its events are acked, as nothing failed them. */
  #drop(frame: Frame): void {
    frame.aggregates.reset();
    frame.count = 0;
    frame.events = 0;
    frame.deadline = 0;
    dispatched(frame.from.build(null, emptyMeta()), () => {});
  }

  /** A group whose windows are all empty is forgotten (unless empty windows are emitted); true when it was. */
  #settle(key: StableKey, group: Group): boolean {
    if (this.#emitEmpty || group.frames.some((f) => f.count > 0)) return false;
    this.#groups.delete(key);
    if (this.#lastGroup === group) this.#lastGroup = undefined;
    this.#spare.push(group);
    return true;
  }

  /**
   * The tick: every time window due closes, in the order the groups opened; then the next one is
   * armed. One walk over the groups: a frame is final once visited (closing one changes only the
   * levels after it), so what stays open is noted on the way, for each group that is kept.
   */
  #onTick(): void {
    const now = this.ctx.scheduler.now();
    this.#armedAt = Infinity;
    let earliest = Infinity;
    let timedOpen = false;
    for (const [key, group] of this.#groups) {
      const frames = group.frames;
      let groupEarliest = Infinity;
      let groupOpen = false;
      for (let i = 0; i < frames.length; i++) {
        const frame = frames[i]!;
        if (frame.deadline !== 0 && frame.deadline <= now) {
          if (frame.count > 0 || this.#emitEmpty) this.#close(group, i, now);
          else frame.deadline = 0;
        }
        if (frame.deadline > 0) {
          if (frame.deadline < groupEarliest) groupEarliest = frame.deadline;
          if (frame.count > 0) groupOpen = true;
        }
      }
      if (this.#settle(key, group)) continue;
      if (groupEarliest < earliest) earliest = groupEarliest;
      if (groupOpen) timedOpen = true;
    }
    if (this.#ended && !timedOpen) {
      this.#dropAll();
      this.io.complete();
      return;
    }
    if (earliest !== Infinity) {
      this.#armedAt = earliest;
      this.#tick.arm(earliest - now);
    }
  }
}
