import type { Subscription } from 'rxjs';
import type { OperatorNode, PipelineSpec } from './model.js';
import type { Stage, StageFactory, StageTarget } from '../sdk/stage.js';
import type { TremoloEvent } from '../sdk/event.js';
import type { Port } from './port.js';

/**
 * How a pipeline's operators are strung together. Each hop through an RxJS Subject costs a
 * subscriber call chain per event, so a run of operators where each feeds only the next (the
 * common case: a chain) is composed into one `pipe(...)`, fed straight from the pipeline's input
 * port and writing straight into its output port where nothing else shares them. Subjects remain
 * only where events fan in or out.
 */
export interface Chain {
  readonly nodes: readonly OperatorNode[];
  /** The pipeline input port the chain reads directly, or undefined when it has its own input Subject. */
  readonly inputPort: string | undefined;
  /** The pipeline output port the last node writes directly, or undefined when it has its own main Subject. */
  readonly outputPort: string | undefined;
}

export interface Plan {
  readonly chains: readonly Chain[];
  /** Indexes of the spec's links that the chains carry, so no Subject wire is made for them. */
  readonly fused: ReadonlySet<number>;
}

export function planPipeline(spec: PipelineSpec): Plan {
  const byName = new Map(spec.nodes.map((n) => [n.name, n]));
  const incoming = (node: string): number[] =>
    spec.links.flatMap((l, i) => (l.to.kind === 'op' && l.to.node === node ? [i] : []));
  const outgoing = (from: { kind: 'port' | 'op'; name: string; port?: string }): number[] =>
    spec.links.flatMap((l, i) =>
      from.kind === 'port'
        ? l.from.kind === 'port' && l.from.port === from.name
          ? [i]
          : []
        : l.from.kind === 'op' && l.from.node === from.name && l.from.port === from.port
          ? [i]
          : [],
    );
  const intoPort = (port: string): number[] => spec.links.flatMap((l, i) => (l.to.kind === 'port' && l.to.port === port ? [i] : []));

  const fused = new Set<number>();
  // next[n] = the node n's main output feeds alone, when that node is fed by n alone.
  const next = new Map<string, string>();
  for (const node of spec.nodes) {
    const out = outgoing({ kind: 'op', name: node.name, port: node.outputs[0]! });
    if (out.length !== 1) continue;
    const link = spec.links[out[0]!]!;
    if (link.to.kind !== 'op' || incoming(link.to.node).length !== 1 || link.to.node === node.name) continue;
    next.set(node.name, link.to.node);
    fused.add(out[0]!);
  }
  const fedByChain = new Set(next.values());
  const chains: Chain[] = [];
  for (const head of spec.nodes) {
    if (fedByChain.has(head.name)) continue;
    const nodes: OperatorNode[] = [head];
    for (let n = next.get(head.name); n !== undefined; n = next.get(n)) nodes.push(byName.get(n)!);
    const tail = nodes[nodes.length - 1]!;

    let inputPort: string | undefined;
    const into = incoming(head.name);
    if (into.length === 1) {
      const link = spec.links[into[0]!]!;
      if (link.from.kind === 'port' && outgoing({ kind: 'port', name: link.from.port }).length === 1) {
        inputPort = link.from.port;
        fused.add(into[0]!);
      }
    }
    let outputPort: string | undefined;
    const out = outgoing({ kind: 'op', name: tail.name, port: tail.outputs[0]! });
    if (out.length === 1) {
      const link = spec.links[out[0]!]!;
      if (link.to.kind === 'port' && intoPort(link.to.port).length === 1) {
        outputPort = link.to.port;
        fused.add(out[0]!);
      }
    }
    chains.push({ nodes, inputPort, outputPort });
  }
  return { chains, fused };
}

/**
 * A chain made only of stages, called directly: the input's link calls the first stage, whose
 * output is the next stage, and so on to the target port. Each stage holds the next one as an
 * object and calls its `next` method: V8 knows that method whatever the instance, where a closure
 * made per pipeline (`(event) => stage.next(event)`) is a new function for every pipeline the
 * process builds, and the chain gets two to three times slower from the second pipeline on. A stage
 * that fails (a bug) is handled as RxJS's `retry` would: the chain is rebuilt with fresh state and
 * goes on.
 */
export function fuseStages(
  factories: readonly StageFactory[],
  input: Port<TremoloEvent>,
  target: Port<TremoloEvent>,
  finish: () => void,
  restarted: (err: unknown) => void,
): Subscription {
  let stages: Stage[] = [];
  const entry = new ChainEntry();
  const build = (): void => {
    for (const s of stages) s.stop();
    stages = new Array<Stage>(factories.length);
    let out: StageTarget = target;
    let complete = finish;
    for (let i = factories.length - 1; i >= 0; i--) {
      const to = out;
      const stage = factories[i]!({ out: to, emit: (event) => to.next(event), complete, fail });
      stages[i] = stage;
      out = stage;
      complete = () => stage.complete();
    }
    entry.head = stages[0]!;
  };
  const fail = (err: unknown): void => {
    restarted(err);
    build();
  };
  build();
  const subscription = input.link(entry, () => entry.head.complete());
  subscription.add(() => {
    for (const s of stages) s.stop();
  });
  return subscription;
}

/** The input's link into a chain; the head changes when the chain is rebuilt. */
class ChainEntry {
  head!: Stage;
  next(event: TremoloEvent): void {
    this.head.next(event);
  }
}
