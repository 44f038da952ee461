import { quote } from '../../../sdk/errors.js';
import type { TremoloEvent } from '../../../sdk/event.js';
import type { Flow } from '../../../engine/flow.js';
import type { Port } from '../../../engine/port.js';

/** The last event a connector or pipeline sent to its `err` port, as the graph page shows it. */
export interface LastError {
  /** Its `ERR_...` code, where the event has one. */
  readonly code?: string;
  readonly message: string;
  /** When it happened (ms since the epoch). */
  readonly at: number;
  /** Of a pipeline: the operator that reported it, when the message names one. */
  readonly operator?: string;
}

const MAX_MESSAGE = 500;

// Per instance (a connector host or pipeline object): one replaced by `--watch` starts afresh, and
// one dropped is forgotten with it.
const last = new WeakMap<object, LastError>();
const tapped = new WeakSet<Port<TremoloEvent>>();

export function lastError(instance: object): LastError | undefined {
  return last.get(instance);
}

/**
 * Starts keeping the last error of every connector and pipeline of the flow (those added by a
 * reload are taken on at the next call). A tap is a link on the `err` port, not an observer: it
 * costs nothing until an error, and an `err` port nothing else takes on still logs what it gets.
 */
export function keepLastErrors(flow: Flow): void {
  for (const host of flow.connectors.values()) tap(host, host.outputs.get('err'), undefined);
  for (const pipeline of flow.pipelines.values()) tap(pipeline, pipeline.outputs.get('err'), pipeline.spec.nodes.map((n) => n.name));
}

function tap(instance: { alias: string }, port: Port<TremoloEvent> | undefined, operators: readonly string[] | undefined): void {
  if (port === undefined || tapped.has(port)) return;
  tapped.add(port);
  port.link({ next: (event) => last.set(instance, describe(instance.alias, event, operators)) }, () => {});
}

function describe(alias: string, event: TremoloEvent, operators: readonly string[] | undefined): LastError {
  const data = event.data as { error?: unknown; code?: unknown } | null;
  const raw = typeof data?.error === 'string' ? data.error : quote(data?.error ?? data, MAX_MESSAGE);
  const message = raw.length > MAX_MESSAGE ? `${raw.slice(0, MAX_MESSAGE - 1)}…` : raw;
  // An operator's error message starts with `PIPELINE/OPERATOR: ` (see Pipeline's ctx.error).
  const operator = operators?.find((op) => message.startsWith(`${alias}/${op}: `));
  return { ...(typeof data?.code === 'string' ? { code: data.code } : {}), message, at: Date.now(), ...(operator === undefined ? {} : { operator }) };
}
