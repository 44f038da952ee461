import type { PathKey } from '../../lang/source/locate.js';
import type { CreateStmt, DefineFlow, DeployFlow, Endpoint, TopStmt, WithEntry } from '../../lang/troy/ast.js';
import { bindArgs } from './bind-args.js';
import type { BuiltinDefinition } from './builtins.js';
import { compileConnector } from './compile-connector.js';
import { compilePipeline } from './compile-pipeline.js';
import { TroyError, unsupported } from '../../lang/troy/errors.js';
import { evaluate, type EvalScope, type Mark } from './evaluate.js';
import { lookup, scopeOf, type Scope } from './scope.js';
import type { TroyLocator } from './troy-locator.js';
import type { TroyModule } from './troy-modules.js';
import type { SourceTexts } from './strict-sites.js';

/** The JSON5 flow a .troy file compiles to. */
export interface FlowJson {
  description?: string;
  use?: string[];
  connectors: Record<string, Record<string, unknown>>;
  pipelines: Record<string, Record<string, unknown>>;
  links: [string, string][];
}

export interface DeployOptions {
  /** Whether tremolo has a connector kind (a built-in definition may need one it lacks). */
  readonly hasConnector: (kind: string) => boolean;
  /** The connector kinds tremolo knows, when the registries are given: a definition of another is refused in Tremor's words. */
  readonly connectorKinds?: () => readonly string[];
  /** The lines of the .troy files, so that a path's runtime failure can show where it is written. */
  readonly sources?: SourceTexts;
}

/**
 * `deploy flow` statements as one JSON5 flow. Definitions are instantiated with their args
 * (Tremor computes those at deployment, and so does this), connectors and pipelines become
 * entries, `connect` statements links. With several deployments, each one's aliases are prefixed
 * with its name and a dash (`server-in`), which no Tremor name can contain.
 */
export class DeploymentCompiler {
  readonly flow: FlowJson = { connectors: {}, pipelines: {}, links: [] };
  readonly #uses = new Set<string>();
  /** Each connector's and pipeline's key, and the name Tremor gives the instance: `deployment::alias`. */
  readonly #instances: Record<string, string> = {};

  constructor(
    private readonly locator: TroyLocator,
    private readonly errors: TroyError[],
    private readonly options: DeployOptions,
  ) {}

  #attempt(f: () => void): void {
    try {
      f();
    } catch (err) {
      if (!(err instanceof TroyError)) throw err;
      this.errors.push(err);
    }
  }

  #mark(prefix: PathKey): Mark {
    return (path, at, what) => this.locator.mark([...prefix, ...path], at, what);
  }

  compile(stmts: readonly TopStmt[], modules: ReadonlyMap<string, TroyModule>, file: string): FlowJson {
    const scope = scopeOf(stmts, modules);
    const deploys = stmts.filter((s): s is DeployFlow => s.kind === 'deploy');
    if (deploys.length === 0) {
      this.errors.push(new TroyError('ERR_FLOW_INVALID', { file, line: 1, column: 1 }, 'nothing to run: the file deploys no flow; add `deploy flow NAME;`'));
    }
    const seen = new Set<string>();
    for (const deploy of deploys) {
      this.#attempt(() => {
        if (seen.has(deploy.alias.name)) throw new TroyError('ERR_FLOW_INVALID', deploy.alias.at, `flow ${JSON.stringify(deploy.alias.name)} is deployed twice; give the second deployment another name`);
        seen.add(deploy.alias.name);
        const found = lookup(scope, 'flows', deploy.target);
        if (found.kind !== 'def') throw new TroyError('ERR_KIND_UNKNOWN', deploy.target.at, `${found.name} is not a flow`);
        const def = found.def;
        const owner = `flow ${def.name}`;
        const args = bindArgs(def.args, deploy.with, { given: { args: {}, owner: 'the deployment' }, defaults: { args: {}, owner } }, owner, deploy.at);
        const doc = deploy.doc.length > 0 ? deploy.doc : def.doc;
        if (doc.length > 0 && this.flow.description === undefined) this.flow.description = doc.join(' ');
        this.#flow(def, scopeOf(def.body, found.scope.modules, found.scope), { args, owner }, deploys.length > 1 ? `${deploy.alias.name}-` : '', deploy.alias.name);
      });
    }
    // Tremor's metrics name instances `deployment::alias` (its users' pipelines match on those tags).
    for (const entry of Object.values(this.flow.connectors)) {
      if (entry.type === 'metrics') entry.config = { ...(entry.config as Record<string, unknown> | undefined), names: { ...this.#instances } };
    }
    const { description, connectors, pipelines, links } = this.flow;
    return {
      ...(description === undefined ? {} : { description }),
      ...(this.#uses.size > 0 ? { use: [...this.#uses] } : {}),
      connectors,
      pipelines,
      links,
    };
  }

  #flow(def: DefineFlow, scope: Scope, flowScope: EvalScope, prefix: string, deployment: string): void {
    const creates = def.body.filter((s): s is CreateStmt => s.kind === 'create');
    const keys = { connector: new Map<string, string>(), pipeline: new Map<string, string>() };
    // Tremor keeps the last `create` of an alias (a flow holds its instances by alias), so a
    // second `create connector exit from ...` replaces the first, as Tremor's own tests rely on.
    const last = new Map<string, CreateStmt>();
    for (const c of creates) {
      keys[c.what].set(c.alias.name, `${prefix}${c.alias.name}`);
      last.set(`${c.what} ${c.alias.name}`, c);
    }
    // Tremor keeps connectors and pipelines apart; in a JSON5 flow they share one namespace.
    for (const [alias, key] of keys.pipeline) if (keys.connector.has(alias)) keys.pipeline.set(alias, `${key}-pipeline`);
    for (const what of ['connector', 'pipeline'] as const) for (const [alias, key] of keys[what]) this.#instances[key] = `${deployment}::${alias}`;
    for (const c of creates) {
      if (last.get(`${c.what} ${c.alias.name}`) !== c) continue;
      const key = keys[c.what].get(c.alias.name)!;
      const section = c.what === 'connector' ? 'connectors' : 'pipelines';
      this.#attempt(() => {
        this.locator.mark([section, key], c.at, 'key');
        this.locator.mark([section, key], c.at, 'value');
        this.flow[section][key] = c.what === 'connector' ? this.#connector(c, scope, flowScope, key) : this.#pipeline(c, scope, flowScope, key);
      });
    }
    for (const s of def.body) {
      if (s.kind !== 'connect') continue;
      this.#attempt(() => {
        const link: [string, string] = [this.#end(s.from, keys, def.name), this.#end(s.to, keys, def.name)];
        const i = this.flow.links.length;
        this.flow.links.push(link);
        this.locator.mark(['links', i], s.at, 'value');
        this.locator.mark(['links', i, 0], s.from.at, 'value');
        this.locator.mark(['links', i, 1], s.to.at, 'value');
      });
    }
  }

  #end(e: Endpoint, keys: Readonly<Record<'connector' | 'pipeline', ReadonlyMap<string, string>>>, flow: string): string {
    const key = keys[e.what].get(e.alias.name);
    if (key === undefined) {
      const other = e.what === 'connector' ? 'pipeline' : 'connector';
      const hint = keys[other].has(e.alias.name) ? `; ${JSON.stringify(e.alias.name)} is a ${other}: write /${other}/${e.alias.name}` : '';
      const known = [...keys[e.what].keys()];
      throw new TroyError('ERR_LINK_INVALID', e.alias.at, `unknown ${e.what} ${JSON.stringify(e.alias.name)} in flow ${flow}; created: ${known.join(', ') || 'none'}${hint}`);
    }
    return e.port === undefined ? key : `${key}/${e.port.name}`;
  }

  #connector(c: CreateStmt, scope: Scope, flowScope: EvalScope, key: string): Record<string, unknown> {
    const found = lookup(scope, 'connectors', c.target ?? { path: [c.alias.name], at: c.alias.at });
    const mark = this.#mark(['connectors', key]);
    if (found.kind === 'builtin') return this.#builtin(found.def, found.name, c, flowScope, mark);
    const kinds = this.options.connectorKinds?.();
    const kind = found.def.connectorKind;
    if (kinds !== undefined && !kinds.includes(kind.name)) {
      // Tremor's words, which Tremor users' tests look for; then what tremolo knows.
      throw new TroyError('ERR_KIND_UNKNOWN', kind.at, `Unknown connector type ${kind.name}; known: ${kinds.join(', ')}`);
    }
    return compileConnector(found.def, c.with, flowScope, c.at, mark);
  }

  #pipeline(c: CreateStmt, scope: Scope, flowScope: EvalScope, key: string): Record<string, unknown> {
    const found = lookup(scope, 'pipelines', c.target ?? { path: [c.alias.name], at: c.alias.at });
    if (found.kind === 'builtin') return this.#builtin(found.def, found.name, c, flowScope, this.#mark(['pipelines', key]));
    const owner = `pipeline ${found.def.name}`;
    const args = bindArgs(found.def.args, c.with, { given: flowScope, defaults: { args: {}, owner } }, owner, c.at);
    const before = this.errors.length;
    const compiled = compilePipeline(found.def, args, owner, this.errors, found.scope.modules, this.options.sources);
    if (compiled === undefined) {
      if (this.errors.length === before) throw new TroyError('ERR_FLOW_INVALID', c.at, `pipeline ${found.def.name} did not compile`);
      return {};
    }
    for (const [path, at, what] of compiled.marks) this.locator.mark(['pipelines', key, ...path], at, what);
    return compiled.entry as unknown as Record<string, unknown>;
  }

  #builtin(def: BuiltinDefinition, name: string, c: CreateStmt, flowScope: EvalScope, mark: Mark): Record<string, unknown> {
    if (def.needs !== undefined && !this.options.hasConnector(def.needs)) {
      throw unsupported(c.target?.at ?? c.at, name, `tremolo has no ${def.needs} connector`);
    }
    const args: Record<string, unknown> = {};
    for (const entry of c.with as readonly WithEntry[]) {
      const convert = def.args[entry.name];
      if (convert === undefined) {
        throw new TroyError('ERR_ARG_UNKNOWN', entry.at, `unknown arg ${JSON.stringify(entry.name)} for ${name}; known: ${Object.keys(def.args).join(', ') || '(none)'}`);
      }
      mark(['args', entry.name], entry.at, 'key');
      args[entry.name] = convert(evaluate(entry.value, flowScope, mark, ['args', entry.name]));
    }
    const entry = def.entry(args);
    if (typeof entry.from === 'string') this.#uses.add(entry.from.split('::')[0]!);
    mark(['from'], c.target?.at ?? c.at, 'value');
    return entry;
  }
}
