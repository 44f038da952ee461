import type { FlowModel } from '../../../engine/model.js';
import type { Flow } from '../../../engine/flow.js';
import { keepLastErrors, lastError, type LastError } from './last-errors.js';
import { connectionsOf, sum } from '../connector-figures.js';

/**
 * The live figures of the graph page, sampled once a second for every page open at once. They are
 * the counts the runtime keeps anyway (events per port, connections, queue depths), read here, not
 * counted again. A link's count is its source port's: a port hands every event to every link from
 * it, so no link needs a counter of its own and the hot path pays nothing for the page.
 */
export interface NodeSnapshot {
  readonly id: string;
  readonly type: 'connector' | 'pipeline';
  /** `running` or `paused` (a connector paused through the API). */
  readonly state: string;
  /** A connector's: `server`, or a client's `connected`, `connecting`, `waiting` (to reconnect), `failed` (gave up). */
  readonly connectivity?: string;
  /** Open connections of a server; 1 or 0 for a client. */
  readonly connections?: number;
  readonly address?: string;
  /** Some target of this sink is over its high-water mark: what feeds it is held back. */
  readonly slow: boolean;
  /** Events held while a client is disconnected. */
  readonly queued?: number;
  readonly ports: { readonly in: Record<string, number>; readonly out: Record<string, number> };
  /** Events per second into the node and out of it (`err` apart). */
  readonly inRate: number;
  readonly outRate: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly lastError?: LastError;
}

export interface FlowSnapshot {
  readonly id: string;
  readonly state: string;
  /** Changes when the flow is reloaded (`--watch`): the page fetches the new drawing. */
  readonly version: number;
  readonly nodes: readonly NodeSnapshot[];
  /** In the order of the flow's links. */
  readonly links: readonly { readonly total: number; readonly rate: number }[];
}

export interface GraphSnapshot {
  /** When it was taken (ms since the epoch), to tell how old a last error is. */
  readonly at: number;
  readonly flows: readonly FlowSnapshot[];
}

type Ports = { in: Record<string, number>; out: Record<string, number> };

interface Sample {
  readonly model: FlowModel;
  readonly at: number;
  readonly counts: ReadonlyMap<string, number>;
}

const versions = new WeakMap<FlowModel, number>();
let nextVersion = 1;

export function versionOf(model: FlowModel): number {
  let v = versions.get(model);
  if (v === undefined) versions.set(model, (v = nextVersion++));
  return v;
}

export class Sampler {
  readonly #last = new WeakMap<Flow, Sample>();

  constructor(private readonly flows: () => readonly Flow[]) {}

  take(now = performance.now()): GraphSnapshot {
    return { at: Date.now(), flows: this.flows().map((f) => this.#flow(f, now)) };
  }

  #flow(flow: Flow, now: number): FlowSnapshot {
    keepLastErrors(flow);
    const status = flow.status();
    const model = flow.model;
    const prev = this.#last.get(flow);
    const seconds = prev !== undefined && prev.model === model ? (now - prev.at) / 1000 : 0;
    const counts = new Map<string, number>();
    const rate = (key: string, n: number): number => {
      counts.set(key, n);
      const before = prev?.counts.get(key);
      return seconds > 0 && before !== undefined && n >= before ? (n - before) / seconds : 0;
    };
    const portsOf = new Map<string, Ports>();
    // What every node shows of its ports, whatever its type: rates in and out, errors, the last one.
    const traffic = (alias: string, ports: Ports, last: LastError | undefined) => {
      portsOf.set(alias, ports);
      const errors = ports.out.err ?? 0;
      return {
        ports,
        inRate: rate(`${alias}/in`, sum(ports.in)),
        outRate: rate(`${alias}/out`, sum(ports.out, 'err')),
        errors,
        errorRate: rate(`${alias}/err`, errors),
        ...(last === undefined ? {} : { lastError: last }),
      };
    };
    const nodes: NodeSnapshot[] = [];
    for (const c of status.connectors) {
      const host = flow.connectors.get(c.alias);
      nodes.push({
        id: c.alias,
        type: 'connector',
        state: String(c.state),
        connectivity: String(c.connectivity),
        ...(connectionsOf(c) === undefined ? {} : { connections: connectionsOf(c) }),
        ...(typeof c.address === 'string' ? { address: c.address } : {}),
        slow: host !== undefined && flow.flowControl.isHolding(host.id),
        ...(typeof c.queued === 'number' && c.connectivity !== 'server' ? { queued: c.queued } : {}),
        ...traffic(c.alias, c.ports as Ports, host === undefined ? undefined : lastError(host)),
      });
    }
    for (const p of status.pipelines) {
      const pipeline = flow.pipelines.get(p.alias);
      nodes.push({
        id: p.alias,
        type: 'pipeline',
        state: flow.state === 'paused' ? 'paused' : 'running',
        slow: false,
        ...traffic(p.alias, { in: p.ports.in ?? {}, out: p.ports.out ?? {} }, pipeline === undefined ? undefined : lastError(pipeline)),
      });
    }
    const links = model.links.map((l, i) => {
      const total = portsOf.get(l.from.node)?.out[l.from.port] ?? 0;
      return { total, rate: rate(`#${i}`, total) };
    });
    this.#last.set(flow, { model, at: now, counts });
    return { id: flow.id, state: flow.state, version: versionOf(model), nodes, links };
  }
}
