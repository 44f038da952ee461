import type { EvalContext, Expression } from '../../../lang/expr/index.js';
import { RuntimeError } from '../../../sdk/errors.js';
import { defineKey } from '../../../sdk/values.js';
import { typeText } from '../shared/type-text.js';
import type { Accumulator } from './accumulators.js';
import type { AggregateSpec } from './parse.js';
import { Samples } from './percentiles.js';

/**
 * A window's aggregates, compiled once per operator: each distinct argument (by source) is
 * evaluated once per event however many aggregates read it (`mean(event.x)` and `p99(event.x)`),
 * into one scratch array reused for every event.
 */
export class AggregatePlan {
  readonly #specs: readonly AggregateSpec[];
  readonly #args: Expression[] = [];
  /** Per argument: the first aggregate that needs it to be a number, for the message; else undefined. */
  readonly #numericBy: (AggregateSpec | undefined)[] = [];
  /** Per aggregate: the index of its argument, -1 for count(). */
  readonly #argOf: number[] = [];
  readonly values: unknown[];

  constructor(specs: readonly AggregateSpec[]) {
    this.#specs = specs;
    const bySource = new Map<string, number>();
    for (const spec of specs) {
      if (spec.arg === undefined) {
        this.#argOf.push(-1);
        continue;
      }
      let i = bySource.get(spec.arg.source);
      if (i === undefined) {
        i = this.#args.push(spec.arg) - 1;
        bySource.set(spec.arg.source, i);
        this.#numericBy.push(undefined);
      }
      if (spec.fn.numeric && this.#numericBy[i] === undefined) this.#numericBy[i] = spec;
      this.#argOf.push(i);
    }
    this.values = new Array<unknown>(this.#args.length).fill(null);
  }

  /** How many distinct arguments the aggregates read: 0 for count() alone. */
  get arity(): number {
    return this.#args.length;
  }

  /**
   * Evaluates every argument on the event in scope into `values`. Throws, before any window has
   * changed, when an aggregate that takes numbers gets something else: the event then goes to
   * `err` and no aggregate counts it. Null (a missing field) is fine: numeric aggregates skip it.
   */
  evaluate(scope: EvalContext): void {
    const args = this.#args;
    const values = this.values;
    for (let i = 0; i < args.length; i++) values[i] = this.#checked(i, args[i]!.evaluate(scope));
  }

  /**
   * `evaluate` for the usual case of one argument (`mean(event.ms)`, `p99(event.ms)`), giving the
   * value rather than storing it: a number handed on this way can stay unboxed, where storing it
   * in `values` makes a heap object of it for every event (about 15 ns an event in bench/pipeline.ts).
   */
  evaluateSingle(scope: EvalContext): unknown {
    return this.#checked(0, this.#args[0]!.evaluate(scope));
  }

  #checked(i: number, v: unknown): unknown {
    const by = this.#numericBy[i];
    if (by !== undefined && v != null && typeof v !== 'number' && typeof v !== 'bigint') {
      throw new RuntimeError('ERR_EXPR_EVAL', `aggregate "${by.output}" ${by.source} takes numbers, received ${typeText(v)}`);
    }
    return v;
  }

  /** The accumulators of one group's window. */
  state(): AggregateState {
    const samples = new Map<number, Samples>();
    const all: Accumulator[] = [];
    const fed: Accumulator[] = [];
    const fedArg: number[] = [];
    this.#specs.forEach((spec, k) => {
      const arg = this.#argOf[k]!;
      let store: Samples | undefined;
      if (spec.fn.samples) {
        store = samples.get(arg);
        if (store === undefined) samples.set(arg, (store = new Samples()));
      }
      const acc = spec.fn.make(store, spec.quantile);
      all.push(acc);
      if (arg >= 0 && !spec.fn.samples) {
        fed.push(acc);
        fedArg.push(arg);
      }
    });
    return new AggregateState(
      this.#specs.map((s) => s.output),
      all,
      fed,
      fedArg,
      [...samples.values()],
      [...samples.keys()],
    );
  }
}

/** The running aggregates of one window of one group; reset and reused for the group's next window. */
export class AggregateState {
  constructor(
    private readonly outputs: readonly string[],
    private readonly all: readonly Accumulator[],
    /** Only the accumulators with work to do per event (not count(), not percentiles). */
    private readonly fed: readonly Accumulator[],
    private readonly fedArg: readonly number[],
    private readonly samples: readonly Samples[],
    private readonly samplesArg: readonly number[],
  ) {}

  add(values: readonly unknown[]): void {
    for (let i = 0; i < this.fed.length; i++) this.fed[i]!.add(values[this.fedArg[i]!]);
    for (let i = 0; i < this.samples.length; i++) this.samples[i]!.add(values[this.samplesArg[i]!]);
  }

  /** `add` when the plan has a single argument (see `evaluateSingle`). */
  addSingle(value: unknown): void {
    for (let i = 0; i < this.fed.length; i++) this.fed[i]!.add(value);
    for (let i = 0; i < this.samples.length; i++) this.samples[i]!.add(value);
  }

  /** The record of aggregates, in the order the config names them. */
  result(count: number): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < this.all.length; i++) defineKey(record, this.outputs[i]!, this.all[i]!.result(count));
    return record;
  }

  reset(): void {
    for (const acc of this.all) acc.reset();
    for (const s of this.samples) s.reset();
  }

  /** Takes in the state of a closed window of the same plan: a tilt frame's next window. */
  merge(other: AggregateState): void {
    for (let i = 0; i < this.all.length; i++) this.all[i]!.merge(other.all[i]!);
    for (let i = 0; i < this.samples.length; i++) this.samples[i]!.merge(other.samples[i]!);
  }
}
