import type { DefineConnector, WithEntry } from '../../lang/troy/ast.js';
import { bindArgs } from './bind-args.js';
import { TroyError } from '../../lang/troy/errors.js';
import { evaluate, type EvalScope, type Mark } from './evaluate.js';

/** The settings a `define connector ... with` may hold, as a JSON5 connector entry names them. */
const SETTINGS = ['codec', 'preprocessors', 'postprocessors', 'config', 'reconnect', 'metrics_interval_s'];

/**
 * A connector definition with the args of one `create`, as a JSON5 connector entry. The settings
 * are computed now, as Tremor computes them at deployment; checking them against the connector
 * kind is left to the flow loader, so its messages are the same as for a JSON5 flow.
 */
export function compileConnector(def: DefineConnector, given: readonly WithEntry[], flowScope: EvalScope, at: DefineConnector['at'], mark: Mark): Record<string, unknown> {
  const owner = `connector ${def.name}`;
  const args = bindArgs(def.args, given, { given: flowScope, defaults: { args: {}, owner } }, owner, at, (p, place, what) => mark(['args', ...p], place, what));
  const scope: EvalScope = { args, owner };
  const entry: Record<string, unknown> = {};
  if (def.doc.length > 0) entry.description = def.doc.join(' ');
  entry.type = def.connectorKind.name;
  mark(['type'], def.connectorKind.at, 'value');
  for (const setting of def.with) {
    if (!SETTINGS.includes(setting.name)) {
      throw new TroyError('ERR_CONFIG_INVALID', setting.at, `unknown connector setting ${JSON.stringify(setting.name)}; known: ${SETTINGS.join(', ')}`);
    }
    mark([setting.name], setting.at, 'key');
    entry[setting.name] = evaluate(setting.value, scope, mark, [setting.name]);
  }
  return tremorCompat(entry);
}

/** Tremor's processor names from before 0.12. */
const PROCESSOR_NAMES: Readonly<Record<string, string>> = { lines: 'separate' };

const renameNamed = (named: unknown, names: Readonly<Record<string, string>>): unknown => {
  if (typeof named === 'string') return names[named] ?? named;
  if (named !== null && typeof named === 'object' && typeof (named as { name?: unknown }).name === 'string') {
    const n = (named as { name: string }).name;
    return { ...named, name: names[n] ?? n };
  }
  return named;
};

/** Socket kinds whose Tremor config took `no_delay` before `socket_options` existed. */
const NO_DELAY_KINDS = new Set(['ws_client', 'ws_server', 'tcp_client', 'tcp_server']);

/**
 * Older spellings Tremor still accepts, written the way tremolo takes them: the `json-sorted` codec,
 * the `lines` processor, and `no_delay` in a socket connector's config; and Tremor's meaning of an
 * exit event's delay (nanoseconds).
 */
export function tremorCompat(entry: Record<string, unknown>): Record<string, unknown> {
  const out = { ...entry };
  // Tremor's json codec writes bytes as arrays of byte values.
  if (out.codec === 'json-sorted') out.codec = { name: 'json', config: { mode: 'sorted', bytes: 'array' } };
  else if (out.codec === 'json') out.codec = { name: 'json', config: { bytes: 'array' } };
  else if (out.codec !== null && typeof out.codec === 'object') {
    const name = (out.codec as { name?: unknown }).name;
    const given = (out.codec as { config?: unknown }).config;
    const config = given !== null && typeof given === 'object' ? given : {};
    if (name === 'json-sorted') out.codec = { name: 'json', config: { mode: 'sorted', bytes: 'array', ...config } };
    else if (name === 'json') out.codec = { ...out.codec, config: { bytes: 'array', ...config } };
  }
  for (const key of ['preprocessors', 'postprocessors']) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map((p) => renameNamed(p, PROCESSOR_NAMES));
  }
  // Tremor's exit connector reads an event's delay in nanoseconds.
  if (out.type === 'exit') out.config = { delay_unit: 'ns', ...(out.config !== null && typeof out.config === 'object' ? out.config : {}) };
  // Tremor's http_client gives every response header's values as a list.
  if (out.type === 'http_client' && out.config !== null && typeof out.config === 'object') out.config = { header_lists: true, ...(out.config as Record<string, unknown>) };
  // Tremor's kv `path` is sled's database folder, its keys are bytes and its errors Tremor's.
  if (out.type === 'kv' && out.config !== null && typeof out.config === 'object') {
    const { path: folder, ...rest } = out.config as Record<string, unknown>;
    out.config = { replies: 'tremor', ...rest, ...(folder === undefined ? {} : { dir: folder }) };
  } else if (out.type === 'kv' && out.config === undefined) out.config = { replies: 'tremor' };
  const config = out.config as Record<string, unknown> | undefined;
  if (NO_DELAY_KINDS.has(String(out.type)) && config !== null && typeof config === 'object' && typeof config.no_delay === 'boolean') {
    const { no_delay: noDelay, ...rest } = config;
    const socket = rest.socket_options !== null && typeof rest.socket_options === 'object' ? rest.socket_options : {};
    out.config = { ...rest, socket_options: { TCP_NODELAY: noDelay, ...socket } };
  }
  return out;
}
