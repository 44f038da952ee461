import type { z } from 'zod';
import type { CodecDefinition } from '../sdk/codec-api.js';
import type { ConnectorDefinition } from '../sdk/connector-api.js';
import type { ProcessorDefinition } from '../sdk/processor-api.js';
import type { ServerExtensionDefinition } from '../sdk/server-extension.js';
import { ReconnectSchema } from '../engine/reconnect.js';
import type { Registries } from '../sdk/registries.js';
import { didYouMean } from '../sdk/suggest.js';
import type { Scope } from './args.js';
import { resolveChain } from './definitions.js';
import { mergeLayers, type Merged } from './layers.js';
import { applyAddressMap, type AddressMap } from './address-map.js';
import type { PathKey } from '../lang/source/locate.js';
import type { Configured, ConnectorSpec } from '../engine/model.js';
import type { LoadedFile } from './modules.js';
import type { Problems } from './problems.js';
import { QueueSchema, type NamedConfig } from './schema.js';
import { describeIssues } from './zod-issues.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- definitions of any config type */

/** `value` checked with `schema`, each issue reported under `path` of the merged entry; undefined if any. */
function parseReported<T>(schema: z.ZodType<T>, value: unknown, path: PathKey, merged: Merged, problems: Problems): { readonly data: T } | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result;
  for (const d of describeIssues(result.error.issues, schema, value)) {
    merged.report(problems, 'ERR_CONFIG_INVALID', [...path, ...d.path], d.message, d.at);
  }
  return undefined;
}

/** Validates `value` with `schema`, reporting each issue under `path` of the merged entry. */
export function check<T>(schema: z.ZodType<T>, value: unknown, path: PathKey, merged: Merged, problems: Problems): T | undefined {
  return parseReported(schema, value, path, merged, problems)?.data;
}

/** Where a named codec, processor or extension is looked up, and what this place asks of it. */
interface NamedKind<D> {
  /** The word in "… takes no config". */
  readonly what: string;
  find(name: string): D | undefined;
  unknownMessage(name: string): string;
  /** Why a definition found by that name does not fit here, if it does not. */
  misfit?(def: D, name: string): string | undefined;
  /** The config checked when none is given. */
  readonly absent?: unknown;
}

/** One `name` or `{name, config}` entry at `at`: its definition and its checked config, or its problems reported. */
function resolveNamed<D extends { readonly config?: z.ZodType<any> | undefined }>(named: NamedConfig, at: PathKey, kind: NamedKind<D>, merged: Merged, problems: Problems): Configured<D> | undefined {
  const { name, config, given } = typeof named === 'string' ? { name: named, config: undefined, given: false } : { name: named.name, config: named.config, given: named.config !== undefined };
  const def = kind.find(name);
  if (def === undefined) {
    merged.report(problems, 'ERR_KIND_UNKNOWN', typeof named === 'string' ? at : [...at, 'name'], kind.unknownMessage(name));
    return undefined;
  }
  const misfit = kind.misfit?.(def, name);
  if (misfit !== undefined) {
    merged.report(problems, 'ERR_KIND_UNKNOWN', at, misfit);
    return undefined;
  }
  if (def.config === undefined) {
    if (given) merged.report(problems, 'ERR_CONFIG_INVALID', [...at, 'config'], `${kind.what} ${JSON.stringify(name)} takes no config`);
    return { def, config: undefined };
  }
  const parsed = parseReported(def.config, config ?? kind.absent, [...at, 'config'], merged, problems);
  return parsed === undefined ? undefined : { def, config: parsed.data };
}

const resolveList = <D>(list: readonly NamedConfig[], path: PathKey, resolve: (named: NamedConfig, at: PathKey) => Configured<D> | undefined): Configured<D>[] =>
  list.flatMap((named, i) => resolve(named, [...path, i]) ?? []);

// Codecs are checked against `{}` when named bare: their schemas fill in their defaults from it.
const codecKind = (regs: Registries): NamedKind<CodecDefinition<any>> => ({ what: 'codec', find: (n) => regs.codecs.find(n), unknownMessage: (n) => regs.codecs.unknownMessage(n), absent: {} });

const resolveCodec = (named: NamedConfig, path: PathKey, regs: Registries, merged: Merged, problems: Problems): Configured<CodecDefinition<any>> | undefined =>
  resolveNamed(named, path, codecKind(regs), merged, problems);

function resolveProcessors(list: readonly NamedConfig[], direction: 'pre' | 'post', path: PathKey, regs: Registries, merged: Merged, problems: Problems): Configured<ProcessorDefinition<any>>[] {
  const kind: NamedKind<ProcessorDefinition<any>> = {
    what: 'processor',
    find: (n) => regs.processors.find(n),
    unknownMessage: (name) => {
      const fit = regs.processors.values().filter((p) => p[direction] !== undefined).map((p) => p.name);
      return `unknown ${direction}processor ${JSON.stringify(name)}; ${didYouMean(name, fit)}known: ${fit.join(', ')}`;
    },
    misfit: (def, name) => (def[direction] === undefined ? `${JSON.stringify(name)} is not a ${direction}processor (it only runs ${direction === 'pre' ? 'after' : 'before'} the codec)` : undefined),
  };
  return resolveList(list, path, (named, at) => resolveNamed(named, at, kind, merged, problems));
}

/** Server extensions, for a connector that takes them: each named, each config checked at load time. */
function resolveExtensions(
  kind: string,
  def: ConnectorDefinition<any>,
  list: readonly NamedConfig[] | undefined,
  regs: Registries,
  merged: Merged,
  problems: Problems,
): Configured<ServerExtensionDefinition<any>>[] {
  if (list === undefined || list.length === 0) return [];
  if (def.extensible !== true) {
    merged.report(problems, 'ERR_CONFIG_INVALID', ['extensions'], `connector type ${JSON.stringify(kind)} takes no extensions; ${extensibleKinds(regs)}`);
    return [];
  }
  const extensions: NamedKind<ServerExtensionDefinition<any>> = {
    what: 'extension',
    find: (n) => regs.extensions.find(n),
    unknownMessage: (name) =>
      regs.extensions.names().length > 0 ? regs.extensions.unknownMessage(name) : `unknown server extension ${JSON.stringify(name)}; this flow knows none (a package provides them: name it in use)`,
  };
  return resolveList(list, ['extensions'], (named, at) => resolveNamed(named, at, extensions, merged, problems));
}

const extensibleKinds = (regs: Registries): string => {
  const kinds = regs.connectors.values().filter((d) => d.extensible === true).map((d) => d.kind);
  return kinds.length === 0 ? 'no connector type of this flow takes any' : `those that do: ${kinds.join(', ')}`;
};

export function resolveConnector(
  alias: string,
  file: LoadedFile,
  flowScope: Scope,
  regs: Registries,
  problems: Problems,
  addressMap: AddressMap = {},
): ConnectorSpec | undefined {
  const instance = { entry: file.parsed.connectors![alias] as Record<string, unknown>, file, path: ['connectors', alias] };
  const chain = resolveChain('connectors', instance, flowScope, problems);
  if (chain === undefined) return undefined;
  const merged = mergeLayers(chain.layers, chain.scopes, problems);
  const entry = merged.value;
  const before = problems.list.length;

  const kind = String(entry.type);
  const def: ConnectorDefinition<any> | undefined = regs.connectors.find(kind);
  if (def === undefined) {
    merged.report(problems, 'ERR_KIND_UNKNOWN', ['type'], regs.connectors.unknownMessage(kind));
    return undefined;
  }
  const config = check(def.config, applyAddressMap(entry.config ?? {}, addressMap), ['config'], merged, problems);

  let codec: Configured<CodecDefinition<any>> | undefined;
  const named = entry.codec as NamedConfig | undefined;
  if (def.codec === 'structured') {
    if (named !== undefined) merged.report(problems, 'ERR_CONFIG_INVALID', ['codec'], `connector type ${JSON.stringify(kind)} produces structured events and takes no codec`);
    for (const key of ['preprocessors', 'postprocessors']) {
      if (entry[key] !== undefined) merged.report(problems, 'ERR_CONFIG_INVALID', [key], `connector type ${JSON.stringify(kind)} takes no ${key} (it has no codec)`);
    }
  } else if (named === undefined && def.codec === 'required') {
    merged.report(problems, 'ERR_CONFIG_INVALID', ['type'], `connector type ${JSON.stringify(kind)} needs a codec; known: ${regs.codecs.names().join(', ')}`);
  } else {
    codec = resolveCodec(named ?? (def.codec as { optional: string }).optional, ['codec'], regs, merged, problems);
  }
  const pre = resolveProcessors((entry.preprocessors ?? []) as NamedConfig[], 'pre', ['preprocessors'], regs, merged, problems);
  const post = resolveProcessors((entry.postprocessors ?? []) as NamedConfig[], 'post', ['postprocessors'], regs, merged, problems);
  const extensions = resolveExtensions(kind, def, entry.extensions as NamedConfig[] | undefined, regs, merged, problems);
  const mapping = config === undefined ? undefined : def.mimeMapping?.(config);
  let mimeMapping: Record<string, Configured<CodecDefinition<any>>> | undefined;
  if (mapping !== undefined) {
    mimeMapping = {};
    for (const [mime, named] of Object.entries(mapping)) {
      const resolved = resolveCodec(named, ['config', 'mime_mapping', mime], regs, merged, problems);
      if (resolved !== undefined) mimeMapping[mime.toLowerCase()] = resolved;
    }
  }
  const reconnect = check(ReconnectSchema, entry.reconnect, ['reconnect'], merged, problems);
  const queue = check(QueueSchema, entry.queue ?? {}, ['queue'], merged, problems);
  if (problems.list.length > before || config === undefined || reconnect === undefined || queue === undefined) return undefined;
  return {
    alias,
    def,
    config,
    codec,
    preprocessors: pre,
    postprocessors: post,
    ...(extensions.length === 0 ? {} : { extensions }),
    reconnect,
    queue,
    metricsIntervalS: entry.metrics_interval_s as number | undefined,
    ...(mimeMapping === undefined ? {} : { mimeMapping }),
  };
}
