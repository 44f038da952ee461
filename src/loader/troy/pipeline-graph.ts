import { TroyError, type Place } from '../../lang/troy/errors.js';
import { strictConfig } from './strict-sites.js';

/**
 * The operator graph a pipeline definition compiles to. Trickle's streams (`create stream`, a
 * script's input and output ports) have no node of their own in tremolo: they are "virtual"
 * endpoints here, and `build` links every operator that writes into one to every operator that
 * reads from it, so the graph holds only operators and the pipeline's own ports.
 */
export type Source =
  | { readonly kind: 'port'; readonly port: string }
  | { readonly kind: 'op'; readonly node: string; readonly port: string }
  | { readonly kind: 'virtual'; readonly name: string };

export type Sink =
  | { readonly kind: 'port'; readonly port: string }
  | { readonly kind: 'op'; readonly node: string }
  | { readonly kind: 'virtual'; readonly name: string };

export interface OperatorJson {
  readonly op: string;
  readonly config: Record<string, unknown>;
  readonly share_state?: string;
}

export interface BuiltGraph {
  readonly operators: Record<string, OperatorJson>;
  readonly links: [string, string][];
  /** Where each node and each link was written, and each config value of a node. */
  readonly nodePlaces: ReadonlyMap<string, Place>;
  readonly configPlaces: ReadonlyMap<string, Readonly<Record<string, Place>>>;
  readonly linkPlaces: readonly Place[];
}

interface Edge {
  readonly from: Source;
  readonly to: Sink;
  readonly at: Place;
}

/** Strings in operator configs are substituted by the flow loader; Trickle text has no placeholders. */
const escapePlaceholders = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapePlaceholders);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapePlaceholders(v)]));
  }
  return value;
};

export interface Step {
  readonly name: string;
  readonly op: string;
  readonly config: Record<string, unknown>;
  readonly at: Place;
  /** Where each config value was written. */
  readonly configAt?: Readonly<Record<string, Place>>;
}

export class PipelineGraph {
  readonly #operators = new Map<string, OperatorJson>();
  readonly #places = new Map<string, Place>();
  readonly #configPlaces = new Map<string, Readonly<Record<string, Place>>>();
  readonly #edges: Edge[] = [];

  /** Adds an operator under `name` (made unique) and returns its main output. */
  add(step: Step): { node: string; out: Source; in: Sink } {
    const { name, op, config } = step;
    let node = name;
    for (let n = 2; this.#operators.has(node); n++) node = `${name}-${n}`;
    this.#operators.set(node, { op, config: escapePlaceholders(strictConfig(config)) as Record<string, unknown> });
    this.#places.set(node, step.at);
    if (step.configAt !== undefined) this.#configPlaces.set(node, step.configAt);
    return { node, out: { kind: 'op', node, port: op === 'route' ? String(config.default ?? 'out') : 'out' }, in: { kind: 'op', node } };
  }

  /** The operators `nodes` read and write one `state`, named `name` in the pipeline. */
  shareState(nodes: readonly string[], name: string): void {
    for (const node of nodes) this.#operators.set(node, { ...this.#operators.get(node)!, share_state: name });
  }

  /** The names of the operators added so far, in order. */
  nodeNames(): string[] {
    return [...this.#operators.keys()];
  }

  link(from: readonly Source[], to: Sink, at: Place): void {
    for (const f of from) this.#edges.push({ from: f, to, at });
  }

  /** Links `from` through each operator of `chain` in turn; returns the last outputs. */
  chain(from: readonly Source[], chain: readonly Step[]): Source[] {
    let current = [...from];
    for (const step of chain) {
      const added = this.add(step);
      this.link(current, added.in, step.at);
      current = [added.out];
    }
    return current;
  }

  build(): BuiltGraph {
    const writers = new Map<string, Source[]>();
    const resolving = new Set<string>();
    const concrete = (s: Source, at: Place): Source[] => {
      if (s.kind !== 'virtual') return [s];
      const known = writers.get(s.name);
      if (known !== undefined) return known;
      if (resolving.has(s.name)) {
        throw new TroyError('ERR_LINK_CYCLE', at, `streams form a loop through ${displayName(s.name)} with no operator in it; events would go round forever`);
      }
      resolving.add(s.name);
      const found = this.#edges.filter((e) => e.to.kind === 'virtual' && e.to.name === s.name).flatMap((e) => concrete(e.from, e.at));
      resolving.delete(s.name);
      writers.set(s.name, found);
      return found;
    };
    const links: [string, string][] = [];
    const linkPlaces: Place[] = [];
    const seen = new Set<string>();
    for (const edge of this.#edges) {
      if (edge.to.kind === 'virtual') continue;
      const to = edge.to.kind === 'port' ? edge.to.port : edge.to.node;
      for (const from of concrete(edge.from, edge.at)) {
        const text = from.kind === 'port' ? from.port : from.kind === 'op' ? `${from.node}/${from.port}` : '';
        const key = `${text}\u0000${to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        links.push([text, to]);
        linkPlaces.push(edge.at);
      }
    }
    return { operators: Object.fromEntries(this.#operators), links, nodePlaces: this.#places, configPlaces: this.#configPlaces, linkPlaces };
  }
}

/** `stream:x` → "stream x", `script:s/out` → "port out of script s". */
const displayName = (virtual: string): string => {
  const [kind, rest = ''] = virtual.split(':');
  const [alias, port] = rest.split('/');
  if (kind === 'script') return port === undefined ? `the input of script ${alias}` : `port ${port} of script ${alias}`;
  return `stream ${rest}`;
};
