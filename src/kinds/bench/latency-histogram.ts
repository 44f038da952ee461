/**
 * Latencies kept to a number of significant figures, as an HDR histogram keeps them: memory grows
 * with the number of distinct rounded values (a few thousand), never with the number of events.
 */
export class LatencyHistogram {
  readonly #counts = new Map<number, number>();
  readonly #figures: number;
  #count = 0;
  #sum = 0;
  #sumSquares = 0;
  #max = 0;

  constructor(significantFigures: number) {
    this.#figures = significantFigures;
  }

  /** Rounds down to the significant figures: 123456 with 2 figures is 120000. */
  #bucket(value: number): number {
    if (value < 10 ** this.#figures) return value;
    const scale = 10 ** (Math.floor(Math.log10(value)) + 1 - this.#figures);
    return Math.floor(value / scale) * scale;
  }

  record(value: number): void {
    const v = Math.max(0, Math.round(value));
    const b = this.#bucket(v);
    this.#counts.set(b, (this.#counts.get(b) ?? 0) + 1);
    this.#count++;
    this.#sum += v;
    this.#sumSquares += v * v;
    if (v > this.#max) this.#max = v;
  }

  get count(): number {
    return this.#count;
  }
  get max(): number {
    return this.#max;
  }
  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }
  get stdev(): number {
    if (this.#count === 0) return 0;
    const m = this.mean;
    return Math.sqrt(Math.max(0, this.#sumSquares / this.#count - m * m));
  }
  get distinct(): number {
    return this.#counts.size;
  }

  /**
   * The quantile rows HDR histograms print with `ticksPerHalf` rows per halving of the distance to
   * 100% (0, 0.25, 0.5, 0.625, 0.75, 0.8125... for 2): each row is the value at that quantile and
   * the count of values up to it. The last row is quantile 1.
   */
  quantiles(ticksPerHalf: number): { value: number; quantile: number; count: number }[] {
    const sorted = [...this.#counts].sort((a, b) => a[0] - b[0]);
    const rows: { value: number; quantile: number; count: number }[] = [];
    if (this.#count === 0) return rows;
    let i = 0;
    let seen = sorted[0]![1];
    for (let half = 0; ; half++) {
      const base = 1 - 0.5 ** half;
      const width = 0.5 ** (half + 1);
      for (let tick = 0; tick < ticksPerHalf; tick++) {
        const q = base + (width * tick) / ticksPerHalf;
        while (seen < q * this.#count && i < sorted.length - 1) seen += sorted[++i]![1];
        rows.push({ value: sorted[i]![0], quantile: q, count: seen });
      }
      // Once a row stands for less than one value, finer rows would repeat the maximum.
      if (1 / width > this.#count) break;
    }
    rows.push({ value: sorted[sorted.length - 1]![0], quantile: 1, count: this.#count });
    return rows;
  }
}
