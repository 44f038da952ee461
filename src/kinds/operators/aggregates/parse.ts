import { z } from 'zod';
import { compile, type Expression } from '../../../lang/expr/index.js';
import { parse } from '../../../lang/expr/parse.js';
import { reason } from '../../../sdk/errors.js';
import { aggregateFunction, aggregateFunctionNames, type AggregateFunction } from './functions.js';

/** One aggregate of a window's config: `p99: 'p99(event.latency)'`. */
export interface AggregateSpec {
  /** The field of the window's record it fills. */
  readonly output: string;
  /** As written, for messages. */
  readonly source: string;
  readonly fn: AggregateFunction;
  /** The expression it reads from each event; undefined for count(). */
  readonly arg: Expression | undefined;
  /** For percentiles: the fraction of values at or below the result. */
  readonly quantile: number | undefined;
}

const CALL = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/;

const known = (): string => aggregateFunctionNames().join(', ');

/**
 * Reads `name(args)`. The parentheses are swapped for brackets and the name for blanks, so the
 * expression language parses the arguments as an array literal with offsets that still point
 * into the text as written: `p99(event.x <)` fails "at 13", as the user counts.
 */
export function parseAggregate(source: string): Omit<AggregateSpec, 'output'> {
  const head = CALL.exec(source);
  const body = source.trimEnd();
  if (head === null || !body.endsWith(')')) throw new Error(`expected a call such as "mean(event.latency)"; aggregate functions: ${known()}`);
  const name = head[1]!;
  const fn = aggregateFunction(name);
  if (fn === undefined) throw new Error(`unknown aggregate function "${name}"; known: ${known()}`);
  const open = head[0].length - 1;
  const close = body.length - 1;
  const masked = `${' '.repeat(open)}[${source.slice(open + 1, close)}]${source.slice(close + 1)}`;
  // compile() checks everything the language checks at load time; parse() gives the arguments' spans.
  try {
    compile(masked);
  } catch (err) {
    // The messages name the brackets put in; the user wrote parentheses there.
    throw new Error(reason(err).replace(`"[" at ${open}`, `"(" at ${open}`).replace(`"]" at ${close}`, `")" at ${close}`));
  }
  const list = parse(masked);
  if (list.kind !== 'array' || list.start !== open || list.end !== close + 1) {
    throw new Error(`expected one call such as "mean(event.latency)", with nothing around it`);
  }
  const items = list.items;
  if (items.length !== fn.arity) {
    const takes = fn.arity === 0 ? 'no argument' : fn.arity === 1 ? 'one argument, an expression' : 'two arguments, an expression and a quantile';
    throw new Error(`${name}() takes ${takes}, got ${items.length}`);
  }
  let quantile = fn.quantile;
  const second = items[1];
  if (second !== undefined) {
    const q = second.kind === 'literal' ? second.value : undefined;
    if (typeof q !== 'number' || q < 0 || q > 1) {
      throw new Error(`${name}() takes a number from 0 to 1 as its second argument, e.g. percentile(event.latency, 0.995); got ${source.slice(second.start, second.end)}`);
    }
    quantile = q;
  }
  const first = items[0];
  return { source, fn, arg: first === undefined ? undefined : compile(source.slice(first.start, first.end)), quantile };
}

/** The `aggregates` option: output name → aggregate, each checked and compiled while the flow loads. */
export const aggregates = (description: string) =>
  z
    .record(z.string(), z.string())
    .describe(description)
    .refine((r) => Object.keys(r).length > 0, { error: 'expected at least one aggregate, e.g. { n: "count()" }' })
    .transform((record, ctx): AggregateSpec[] => {
      const specs: AggregateSpec[] = [];
      for (const [output, source] of Object.entries(record)) {
        try {
          specs.push({ output, ...parseAggregate(source) });
        } catch (err) {
          ctx.issues.push({ code: 'custom', input: source, path: [output], message: `invalid aggregate ${JSON.stringify(source)}: ${reason(err)}` });
        }
      }
      return specs;
    });
