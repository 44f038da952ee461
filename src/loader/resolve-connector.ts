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

/** Validates `value` with `schema`, reporting each issue under `path` of the merged entry. */
export function check<T>(schema: z.ZodType<T>, value: unknown, path: PathKey, merged: Merged, problems: Problems): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const d of describeIssues(result.error.issues, schema, value)) {
    merged.report(problems, 'ERR_CONFIG_INVALID', [...path, ...d.path], d.message, d.at);
  }
  return undefined;
}

const splitNamed = (n: NamedConfig): { name: string; config: unknown; given: boolean } =>
  typeof n === 'string' ? { name: n, config: undefined, given: false } : { name: n.name, config: n.config, given: n.config !== undefined };

function resolveCodec(named: NamedConfig, path: PathKey, regs: Registries, merged: Merged, problems: Problems): Configured<CodecDefinition<any>> | undefined {
  const { name, config, given } = splitNamed(named);
  const def = regs.codecs.find(name);
  const namePath = typeof named === 'string' ? path : [...path, 'name'];
  if (def === undefined) {
    merged.report(problems, 'ERR_KIND_UNKNOWN', namePath, regs.codecs.unknownMessage(name));
    return undefined;
  }
  if (def.config === undefined) {
    if (given) merged.report(problems, 'ERR_CONFIG_INVALID', [...path, 'config'], `codec ${JSON.stringify(name)} takes no config`);
    return { def, config: undefined };
  }
  const parsed = check(def.config, config ?? {}, [...path, 'config'], merged, problems);
  return parsed === undefined ? undefined : { def, config: parsed };
}

function resolveProcessors(
  list: readonly NamedConfig[],
  direction: 'pre' | 'post',
  path: PathKey,
  regs: Registries,
  merged: Merged,
  problems: Problems,
): Configured<ProcessorDefinition<any>>[] {
  const out: Configured<ProcessorDefinition<any>>[] = [];
  list.forEach((named, i) => {
    const { name, config, given } = splitNamed(named);
    const at = [...path, i];
    const def = regs.processors.find(name);
    if (def === undefined) {
      const fit = regs.processors.values().filter((p) => p[direction] !== undefined).map((p) => p.name);
      merged.report(problems, 'ERR_KIND_UNKNOWN', typeof named === 'string' ? at : [...at, 'name'], `unknown ${direction}processor ${JSON.stringify(name)}; ${didYouMean(name, fit)}known: ${fit.join(', ')}`);
      return;
    }
    if (def[direction] === undefined) {
      merged.report(problems, 'ERR_KIND_UNKNOWN', at, `${JSON.stringify(name)} is not a ${direction}processor (it only runs ${direction === 'pre' ? 'after' : 'before'} the codec)`);
      return;
    }
    if (def.config === undefined) {
      if (given) merged.report(problems, 'ERR_CONFIG_INVALID', [...at, 'config'], `processor ${JSON.stringify(name)} takes no config`);
      out.push({ def, config: undefined });
      return;
    }
    const result = def.config.safeParse(config);
    if (!result.success) {
      for (const d of describeIssues(result.error.issues, def.config, config)) {
        merged.report(problems, 'ERR_CONFIG_INVALID', [...at, 'config', ...d.path], d.message, d.at);
      }
      return;
    }
    out.push({ def, config: result.data });
  });
  return out;
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
  const out: Configured<ServerExtensionDefinition<any>>[] = [];
  list.forEach((named, i) => {
    const { name, config, given } = splitNamed(named);
    const at = ['extensions', i];
    const ext = regs.extensions.find(name);
    if (ext === undefined) {
      merged.report(problems, 'ERR_KIND_UNKNOWN', typeof named === 'string' ? at : [...at, 'name'], regs.extensions.names().length > 0 ? regs.extensions.unknownMessage(name) : `unknown server extension ${JSON.stringify(name)}; this flow knows none (a package provides them: name it in use)`);
      return;
    }
    if (ext.config === undefined) {
      if (given) merged.report(problems, 'ERR_CONFIG_INVALID', [...at, 'config'], `extension ${JSON.stringify(name)} takes no config`);
      out.push({ def: ext, config: undefined });
      return;
    }
    const parsed = check(ext.config, config, [...at, 'config'], merged, problems);
    if (parsed !== undefined) out.push({ def: ext, config: parsed });
  });
  return out;
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
