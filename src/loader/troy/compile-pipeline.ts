import type { PathKey } from '../../lang/source/locate.js';
import type { SourceTexts } from './strict-sites.js';
import type { CreateInPipeline, DefineOperator, DefinePipeline, DefineScript, SelectStmt, WithEntry } from '../../lang/troy/ast.js';
import { bindArgs } from './bind-args.js';
import { compileSelect } from './compile-select.js';
import { ScriptCompiler } from './compile-script.js';
import { TroyError, unsupported, type Place } from '../../lang/troy/errors.js';
import { PipelineContext, SkipStatement } from './pipeline-context.js';
import { PipelineGraph, type OperatorJson } from './pipeline-graph.js';
import { Translator } from './translate-expr.js';
import { windowSettings } from './windows.js';
import { evaluate } from './evaluate.js';
import { compileOperator } from './operators.js';
import type { TroyModule } from './troy-modules.js';

/** An inline pipeline of a JSON5 flow: ports, named operators and the links between them. */
export interface PipelineJson {
  description?: string;
  ports: { in: string[]; out: string[] };
  operators: Record<string, OperatorJson>;
  links: [string, string][];
}

/** Where the parts of a compiled entry were written, relative to the entry. */
export type Marks = [PathKey, Place, 'key' | 'value'][];

/**
 * A Trickle pipeline definition, with the args of one `create`, as a tremolo pipeline. Every
 * problem of every statement is collected into `errors`, so one refusal does not hide the next.
 */
export function compilePipeline(
  def: DefinePipeline,
  args: Readonly<Record<string, unknown>>,
  owner: string,
  errors: TroyError[],
  /** The modules the definition's file uses: their functions and constants. */
  modules: ReadonlyMap<string, TroyModule> = new Map(),
  /** The lines of the .troy files, for Tremor's rendering of a path's runtime failure. */
  sources?: SourceTexts,
): { entry: PipelineJson; marks: Marks } | undefined {
  const before = errors.length;
  const attempt = (f: () => void): void => {
    try {
      f();
    } catch (err) {
      if (err instanceof SkipStatement) return;
      if (!(err instanceof TroyError)) throw err;
      errors.push(err);
    }
  };
  const inputs = def.from?.map((p) => p.name) ?? ['in'];
  const outputs = def.into?.map((p) => p.name) ?? ['out'];
  const graph = new PipelineGraph();
  const translator = new Translator({ args, owner, locals: new Map(), version: 0, modules, ...(sources === undefined ? {} : { sources }) });
  const ctx = new PipelineContext(graph, translator, inputs, outputs);
  const scripts = new Map<string, DefineScript>();
  const created: CreateInPipeline[] = [];
  const operators = new Map<string, DefineOperator>();
  const createdOps: CreateInPipeline[] = [];
  const selects: SelectStmt[] = [];

  for (const directive of def.config) attempt(() => checkDirective(directive, { args, owner }));

  // Declarations first, so a select may name a stream or script created further down.
  for (const stmt of def.body) {
    attempt(() => {
      switch (stmt.kind) {
        case 'select':
          selects.push(stmt);
          return;
        case 'use':
          return;
        case 'define-window':
          ctx.refused.add(`window:${stmt.name}`);
          ctx.windows.set(stmt.name, windowSettings(stmt, { args, owner }));
          ctx.refused.delete(`window:${stmt.name}`);
          return;
        case 'define-script':
          scripts.set(stmt.name, stmt);
          return;
        case 'define-operator':
          operators.set(stmt.name, stmt);
          return;
        case 'define-pipeline':
          throw unsupported(stmt.at, `define pipeline ${stmt.name}`, 'define pipelines in the flow, not inside another pipeline');
        case 'create-stream':
          if (ctx.streams.has(stmt.name.name)) throw new TroyError('ERR_FLOW_INVALID', stmt.name.at, `stream ${JSON.stringify(stmt.name.name)} is created twice`);
          ctx.streams.add(stmt.name.name);
          return;
        case 'create-script':
          if (ctx.scripts.has(stmt.alias.name)) throw new TroyError('ERR_FLOW_INVALID', stmt.alias.at, `script ${JSON.stringify(stmt.alias.name)} is created twice`);
          ctx.scripts.add(stmt.alias.name);
          created.push(stmt);
          return;
        case 'create-operator':
          if (ctx.scripts.has(stmt.alias.name)) throw new TroyError('ERR_FLOW_INVALID', stmt.alias.at, `${JSON.stringify(stmt.alias.name)} is created twice`);
          // An operator is read from and written into as a script is: by its name, its ports after "/".
          ctx.scripts.add(stmt.alias.name);
          createdOps.push(stmt);
          return;
        case 'create-pipeline':
          ctx.refused.add(stmt.alias.name);
          throw unsupported(stmt.at, `create pipeline ${stmt.alias.name}`, 'pipelines inside pipelines have no counterpart yet; connect two pipelines in the flow instead');
      }
    });
  }
  for (const stmt of created) {
    attempt(() => {
      const name = stmt.target?.path ?? [stmt.alias.name];
      if (name.length > 1) throw unsupported(stmt.target!.at, name.join('::'), 'define the script in the pipeline that creates it');
      const script = scripts.get(name[0]!);
      if (script === undefined) {
        ctx.refused.add(stmt.alias.name);
        throw new TroyError('ERR_KIND_UNKNOWN', stmt.target?.at ?? stmt.alias.at, `unknown script ${JSON.stringify(name[0])}; scripts: ${[...scripts.keys()].join(', ') || '(none defined in this pipeline)'}`);
      }
      const scope = { args, owner };
      const scriptArgs = bindArgs(script.args, stmt.with, { given: scope, defaults: scope }, `script ${script.name}`, stmt.at);
      const errorsRead = selects.some((s) => s.from.name.name === stmt.alias.name && s.from.port?.name === 'err');
      new ScriptCompiler(graph, stmt.alias.name, translator.with({ args: scriptArgs, owner: `script ${stmt.alias.name}` }), errorsRead).compile(script);
    });
  }
  for (const stmt of createdOps) {
    attempt(() => {
      const name = stmt.target?.path ?? [stmt.alias.name];
      const def = name.length === 1 ? operators.get(name[0]!) : undefined;
      if (def === undefined) {
        ctx.refused.add(stmt.alias.name);
        if (name.length > 1) throw unsupported(stmt.target!.at, name.join('::'), 'define the operator in the pipeline that creates it: define operator NAME from KIND');
        throw new TroyError('ERR_KIND_UNKNOWN', stmt.target?.at ?? stmt.alias.at, `unknown operator ${JSON.stringify(name[0])}; operators: ${[...operators.keys()].join(', ') || '(none defined in this pipeline)'}`);
      }
      let step;
      try {
        step = compileOperator(def, stmt.with, { args, owner: `operator ${stmt.alias.name}` });
      } catch (err) {
        ctx.refused.add(stmt.alias.name);
        throw err;
      }
      const node = graph.add({ name: stmt.alias.name, op: step.op, config: step.config, at: stmt.at });
      graph.link([{ kind: 'virtual', name: `script:${stmt.alias.name}` }], node.in, stmt.at);
      const ports = step.op === 'roundrobin' ? (step.config.ports as string[]) : ['out', ...(step.op === 'bucket' || step.op === 'backpressure' ? ['overflow'] : [])];
      for (const port of ports) graph.link([{ kind: 'op', node: node.node, port }], { kind: 'virtual', name: `script:${stmt.alias.name}/${port}` }, stmt.at);
    });
  }
  // A definition no create uses is still checked, so an unknown operator kind is refused.
  for (const def of operators.values()) {
    if (createdOps.some((c) => (c.target?.path ?? [c.alias.name]).join('::') === def.name)) continue;
    attempt(() => void compileOperator(def, [], { args, owner: `operator ${def.name}` }));
  }
  selects.forEach((stmt, i) => attempt(() => compileSelect(stmt, i + 1, ctx)));
  if (errors.length > before) return undefined;

  let built: ReturnType<PipelineGraph['build']> | undefined;
  attempt(() => (built = graph.build()));
  if (built === undefined) return undefined;
  const marks: Marks = [[['ports'], def.at, 'value']];
  for (const [node, at] of built.nodePlaces) {
    marks.push([['operators', node], at, 'value'], [['operators', node], at, 'key']);
    for (const [key, place] of Object.entries(built.configPlaces.get(node) ?? {})) marks.push([['operators', node, 'config', key], place, 'value']);
  }
  built.linkPlaces.forEach((at, i) => marks.push([['links', i], at, 'value']));
  const entry: PipelineJson = {
    ...(def.doc.length > 0 ? { description: def.doc.join(' ') } : {}),
    ports: { in: [...inputs], out: [...outputs] },
    operators: built.operators,
    links: built.links,
  };
  return { entry, marks };
}

/**
 * `#!config metrics_interval_s = N`: Tremor's pipeline reports its counts every N seconds. tremolo
 * counts every pipeline port all the time and the `metrics` connector reports them at its own
 * cadence, so the directive is checked and has nothing more to set.
 */
function checkDirective(directive: WithEntry, scope: { args: Readonly<Record<string, unknown>>; owner: string }): void {
  if (directive.name !== 'metrics_interval_s') {
    throw new TroyError('ERR_FLOW_INVALID', directive.at, `unknown #!config setting ${JSON.stringify(directive.name)}; known: metrics_interval_s`);
  }
  const value = evaluate(directive.value, scope);
  if (typeof value !== 'number' || !(value > 0)) {
    throw new TroyError('ERR_FLOW_INVALID', directive.value.at, `#!config metrics_interval_s must be a positive number of seconds, received ${JSON.stringify(value)}`);
  }
}
