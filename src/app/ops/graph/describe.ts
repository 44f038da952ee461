import type { FlowModel } from '../../../engine/model.js';
import { inPorts, outPorts } from '../../../sdk/connector-api.js';

/**
 * What the flow graph draws of a flow, as plain data: connectors, pipelines with their operators,
 * links port to port. Nothing of a connector's config is in it (configs hold passwords and keys).
 */
export interface GraphEndpoint {
  readonly node: string;
  readonly port: string;
}

export interface GraphLink {
  readonly from: GraphEndpoint;
  readonly to: GraphEndpoint;
}

export interface ConnectorGraphNode {
  readonly type: 'connector';
  readonly id: string;
  readonly kind: string;
  readonly codec: string | undefined;
  readonly preprocessors: readonly string[];
  readonly postprocessors: readonly string[];
  /** The ports drawn: those linked, and `err` where the kind has it (errors are counted there). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface OperatorGraphNode {
  readonly id: string;
  readonly kind: string;
  /** Its output ports; the first is the main one. */
  readonly outputs: readonly string[];
}

/** Inside a pipeline: one of its own ports (no operator), or a port of one of its operators. */
export interface InnerEndpoint {
  readonly operator?: string;
  readonly port: string;
}

export interface PipelineGraphNode {
  readonly type: 'pipeline';
  readonly id: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly operators: readonly OperatorGraphNode[];
  readonly links: readonly { readonly from: InnerEndpoint; readonly to: InnerEndpoint }[];
}

export type GraphNode = ConnectorGraphNode | PipelineGraphNode;

export interface FlowGraph {
  readonly id: string;
  readonly nodes: readonly GraphNode[];
  /** In the order of the flow's links: a link's index is its id on the page and in live updates. */
  readonly links: readonly GraphLink[];
}

export function describeFlow(model: FlowModel): FlowGraph {
  const linked = new Set(model.links.flatMap((l) => [`${l.from.node}/out/${l.from.port}`, `${l.to.node}/in/${l.to.port}`]));
  const shown = (alias: string, dir: 'in' | 'out', ports: readonly string[]): string[] =>
    ports.filter((p) => linked.has(`${alias}/${dir}/${p}`) || (dir === 'out' && p === 'err'));
  const connectors = model.connectors.map(
    (c): ConnectorGraphNode => ({
      type: 'connector',
      id: c.alias,
      kind: c.def.kind,
      codec: c.codec?.def.name,
      preprocessors: c.preprocessors.map((p) => p.def.name),
      postprocessors: c.postprocessors.map((p) => p.def.name),
      inputs: shown(c.alias, 'in', inPorts(c.def)),
      outputs: shown(c.alias, 'out', outPorts(c.def)),
    }),
  );
  const pipelines = model.pipelines.map(
    (p): PipelineGraphNode => ({
      type: 'pipeline',
      id: p.alias,
      inputs: p.inputs,
      outputs: p.outputs,
      operators: p.nodes.map((n) => ({ id: n.name, kind: n.def.name, outputs: n.outputs })),
      links: p.links.map((l) => ({
        from: l.from.kind === 'op' ? { operator: l.from.node, port: l.from.port } : { port: l.from.port },
        to: l.to.kind === 'op' ? { operator: l.to.node, port: l.to.port } : { port: l.to.port },
      })),
    }),
  );
  return {
    id: model.id,
    nodes: [...connectors, ...pipelines],
    links: model.links.map((l) => ({ from: { node: l.from.node, port: l.from.port }, to: { node: l.to.node, port: l.to.port } })),
  };
}
