import type { LatencyHistogram } from './latency-histogram.js';

export interface BenchRun {
  readonly histogram: LatencyHistogram;
  /** Bytes the measured events serialise to. */
  readonly bytes: number;
  readonly count: number;
  /** Measured seconds (after the warmup). */
  readonly seconds: number;
}

/** Rows per halving of the distance to 100%, as Tremor prints them. */
const TICKS_PER_HALF = 2;
const QUANTILE_DIGITS = 5;

const pair = (l1: string, d1: string, l2: string, d2: string): string => `#[${l1.padEnd(10)} = ${d1.padStart(12)}, ${l2.padEnd(14)} = ${d2.padStart(12)}]\n`;

/** Tremor's text summary: latencies in nanoseconds by quantile, then the throughput. */
export function benchText({ histogram: h, bytes, count, seconds }: BenchRun): string {
  let text = `${'Value'.padStart(10)} ${'Percentile'.padStart(QUANTILE_DIGITS + 2)} ${'TotalCount'.padStart(10)} ${'1/(1-Percentile)'.padStart(14)}\n\n`;
  for (const row of h.quantiles(TICKS_PER_HALF)) {
    const inverse = row.quantile < 1 ? (1 / (1 - row.quantile)).toFixed(2) : 'inf';
    text += `${String(row.value).padStart(12)} ${row.quantile.toFixed(QUANTILE_DIGITS)} ${String(row.count).padStart(10)} ${inverse.padStart(14)}\n`;
  }
  text += pair('Mean', h.mean.toFixed(2), 'StdDeviation', h.stdev.toFixed(2));
  text += pair('Max', String(h.max), 'Total count', String(h.count));
  text += pair('Buckets', String(h.distinct), 'SubBuckets', String(h.distinct));
  text += `\n\nThroughput   (data): ${(bytes / seconds / (1024 * 1024)).toFixed(1)} MB/s\nThroughput (events): ${(count / seconds / 1000).toFixed(1)}k events/s\n`;
  return text;
}

/** The same as one JSON document (`structured: true`), in Tremor's field names. */
export function benchSummary({ histogram: h, bytes, count, seconds }: BenchRun): Record<string, unknown> {
  return {
    mean: h.mean,
    stdev: h.stdev,
    max: h.max,
    count: h.count,
    buckets: h.distinct,
    subbuckets: h.distinct,
    bytes,
    throughput: { events_per_second: count / seconds, bytes_per_second: bytes / seconds },
    quantiles: h.quantiles(TICKS_PER_HALF).map((r) => ({ value: r.value, quantile_to: r.quantile, count: r.count })),
  };
}
