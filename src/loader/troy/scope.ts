import type { DefineConnector, DefineFlow, DefinePipeline, FlowStmt, Target, TopStmt } from '../../lang/troy/ast.js';
import type { BuiltinDefinition } from './builtins.js';
import { TroyError } from '../../lang/troy/errors.js';
import type { TroyModule } from './troy-modules.js';

/** The definitions a statement can name: its own file's, a flow's own, and those of used modules. */
export interface Scope {
  readonly connectors: ReadonlyMap<string, DefineConnector>;
  readonly pipelines: ReadonlyMap<string, DefinePipeline>;
  readonly flows: ReadonlyMap<string, DefineFlow>;
  readonly modules: ReadonlyMap<string, TroyModule>;
}

type Section = 'connectors' | 'pipelines' | 'flows';
type Definition<S extends Section> = S extends 'connectors' ? DefineConnector : S extends 'pipelines' ? DefinePipeline : DefineFlow;

export type Resolved<S extends Section> =
  | { readonly kind: 'def'; readonly def: Definition<S>; readonly scope: Scope }
  | { readonly kind: 'builtin'; readonly def: BuiltinDefinition; readonly name: string };

/** The scope of a file (top-level definitions) or of a flow body inside `outer`. */
export function scopeOf(stmts: readonly (TopStmt | FlowStmt)[], modules: ReadonlyMap<string, TroyModule>, outer?: Scope): Scope {
  const connectors = new Map(outer?.connectors);
  const pipelines = new Map(outer?.pipelines);
  const flows = new Map(outer?.flows);
  for (const s of stmts) {
    if (s.kind === 'define-connector') connectors.set(s.name, s);
    if (s.kind === 'define-pipeline') pipelines.set(s.name, s);
    if (s.kind === 'define-flow') flows.set(s.name, s);
  }
  return { connectors, pipelines, flows, modules: outer?.modules ?? modules };
}

const singular: Readonly<Record<Section, string>> = { connectors: 'connector', pipelines: 'pipeline', flows: 'flow' };

/** `name` in this scope, or `module::name` in a used module. */
export function lookup<S extends Section>(scope: Scope, section: S, target: Target): Resolved<S> {
  const name = target.path[target.path.length - 1]!;
  const what = singular[section];
  if (target.path.length === 1) {
    const def = scope[section].get(name) as Definition<S> | undefined;
    if (def !== undefined) return { kind: 'def', def, scope };
    const known = [...scope[section].keys()];
    throw new TroyError('ERR_KIND_UNKNOWN', target.at, `unknown ${what} definition ${JSON.stringify(name)}; ${known.length > 0 ? `defined here: ${known.join(', ')}` : `define it first (define ${what} ${name} ...), or name one of a used module as MODULE::${name}`}`);
  }
  const moduleName = target.path.slice(0, -1).join('::');
  const module = scope.modules.get(moduleName) ?? [...scope.modules.values()].find((m) => m.name === moduleName);
  if (module === undefined) {
    const used = [...scope.modules.keys()];
    throw new TroyError('ERR_MODULE_NOT_FOUND', target.at, `unknown module ${JSON.stringify(moduleName)}; ${used.length > 0 ? `used: ${used.join(', ')}` : 'nothing is used'} (write \`use ${moduleName};\` first)`);
  }
  if (module.kind === 'functions') throw new TroyError('ERR_KIND_UNKNOWN', target.at, `module ${module.name} holds functions, not ${what} definitions`);
  if (module.kind === 'builtin') {
    const defs: Readonly<Record<string, BuiltinDefinition>> = section === 'connectors' ? module.module.connectors : section === 'pipelines' ? module.module.pipelines : {};
    const def = defs[name];
    if (def !== undefined) return { kind: 'builtin', def, name: `${module.name}::${name}` };
    throw new TroyError('ERR_KIND_UNKNOWN', target.at, `unknown ${what} definition ${JSON.stringify(`${moduleName}::${name}`)}; ${module.name} has: ${Object.keys(defs).join(', ') || `no ${section}`}`);
  }
  const inner = scopeOf(module.stmts, module.uses);
  const def = inner[section].get(name) as Definition<S> | undefined;
  if (def !== undefined) return { kind: 'def', def, scope: inner };
  throw new TroyError('ERR_KIND_UNKNOWN', target.at, `unknown ${what} definition ${JSON.stringify(`${moduleName}::${name}`)}; ${module.name} (${module.file}) defines: ${[...inner[section].keys()].join(', ') || `no ${section}`}`);
}
