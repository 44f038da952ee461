import path from 'node:path';
import { childRegistries, createRegistries, type Registries } from '../sdk/registries.js';
import { didYouMean } from '../sdk/suggest.js';
import type { ConnectorDefinition } from '../sdk/connector-api.js';
import { envResolver, inFile, substitute, type Scope } from './args.js';
import type { AddressMap } from './address-map.js';
import { resolveLinks } from './links.js';
import type { ConnectorSpec, FlowModel, PipelineSpec } from '../engine/model.js';
import { ModuleLoader, type LoadedFile } from './modules.js';
import { flowError, Problems, type Problem } from './problems.js';
import { resolveConnector } from './resolve-connector.js';
import { resolvePipeline } from './resolve-pipeline.js';

export interface LoadOptions {
  /** Overrides of the flow's declared args (`--arg name=value`). */
  readonly args?: Readonly<Record<string, unknown>>;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra `${scheme:name}` placeholders, e.g. the test harness's `${port:server}`. */
  readonly resolvers?: Scope['resolvers'];
  /**
   * Registries to extend (code modules of the flow go into a child). The loader knows no kind of its
   * own: empty by default; the application's `loadFlow` (app/load.ts) gives the built-ins.
   */
  readonly registries?: Registries;
  readonly id?: string;
  /** Addresses in connector configs to replace (FROM host:port → TO host:port). */
  readonly addressMap?: AddressMap;
  /** An override of an arg the flow does not declare: an error (default), or ignored (several flows share one command line). */
  readonly undeclaredArgs?: 'error' | 'ignore';
}

export const flowIdOf = (file: string): string => path.basename(file).replace(/(\.flow)?\.(json5|json|troy)$/, '');

function flowArgs(file: LoadedFile, options: LoadOptions, scope: Scope, problems: Problems): Record<string, unknown> {
  const declared = substitute(file.parsed.args ?? {}, inFile({ ...scope, args: {} }, file.dir), problems.substitution('ERR_ARG_INVALID', file, ['args'])) as Record<string, unknown>;
  const overrides: [string, unknown][] = [];
  for (const [name, value] of Object.entries(options.args ?? {})) {
    // Own keys only: `--arg toString=1` is not an arg just because every object inherits toString.
    if (Object.hasOwn(declared, name)) overrides.push([name, value]);
    else if (options.undeclaredArgs !== 'ignore') {
      problems.add('ERR_ARG_UNKNOWN', file, ['args'], `unknown arg ${JSON.stringify(name)} given; ${didYouMean(name, Object.keys(declared))}known: ${Object.keys(declared).join(', ') || '(none: the flow declares no args)'}`, 'key');
    }
  }
  return Object.fromEntries([...Object.entries(declared), ...overrides]);
}

function build(file: LoadedFile, options: LoadOptions, regs: Registries, problems: Problems): FlowModel | undefined {
  const resolvers = { env: envResolver(options.env), ...options.resolvers };
  // Shared by every scope of this flow: values from the environment, kept out of messages.
  const secrets = new Set<string>();
  const args = flowArgs(file, options, { args: {}, resolvers, secrets }, problems);
  const scope: Scope = { args, resolvers, secrets };
  const connectors = new Map<string, ConnectorSpec>();
  const pipelines = new Map<string, PipelineSpec>();
  for (const alias of Object.keys(file.parsed.connectors ?? {})) {
    const spec = resolveConnector(alias, file, scope, regs, problems, options.addressMap);
    if (spec) connectors.set(alias, spec);
  }
  for (const alias of Object.keys(file.parsed.pipelines ?? {})) {
    if (connectors.has(alias) || file.parsed.connectors?.[alias] !== undefined) {
      problems.add('ERR_FLOW_INVALID', file, ['pipelines', alias], `${JSON.stringify(alias)} is already the alias of a connector`, 'key');
      continue;
    }
    const spec = resolvePipeline(alias, file, scope, regs, problems);
    if (spec) pipelines.set(alias, spec);
  }
  const rawLinks = substitute(file.parsed.links ?? [], inFile(scope, file.dir), problems.substitution('ERR_ARG_INVALID', file, ['links'])) as [string, string][];
  const declared = [...Object.keys(file.parsed.connectors ?? {}), ...Object.keys(file.parsed.pipelines ?? {})];
  const failed = new Set(declared.filter((a) => !connectors.has(a) && !pipelines.has(a)));
  // A connector whose config is wrong still has the ports of its kind, so its links are checked
  // too: every problem of the file shows at once, not one round of fixes at a time.
  const failedKinds = new Map<string, ConnectorDefinition>();
  for (const alias of failed) {
    const type = (file.parsed.connectors?.[alias] as { type?: unknown } | undefined)?.type;
    const def = typeof type === 'string' ? regs.connectors.find(type) : undefined;
    if (def !== undefined) failedKinds.set(alias, def);
  }
  const links = resolveLinks(rawLinks, connectors, pipelines, file, problems, failed, failedKinds);
  if (!problems.empty) return undefined;
  return {
    id: options.id ?? flowIdOf(file.file),
    file: file.file,
    args,
    connectors: [...connectors.values()],
    pipelines: [...pipelines.values()],
    links,
    registries: regs,
    files: [],
  };
}

/** Every problem of a flow file at once; an empty list means it would load. */
export async function checkFlow(file: string, options: LoadOptions & { text?: string } = {}): Promise<{ model?: FlowModel; problems: Problem[] }> {
  const problems = new Problems();
  const regs = childRegistries(options.registries ?? createRegistries());
  const loader = new ModuleLoader(regs, problems, options.env);
  const absolute = path.resolve(file);
  const loaded = await (options.text === undefined ? loader.load(absolute) : loader.loadText(options.text, absolute));
  // Checking goes on past the first problems, so that all of them are reported at once.
  const model = loaded === undefined ? undefined : build(loaded, options, regs, problems);
  return model === undefined || !problems.empty ? { problems: problems.list } : { model: { ...model, files: loader.files() }, problems: [] };
}

/** Loads and validates a flow file; throws one error listing every problem (file:line:col: path: message). */
export async function loadFlow(file: string, options: LoadOptions & { text?: string } = {}): Promise<FlowModel> {
  const { model, problems } = await checkFlow(file, options);
  if (model === undefined) throw flowError(problems);
  return model;
}

/**
 * A flow given as an object (tests, programs). `file` places it: relative `use` entries resolve from
 * its directory and messages name it; nothing is read from that path.
 */
export function loadFlowObject(flow: object, options: LoadOptions & { file?: string } = {}): Promise<FlowModel> {
  return loadFlow(inlineFile(options.file), { ...options, text: JSON.stringify(flow, null, 2) });
}

/** Like `checkFlow`, for a flow given as an object (its problems are placed in its JSON text, 2-space indented). */
export function checkFlowObject(flow: object, options: LoadOptions & { file?: string } = {}): ReturnType<typeof checkFlow> {
  return checkFlow(inlineFile(options.file), { ...options, text: JSON.stringify(flow, null, 2) });
}

const inlineFile = (file: string | undefined): string => file ?? path.join(process.cwd(), 'inline.flow.json5');
