/**
 * One aggregate of one window, fed one value per event. Numeric accumulators are only ever given
 * a number, a bigint or null (the plan checks the type first, so that an event is counted by all
 * aggregates or by none), and skip null: a missing field is not a zero.
 *
 * What each gives for a window with no value: count 0, sum 0, collect [], everything else null.
 * var and stdev are the sample variance and deviation (n − 1), as Tremor's aggr::stats::var, and
 * null below two values (Tremor gives 0 for none and NaN for one, which JSON cannot carry).
 */
export interface Accumulator {
  add(value: unknown): void;
  /** The aggregate of the window; `count` is how many events the window counted. */
  result(count: number): unknown;
  /** Ready for the next window, without giving back storage where it can be kept. */
  reset(): void;
  /** Takes in a closed window's accumulator of the same aggregate (a tilt frame's next window). */
  merge(other: this): void;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v as bigint));

/** count(): the window's own count, nothing to do per event. */
export class CountAcc implements Accumulator {
  add(): void {}
  result(count: number): number {
    return count;
  }
  reset(): void {}
  merge(): void {}
}

export class SumAcc implements Accumulator {
  #sum = 0;
  add(v: unknown): void {
    if (v != null) this.#sum += num(v);
  }
  result(): number {
    return this.#sum;
  }
  reset(): void {
    this.#sum = 0;
  }
  merge(other: SumAcc): void {
    this.#sum += other.#sum;
  }
}

export class MeanAcc implements Accumulator {
  #sum = 0;
  #n = 0;
  add(v: unknown): void {
    if (v == null) return;
    this.#sum += num(v);
    this.#n++;
  }
  result(): number | null {
    return this.#n === 0 ? null : this.#sum / this.#n;
  }
  reset(): void {
    this.#sum = 0;
    this.#n = 0;
  }
  merge(other: MeanAcc): void {
    this.#sum += other.#sum;
    this.#n += other.#n;
  }
}

export class MinAcc implements Accumulator {
  #min = Infinity;
  #n = 0;
  add(v: unknown): void {
    if (v == null) return;
    const x = num(v);
    if (x < this.#min) this.#min = x;
    this.#n++;
  }
  result(): number | null {
    return this.#n === 0 ? null : this.#min;
  }
  reset(): void {
    this.#min = Infinity;
    this.#n = 0;
  }
  merge(other: MinAcc): void {
    if (other.#min < this.#min) this.#min = other.#min;
    this.#n += other.#n;
  }
}

export class MaxAcc implements Accumulator {
  #max = -Infinity;
  #n = 0;
  add(v: unknown): void {
    if (v == null) return;
    const x = num(v);
    if (x > this.#max) this.#max = x;
    this.#n++;
  }
  result(): number | null {
    return this.#n === 0 ? null : this.#max;
  }
  reset(): void {
    this.#max = -Infinity;
    this.#n = 0;
  }
  merge(other: MaxAcc): void {
    if (other.#max > this.#max) this.#max = other.#max;
    this.#n += other.#n;
  }
}

/** Welford's running mean and sum of squared deviations: stable where Σx² − (Σx)²/n cancels out. */
export class VarAcc implements Accumulator {
  #n = 0;
  #mean = 0;
  #m2 = 0;
  constructor(private readonly root: boolean) {}
  add(v: unknown): void {
    if (v == null) return;
    const x = num(v);
    this.#n++;
    const delta = x - this.#mean;
    this.#mean += delta / this.#n;
    this.#m2 += delta * (x - this.#mean);
  }
  result(): number | null {
    if (this.#n < 2) return null;
    const variance = this.#m2 / (this.#n - 1);
    return this.root ? Math.sqrt(variance) : variance;
  }
  reset(): void {
    this.#n = 0;
    this.#mean = 0;
    this.#m2 = 0;
  }
  /** Chan et al.'s pairwise combination of two Welford states. */
  merge(other: VarAcc): void {
    const n = this.#n + other.#n;
    if (other.#n === 0) return;
    const delta = other.#mean - this.#mean;
    this.#m2 += other.#m2 + (delta * delta * this.#n * other.#n) / n;
    this.#mean += (delta * other.#n) / n;
    this.#n = n;
  }
}

/** first(): the value of the window's first event, null included. */
export class FirstAcc implements Accumulator {
  #value: unknown = null;
  #has = false;
  add(v: unknown): void {
    if (this.#has) return;
    this.#value = v ?? null;
    this.#has = true;
  }
  result(): unknown {
    return this.#value;
  }
  reset(): void {
    this.#value = null;
    this.#has = false;
  }
  merge(other: FirstAcc): void {
    if (this.#has || !other.#has) return;
    this.#value = other.#value;
    this.#has = true;
  }
}

/** last(): the value of the window's last event, null included. */
export class LastAcc implements Accumulator {
  #value: unknown = null;
  #has = false;
  add(v: unknown): void {
    this.#value = v ?? null;
    this.#has = true;
  }
  result(): unknown {
    return this.#value;
  }
  reset(): void {
    this.#value = null;
    this.#has = false;
  }
  merge(other: LastAcc): void {
    if (!other.#has) return;
    this.#value = other.#value;
    this.#has = true;
  }
}

/** collect(): every event's value in order, null included, so it lines up with the events. */
export class CollectAcc implements Accumulator {
  #items: unknown[] = [];
  add(v: unknown): void {
    this.#items.push(v ?? null);
  }
  result(): unknown[] {
    return this.#items;
  }
  reset(): void {
    // The array went out with the window's event: the next window needs its own.
    this.#items = [];
  }
  merge(other: CollectAcc): void {
    for (const item of other.#items) this.#items.push(item);
  }
}
