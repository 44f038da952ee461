import type { Expr, GroupBy, SelectStmt, Target } from '../../lang/troy/ast.js';
import type { Place } from '../../lang/troy/errors.js';
import { AggregateCollector } from './aggregates.js';
import { TroyError, unsupported } from '../../lang/troy/errors.js';
import { isAggregateName, resolveFunction } from './functions.js';
import { SkipStatement, type PipelineContext } from './pipeline-context.js';
import type { Sink, Step } from './pipeline-graph.js';
import type { Translator } from './translate-expr.js';
import type { WindowSettings } from './windows.js';

const isWholeEvent = (e: Expr): boolean => e.kind === 'path' && e.root === 'event' && e.segments.length === 0;

/** A `group by` as its dimensions, in Tremor's order: nested sets flatten, `each` marks a list. */
function dimensions(group: GroupBy): { expr: Expr; each: boolean }[] {
  if (group.kind === 'set') return group.items.flatMap(dimensions);
  return [{ expr: group.expr, each: group.kind === 'each' }];
}

/**
 * `select TARGET from S [where C] [group by G] into T [having H]`: `where` is a filter before
 * everything, the value a map (one event per group with `group by`, or a window over `S[w]`),
 * `having` a filter on the result. A plain `select event from a into b` needs no operator at all:
 * it is a link.
 */
export function compileSelect(stmt: SelectStmt, index: number, ctx: PipelineContext): void {
  const from = ctx.source(stmt.from);
  const into = ctx.sink(stmt.into);
  const name = `select-${index}`;
  const steps: Step[] = [];
  const dims = stmt.groupBy === undefined ? [] : dimensions(stmt.groupBy);
  const translator = ctx.translator.with({ selectGroup: dims.length });
  if (stmt.where !== undefined) {
    steps.push({ name: `${name}-where`, op: 'filter', config: { condition: ctx.translator.expr(stmt.where) }, at: stmt.where.at, configAt: { condition: stmt.where.at } });
  }
  if (stmt.windows.length > 0) {
    steps.push(windowStep(stmt, name, dims, translator, ctx));
  } else if (stmt.groupBy !== undefined) {
    const config = { event: translator.expr(stmt.target), group_by: groupByConfig(dims, ctx.translator) };
    steps.push({ name, op: 'map', config, at: stmt.target.at, configAt: { event: stmt.target.at, group_by: stmt.groupBy.at } });
  } else if (!isWholeEvent(stmt.target)) {
    steps.push({ name, op: 'map', config: { event: translator.expr(stmt.target) }, at: stmt.target.at, configAt: { event: stmt.target.at } });
  }
  if (stmt.having !== undefined) {
    steps.push({ name: `${name}-having`, op: 'filter', config: { condition: translator.expr(stmt.having) }, at: stmt.having.at, configAt: { condition: stmt.having.at } });
  }
  const before = new Set(ctx.graph.nodeNames());
  ctx.graph.link(ctx.graph.chain([from], steps), into, stmt.at);
  const mine = ctx.graph.nodeNames().filter((n) => !before.has(n));
  if (mine.length > 0) ctx.graph.link(mine.map((node) => ({ kind: 'op', node, port: 'err' })), selectErrors(ctx, stmt.at), stmt.at);
}

/**
 * Where a select's operators fail to: Tremor logs the error of an expression in a select (its
 * value, where, group by or having) and drops the event; anything else (a window over its
 * max_groups) goes on to the pipeline's `err`. One operator for all the selects of a pipeline.
 */
function selectErrors(ctx: PipelineContext, at: Place): Sink {
  if (ctx.selectErrors === undefined) {
    const added = ctx.graph.add({ name: 'select-errors', op: 'drop', config: { when: 'event.code == "ERR_EXPR_EVAL"', log: ERROR_TEXT }, at });
    ctx.graph.link([added.out], { kind: 'port', port: 'err' }, at);
    ctx.selectErrors = added.node;
  }
  return { kind: 'op', node: ctx.selectErrors };
}

/** An err event's text without the operator's alias before it (`main/select-1: `): Tremor's text alone. */
export const ERROR_TEXT = `default(captures(event.error, "^[^ ]+?: (?<text>[^]*)$").text, event.error)`;

/** The operators' `group_by`: a list of dimensions, so that `group` is the list of their values, as Tremor's. */
const groupByConfig = (dims: readonly { expr: Expr; each: boolean }[], translator: Translator): unknown[] =>
  dims.map((d) => (d.each ? { each: translator.expr(d.expr) } : translator.expr(d.expr)));

function windowSettings(ref: Target, ctx: PipelineContext): WindowSettings {
  if (ref.path.length > 1) throw unsupported(ref.at, ref.path.join('::'), 'define the window in the pipeline that uses it');
  const windowName = ref.path[0]!;
  const settings = ctx.windows.get(windowName);
  if (ctx.refused.has(`window:${windowName}`)) throw new SkipStatement();
  if (settings === undefined) {
    const known = [...ctx.windows.keys()];
    throw new TroyError('ERR_KIND_UNKNOWN', ref.at, `unknown window ${JSON.stringify(windowName)}; ${known.length > 0 ? `windows: ${known.join(', ')}` : 'define it first: define window NAME from tumbling with size = 10 end'}`);
  }
  return settings;
}

/**
 * A windowed select is one `window` operator: the first window takes the events, the next ones
 * (Tremor's tilt frame, `from in[w1, w2]`) the windows before them. Its value may read the event
 * only inside aggregate functions, or where it is written as a `group by` expression: that is the
 * group's value (Tremor rewrites it so).
 */
function windowStep(stmt: SelectStmt, name: string, dims: readonly { expr: Expr; each: boolean }[], translator: Translator, ctx: PipelineContext): Step {
  const [first, ...more] = stmt.windows.map((ref) => ({ ref, settings: windowSettings(ref, ctx) }));
  const names = stmt.windows.map((w) => w.path[0]!);
  const collector = new AggregateCollector(ctx.translator);
  const window = { ...collector.scope(names[0]!), ...(more.length > 0 ? { nameText: '$.window.name' } : {}) };
  const target = toGroup(stmt.target, dims.map((d) => d.expr));
  const select = translator.with({ window, aggregatesOnly: true }).expr(target);
  if (Object.keys(collector.aggregates).length === 0) {
    throw unsupported(stmt.target.at, 'a windowed select without aggregate functions', 'select values of the window with aggr::stats::count(), aggr::win::collect_flattened(event), ...');
  }
  const tilt = more.map(({ ref, settings }) => {
    const { max_groups, emit_empty_windows, ...timing } = settings;
    if (emit_empty_windows === true) throw unsupported(ref.at, `emit_empty_windows in ${ref.path[0]}`, 'only the first window of a tilt frame can emit empty windows');
    return { name: ref.path[0]!, ...timing, ...(max_groups === undefined ? {} : { max_groups }) };
  });
  // Tremor's limit of groups for a select is the smallest of its windows'.
  const limits = [first!.settings.max_groups, ...tilt.map((t) => t.max_groups)].filter((m): m is number => m !== undefined);
  const config: Record<string, unknown> = {
    name: names[0],
    ...first!.settings,
    ...(limits.length > 0 ? { max_groups: Math.min(...limits) } : {}),
    ...(tilt.length > 0 ? { tilt: tilt.map(({ max_groups: _, ...t }) => t) } : {}),
    aggregates: collector.aggregates,
    select,
    // Tremor: a window's event has the metadata of the event that filled it, {} when time closed it,
    // and a stop drops the windows still open.
    meta: 'closing_event',
    emit_partial: false,
  };
  const configAt: Record<string, Place> = { select: stmt.target.at, aggregates: stmt.target.at };
  if (stmt.groupBy !== undefined) {
    config.group_by = groupByConfig(dims, ctx.translator);
    configAt.group_by = stmt.groupBy.at;
  }
  return { name, op: 'window', config, at: stmt.at, configAt };
}

/** The same expression, ignoring where each part was written. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  const ka = Object.keys(a).filter((k) => k !== 'at');
  const kb = Object.keys(b).filter((k) => k !== 'at');
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Replaces, outside aggregate calls, every part of `e` written as a `group by` expression with `group[i]`. */
function toGroup(e: Expr, groupExprs: readonly Expr[]): Expr {
  if (groupExprs.length === 0) return e;
  const walk = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (Array.isArray(node)) return node.map(walk);
    const n = node as Record<string, unknown> & { kind?: string; at?: Place };
    if (n.kind !== undefined && n.at !== undefined) {
      const i = groupExprs.findIndex((g) => same(g, n));
      if (i >= 0) {
        const at = n.at;
        return { kind: 'path', root: 'group', segments: [{ kind: 'index', index: { kind: 'literal', value: i, at }, at }], at };
      }
      if (n.kind === 'call' && isAggregateName(resolveFunction(n.module as string[], n.name as string))) return node;
    }
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, k === 'at' ? v : walk(v)]));
  };
  return walk(e) as Expr;
}
