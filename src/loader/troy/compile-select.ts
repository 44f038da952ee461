import type { Expr, SelectStmt } from '../../lang/troy/ast.js';
import { AggregateCollector } from './aggregates.js';
import { TroyError, unsupported } from '../../lang/troy/errors.js';
import { SkipStatement, type PipelineContext } from './pipeline-context.js';
import type { Step } from './pipeline-graph.js';

const isWholeEvent = (e: Expr): boolean => e.kind === 'path' && e.root === 'event' && e.segments.length === 0;

/**
 * `select TARGET from S [where C] [group by G] into T [having H]`: `where` is a filter before
 * everything, the value a map (or a window, over `S[w]`), `having` a filter on the result. A
 * plain `select event from a into b` needs no operator at all: it is a link.
 */
export function compileSelect(stmt: SelectStmt, index: number, ctx: PipelineContext): void {
  const from = ctx.source(stmt.from);
  const into = ctx.sink(stmt.into);
  const name = `select-${index}`;
  const steps: Step[] = [];
  const translator = ctx.translator;
  if (stmt.where !== undefined) {
    steps.push({ name: `${name}-where`, op: 'filter', config: { condition: translator.expr(stmt.where) }, at: stmt.where.at, configAt: { condition: stmt.where.at } });
  }
  if (stmt.windows.length > 0) {
    steps.push(windowStep(stmt, name, ctx));
  } else {
    if (stmt.groupBy !== undefined) throw unsupported(stmt.groupBy.at, 'group by', '`group by` needs a window: `from in[my_window]`');
    if (!isWholeEvent(stmt.target)) {
      steps.push({ name, op: 'map', config: { event: translator.expr(stmt.target) }, at: stmt.target.at, configAt: { event: stmt.target.at } });
    }
  }
  if (stmt.having !== undefined) {
    steps.push({ name: `${name}-having`, op: 'filter', config: { condition: translator.expr(stmt.having) }, at: stmt.having.at, configAt: { condition: stmt.having.at } });
  }
  ctx.graph.link(ctx.graph.chain([from], steps), into, stmt.at);
}

function windowStep(stmt: SelectStmt, name: string, ctx: PipelineContext): Step {
  const [ref, ...more] = stmt.windows;
  if (more.length > 0) throw unsupported(more[0]!.at, `[${stmt.windows.map((w) => w.path.join('::')).join(', ')}]`, 'one window per select; tilt frames of several windows have no counterpart in tremolo');
  if (ref!.path.length > 1) throw unsupported(ref!.at, ref!.path.join('::'), 'define the window in the pipeline that uses it');
  const windowName = ref!.path[0]!;
  const settings = ctx.windows.get(windowName);
  if (ctx.refused.has(`window:${windowName}`)) throw new SkipStatement();
  if (settings === undefined) {
    const known = [...ctx.windows.keys()];
    throw new TroyError('ERR_KIND_UNKNOWN', ref!.at, `unknown window ${JSON.stringify(windowName)}; ${known.length > 0 ? `windows: ${known.join(', ')}` : 'define it first: define window NAME from tumbling with size = 10 end'}`);
  }
  const collector = new AggregateCollector(ctx.translator);
  const window = collector.scope(windowName);
  const select = ctx.translator.with({ window, aggregatesOnly: true }).expr(stmt.target);
  if (Object.keys(collector.aggregates).length === 0) {
    throw unsupported(stmt.target.at, 'a windowed select without aggregate functions', 'select values of the window with aggr::stats::count(), aggr::win::collect_flattened(event), ...');
  }
  const config: Record<string, unknown> = { ...settings, aggregates: collector.aggregates, select };
  const configAt: Record<string, typeof stmt.at> = { select: stmt.target.at, aggregates: stmt.target.at };
  const group = stmt.groupBy;
  if (group !== undefined) {
    if (group.kind === 'each') throw unsupported(group.at, 'group by each(...)', 'group by an expression or set(...)');
    // Tremor's `group` is the list of the group's values, so `group[0]` reads the first.
    const items = group.kind === 'set' ? group.items : [group.expr];
    config.group_by = `[${items.map((i) => ctx.translator.expr(i)).join(', ')}]`;
    configAt.group_by = group.at;
  }
  return { name, op: 'window', config, at: stmt.at, configAt };
}
