import {
  CollectAcc,
  CountAcc,
  FirstAcc,
  LastAcc,
  MaxAcc,
  MeanAcc,
  MinAcc,
  SumAcc,
  VarAcc,
  type Accumulator,
} from './accumulators.js';
import { PercentileAcc, type Samples } from './percentiles.js';

/** An aggregate function of `window`: how it is called and what it accumulates. */
export interface AggregateFunction {
  readonly name: string;
  /** 0: `count()`; 1: `f(expr)`; 2: `percentile(expr, q)`. */
  readonly arity: 0 | 1 | 2;
  /** Takes numbers only: another type sends the event to `err`. */
  readonly numeric: boolean;
  /** The percentile a `pNN` function stands for. */
  readonly quantile?: number;
  /** Reads the window's store of the argument's values (percentiles) instead of accumulating. */
  readonly samples: boolean;
  /** A new accumulator; percentiles read the window's shared store of the argument's values. */
  make(samples: Samples | undefined, quantile: number | undefined): Accumulator;
}

const simple = (name: string, arity: 0 | 1, numeric: boolean, make: () => Accumulator): AggregateFunction => ({
  name,
  arity,
  numeric,
  samples: false,
  make,
});

const percentile = (name: string, quantile?: number): AggregateFunction => ({
  name,
  arity: quantile === undefined ? 2 : 1,
  numeric: true,
  samples: true,
  ...(quantile === undefined ? {} : { quantile }),
  make: (samples, q) => new PercentileAcc(samples!, q!),
});

const FUNCTIONS: readonly AggregateFunction[] = [
  simple('count', 0, false, () => new CountAcc()),
  simple('sum', 1, true, () => new SumAcc()),
  simple('mean', 1, true, () => new MeanAcc()),
  simple('min', 1, true, () => new MinAcc()),
  simple('max', 1, true, () => new MaxAcc()),
  simple('var', 1, true, () => new VarAcc(false)),
  simple('stdev', 1, true, () => new VarAcc(true)),
  percentile('p50', 0.5),
  percentile('p90', 0.9),
  percentile('p95', 0.95),
  percentile('p99', 0.99),
  percentile('p999', 0.999),
  percentile('percentile'),
  simple('first', 1, false, () => new FirstAcc()),
  simple('last', 1, false, () => new LastAcc()),
  simple('collect', 1, false, () => new CollectAcc()),
];

const BY_NAME: ReadonlyMap<string, AggregateFunction> = new Map(FUNCTIONS.map((f) => [f.name, f]));

export const aggregateFunction = (name: string): AggregateFunction | undefined => BY_NAME.get(name);
export const aggregateFunctionNames = (): string[] => FUNCTIONS.map((f) => f.name);
