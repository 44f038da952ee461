import type { Expr } from '../../lang/troy/ast.js';
import { TroyError, unsupported, type Place } from '../../lang/troy/errors.js';
import { literal, member } from './expr-text.js';
import { strictText } from './strict-sites.js';
import type { WindowScope } from './translate-env.js';
import type { Translator } from './translate-expr.js';

/**
 * Tremor's aggregate functions, collected from a windowed select into the `aggregates` of a
 * `window` operator. The select's value then reads each aggregate from the window's record
 * (`event.mean`), so `select {"m": aggr::stats::mean(event.x) * 2}` keeps its shape.
 */
const SIMPLE: ReadonlyMap<string, string> = new Map([
  ['aggr::stats::sum', 'sum'],
  ['aggr::stats::mean', 'mean'],
  ['aggr::stats::min', 'min'],
  ['aggr::stats::max', 'max'],
  ['aggr::stats::var', 'var'],
  ['aggr::stats::stdev', 'stdev'],
  ['aggr::win::first', 'first'],
  ['aggr::win::last', 'last'],
  ['aggr::win::collect_flattened', 'collect'],
  ['aggr::win::collect_nested', 'collect'],
]);

/** Tremor's default percentiles of hdr and dds. */
const DEFAULT_PERCENTILES = ['0.5', '0.9', '0.95', '0.99', '0.999', '0.9999', '1.0'];

export class AggregateCollector {
  /** Output name → aggregate, as the window operator takes them. */
  readonly aggregates: Record<string, string> = {};
  readonly #byText = new Map<string, string>();

  constructor(
    /** Translates an aggregate's argument, which reads each event of the window. */
    private readonly perEvent: Translator,
  ) {}

  scope(name: string): WindowScope {
    return { name, aggregate: (canonical, args, at) => this.#call(canonical, args, at) };
  }

  /** One aggregate of the window's record; the same call twice is computed once. */
  #add(fn: string, args: readonly string[]): string {
    // Each argument is an expression of its own (the window parses the call), strict on its own.
    const text = `${fn}(${args.map(strictText).join(', ')})`;
    let name = this.#byText.get(text);
    if (name === undefined) {
      name = fn;
      for (let n = 2; name in this.aggregates; n++) name = `${fn}_${n}`;
      this.aggregates[name] = text;
      this.#byText.set(text, name);
    }
    return member('event', name);
  }

  #call(canonical: string, args: readonly Expr[], at: Place): string {
    const arity = (n: number): void => {
      if (args.length !== n) throw new TroyError('ERR_FLOW_INVALID', at, `${canonical} takes ${n === 0 ? 'no arguments' : n === 1 ? 'one argument' : `${n} arguments`}, got ${args.length}`);
    };
    if (canonical === 'aggr::stats::count') {
      // Tremor counts events whatever its argument is.
      if (args.length > 1) arity(0);
      return this.#add('count', []);
    }
    const simple = SIMPLE.get(canonical);
    if (simple !== undefined) {
      arity(1);
      return this.#add(simple, [this.perEvent.expr(args[0]!)]);
    }
    if (canonical === 'aggr::stats::percentile') {
      arity(2);
      return this.#add('percentile', [this.perEvent.expr(args[0]!), String(this.#quantile(args[1]!))]);
    }
    if (canonical === 'aggr::stats::hdr' || canonical === 'aggr::stats::dds') return this.#summary(canonical, args, at);
    throw unsupported(at, `${canonical}(...)`, 'supported aggregates: aggr::stats::count, sum, mean, min, max, var, stdev, percentile, hdr, dds and aggr::win::first, last, collect_flattened, collect_nested');
  }

  /** hdr and dds: a record of summary statistics with the percentiles asked for (exact here, not estimated). */
  #summary(canonical: string, args: readonly Expr[], at: Place): string {
    if (args.length < 1 || args.length > 2) throw new TroyError('ERR_FLOW_INVALID', at, `${canonical} takes a value and optionally a list of percentiles, got ${args.length} arguments`);
    const x = this.perEvent.expr(args[0]!);
    let percentiles = DEFAULT_PERCENTILES;
    const list = args[1];
    if (list !== undefined) {
      if (list.kind !== 'array') throw new TroyError('ERR_FLOW_INVALID', list.at, `${canonical} takes the percentiles as a list of strings such as ["0.5", "0.99"]`);
      percentiles = list.items.map((item) => {
        if (item.kind !== 'string' || item.parts.some((p) => typeof p !== 'string')) {
          throw new TroyError('ERR_FLOW_INVALID', item.at, `${canonical} takes the percentiles as strings such as "0.99"`);
        }
        return item.parts.join('');
      });
    }
    const fields: [string, string][] = [
      ['count', this.#add('count', [])],
      ['min', this.#add('min', [x])],
      ['max', this.#add('max', [x])],
      ['mean', this.#add('mean', [x])],
    ];
    if (canonical === 'aggr::stats::hdr') fields.push(['stdev', this.#add('stdev', [x])], ['var', this.#add('var', [x])]);
    else fields.push(['sum', this.#add('sum', [x])]);
    const ps = percentiles.map((p): [string, string] => {
      const q = Number(p);
      if (!(q >= 0 && q <= 1)) throw new TroyError('ERR_FLOW_INVALID', list?.at ?? at, `a percentile is a number from 0 to 1, got ${JSON.stringify(p)}`);
      return [p, this.#add('percentile', [x, String(q)])];
    });
    const record = (entries: [string, string][]): string => `{${entries.map(([k, v]) => `${literal(k)}: ${v}`).join(', ')}}`;
    return record([...fields, ['percentiles', record(ps)]]);
  }

  #quantile(e: Expr): number {
    if (e.kind === 'literal' && typeof e.value === 'number' && e.value >= 0 && e.value <= 1) return e.value;
    if (e.kind === 'string' && e.parts.length === 1 && typeof e.parts[0] === 'string') {
      const q = Number(e.parts[0]);
      if (q >= 0 && q <= 1) return q;
    }
    throw new TroyError('ERR_FLOW_INVALID', e.at, 'aggr::stats::percentile takes a fixed quantile from 0 to 1 as its second argument, e.g. 0.99');
  }
}
