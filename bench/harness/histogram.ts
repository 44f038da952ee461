/**
 * A log-linear latency histogram in the manner of HdrHistogram: 64 linear sub-buckets per power of
 * two, so any recorded value is off by at most 1/64 (1.6 %) and memory is fixed (a few KiB) however
 * many samples a run records. Values are nanoseconds.
 */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
// 2^42 ns is more than an hour: nothing a bounded benchmark waits for.
const MAX_EXP = 42;

export class Histogram {
  readonly counts = new Float64Array(SUB + (MAX_EXP - SUB_BITS + 1) * SUB);
  count = 0;
  max = 0;
  #sum = 0;

  record(ns: number): void {
    const v = ns < 0 ? 0 : Math.round(ns);
    this.counts[indexOf(v)]!++;
    this.count++;
    this.#sum += v;
    if (v > this.max) this.max = v;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.#sum / this.count;
  }

  /** The value at quantile `q` (0..1), nearest rank, reported at its bucket's upper edge. */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.max);
    }
    return this.max;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.#sum += other.mean * other.count;
    if (other.max > this.max) this.max = other.max;
  }
}

function indexOf(v: number): number {
  if (v < SUB) return v;
  const exp = Math.min(Math.floor(Math.log2(v)), MAX_EXP);
  const sub = Math.floor(v / 2 ** (exp - SUB_BITS)) - SUB;
  return SUB + (exp - SUB_BITS) * SUB + Math.min(sub, SUB - 1);
}

function upperEdge(index: number): number {
  if (index < SUB) return index;
  const exp = Math.floor((index - SUB) / SUB) + SUB_BITS;
  const sub = (index - SUB) % SUB;
  return (SUB + sub + 1) * 2 ** (exp - SUB_BITS) - 1;
}
