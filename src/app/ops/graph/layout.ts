import type { ConnectorGraphNode, FlowGraph, GraphLink, OperatorGraphNode, PipelineGraphNode } from './describe.js';
import { layered, type EdgeRoute, type LayeredEdge, type LayeredNode, type Point } from './layered.js';

/**
 * Where everything of a flow graph goes: one layout for the page of a running flow and for
 * `tremolo graph`, so both draw the same picture. Sizes come from estimated text widths (no font
 * is measured on a server): generous enough for the usual sans-serif fonts.
 */
export interface PortBox extends Point {
  readonly name: string;
}

export interface OperatorBox extends Point {
  readonly operator: OperatorGraphNode;
  readonly width: number;
  readonly height: number;
  readonly label: string;
  readonly input: Point;
  readonly outputs: readonly PortBox[];
  /** Whether its outputs are named on it (more than one, or one not called `out`). */
  readonly namedOutputs: boolean;
}

export interface NodeBox extends Point {
  readonly node: ConnectorGraphNode | PipelineGraphNode;
  readonly width: number;
  readonly height: number;
  readonly inputs: readonly PortBox[];
  readonly outputs: readonly PortBox[];
  /** A pipeline's operators and its own links between them and its ports. */
  readonly operators: readonly OperatorBox[];
  readonly innerLinks: readonly EdgeBox[];
  /** Where a pipeline's own ports sit inside its frame, as tabs. */
  readonly tabs: readonly (PortBox & { readonly side: 'in' | 'out'; readonly width: number })[];
}

export interface EdgeBox {
  /** SVG path data. */
  readonly d: string;
  /** Where a label of the edge goes (the events per second of a link). */
  readonly label: Point;
  readonly back: boolean;
}

export interface LinkBox extends EdgeBox {
  readonly index: number;
  readonly link: GraphLink;
}

export interface GraphLayout {
  readonly graph: FlowGraph;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly NodeBox[];
  readonly links: readonly LinkBox[];
}

export const TITLE_HEIGHT = 30;
const MARGIN = 32;
const CONNECTOR_HEADER = 40;
const ROW = 18;
const PIPELINE_HEADER = 34;
const OPERATOR_HEADER = 36;
const OPERATOR_ROW = 16;
const TAB_HEIGHT = 18;
const MAX_LABEL = 32;

/** Text as drawn: long names are cut (the whole name is in the element's title). */
export const clip = (text: string): string => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);
/** Estimated widths of the page's fonts, per character: 13 px bold, and 11 px. */
const wide = (text: string): number => clip(text).length * 8;
const narrow = (text: string): number => clip(text).length * 6.6;
const widest = (texts: readonly string[], measure: (t: string) => number): number => Math.max(0, ...texts.map(measure));

export const connectorSubtitle = (c: ConnectorGraphNode): string => (c.codec === undefined ? c.kind : `${c.kind} · ${c.codec}`);
/** An operator is named by its kind; by its name too where the flow gave it one (not a list index). */
export const operatorLabel = (o: OperatorGraphNode): string => (/^\d+$/.test(o.id) || o.id === o.kind ? o.kind : `${o.id}: ${o.kind}`);

const round = (n: number): number => Math.round(n * 10) / 10;

export function layoutFlow(graph: FlowGraph): GraphLayout {
  const boxes = graph.nodes.map((node) => (node.type === 'connector' ? sizeConnector(node) : sizePipeline(node)));
  const byId = new Map(boxes.map((b) => [b.node.id, b]));
  const portY = (id: string, dir: 'in' | 'out', port: string): number => {
    const box = byId.get(id)!;
    return (dir === 'in' ? box.inputs : box.outputs).find((p) => p.name === port)?.y ?? box.height / 2;
  };
  const nodes: LayeredNode[] = boxes.map((b) => ({ id: b.node.id, width: b.width, height: b.height }));
  const edges: LayeredEdge[] = graph.links.map((l) => ({ from: l.from.node, to: l.to.node, fromY: portY(l.from.node, 'out', l.from.port), toY: portY(l.to.node, 'in', l.to.port) }));
  const placed = layered(nodes, edges, { gapX: 80, gapY: 40, margin: MARGIN });
  const moved = boxes.map((b) => translate(b, placed.nodes.get(b.node.id)!.x, placed.nodes.get(b.node.id)!.y + TITLE_HEIGHT));
  const at = new Map(moved.map((b) => [b.node.id, b]));
  const links = graph.links.map((link, index): LinkBox => {
    const from = at.get(link.from.node)!;
    const to = at.get(link.to.node)!;
    const start = from.outputs.find((p) => p.name === link.from.port) ?? { x: from.x + from.width, y: from.y + from.height / 2 };
    const end = to.inputs.find((p) => p.name === link.to.port) ?? { x: to.x, y: to.y + to.height / 2 };
    return { index, link, ...route(start, end, placed.edges[index]!, TITLE_HEIGHT) };
  });
  return { graph, width: Math.ceil(Math.max(placed.width, MARGIN * 2 + wide(`flow ${graph.id}`))), height: Math.ceil(placed.height + TITLE_HEIGHT), nodes: moved, links };
}

function sizeConnector(node: ConnectorGraphNode): NodeBox {
  const rows = Math.max(node.inputs.length, node.outputs.length, 1);
  const width = Math.max(140, wide(node.id) + 28, narrow(connectorSubtitle(node)) + 28, widest(node.inputs, narrow) + widest(node.outputs, narrow) + 48);
  const height = CONNECTOR_HEADER + rows * ROW + 4;
  const port = (i: number): number => CONNECTOR_HEADER + i * ROW + ROW / 2;
  return {
    node,
    x: 0,
    y: 0,
    width,
    height,
    inputs: node.inputs.map((name, i) => ({ name, x: 0, y: port(i) })),
    outputs: node.outputs.map((name, i) => ({ name, x: width, y: port(i) })),
    operators: [],
    innerLinks: [],
    tabs: [],
  };
}

function sizeOperator(op: OperatorGraphNode): Omit<OperatorBox, 'x' | 'y'> {
  const label = operatorLabel(op);
  const namedOutputs = op.outputs.length > 1 || (op.outputs.length === 1 && op.outputs[0] !== 'out');
  const rows = namedOutputs ? op.outputs.length : 0;
  const width = Math.max(84, narrow(label) + 24, namedOutputs ? widest(op.outputs, narrow) + 28 : 0);
  const height = OPERATOR_HEADER + rows * OPERATOR_ROW;
  const outputs = op.outputs.map((name, i) => ({ name, x: width, y: namedOutputs ? OPERATOR_HEADER + i * OPERATOR_ROW + OPERATOR_ROW / 2 - 4 : OPERATOR_HEADER / 2 }));
  return { operator: op, width, height, label, input: { x: 0, y: OPERATOR_HEADER / 2 }, outputs, namedOutputs };
}

/** A pipeline is a frame around its operators, laid out the same way, with its ports as tabs on the frame. */
function sizePipeline(node: PipelineGraphNode): NodeBox {
  const tabIn = widest(node.inputs, narrow) + 14;
  const tabOut = widest(node.outputs, narrow) + 14;
  const ops = node.operators.map(sizeOperator);
  const opById = new Map(ops.map((o) => [o.operator.id, o]));
  const key = (e: { operator?: string; port: string }, dir: 'in' | 'out'): string => (e.operator === undefined ? `${dir}:${e.port}` : `op:${e.operator}`);
  const inner: LayeredNode[] = [
    ...node.inputs.map((p) => ({ id: `in:${p}`, width: tabIn, height: TAB_HEIGHT, pin: 'first' as const })),
    ...ops.map((o) => ({ id: `op:${o.operator.id}`, width: o.width, height: o.height })),
    ...node.outputs.map((p) => ({ id: `out:${p}`, width: tabOut, height: TAB_HEIGHT, pin: 'last' as const })),
  ];
  const outY = (e: { operator?: string; port: string }): number => (e.operator === undefined ? TAB_HEIGHT / 2 : (opById.get(e.operator)?.outputs.find((p) => p.name === e.port)?.y ?? 0));
  const inY = (e: { operator?: string }): number => (e.operator === undefined ? TAB_HEIGHT / 2 : (opById.get(e.operator)?.input.y ?? 0));
  const edges: LayeredEdge[] = node.links.map((l) => ({ from: key(l.from, 'in'), to: key(l.to, 'out'), fromY: outY(l.from), toY: inY(l.to) }));
  const placed = layered(inner, edges, { gapX: 36, gapY: 12, margin: 0 });
  const width = Math.max(placed.width, wide(node.id) + narrow('pipeline') + 40, tabIn + tabOut + 24);
  // A frame widened for its title keeps its output tabs on its right edge.
  const shift = (id: string): number => (id.startsWith('out:') ? width - placed.width : 0);
  const top = PIPELINE_HEADER;
  const pos = (id: string): Point => {
    const p = placed.nodes.get(id)!;
    return { x: p.x + shift(id), y: p.y + top };
  };
  const operators = ops.map((o): OperatorBox => {
    const p = pos(`op:${o.operator.id}`);
    return { ...o, x: p.x, y: p.y, input: { x: p.x, y: p.y + o.input.y }, outputs: o.outputs.map((q) => ({ name: q.name, x: p.x + q.x, y: p.y + q.y })) };
  });
  const tabs = [
    ...node.inputs.map((name) => ({ name, side: 'in' as const, width: tabIn, ...pos(`in:${name}`) })),
    ...node.outputs.map((name) => ({ name, side: 'out' as const, width: tabOut, ...pos(`out:${name}`) })),
  ];
  const tabOf = (side: 'in' | 'out', name: string) => tabs.find((t) => t.side === side && t.name === name)!;
  const innerLinks = node.links.map((l, i): EdgeBox => {
    const start = l.from.operator === undefined ? { x: tabOf('in', l.from.port).x + tabIn, y: tabOf('in', l.from.port).y + TAB_HEIGHT / 2 } : operators.find((o) => o.operator.id === l.from.operator)!.outputs.find((p) => p.name === l.from.port)!;
    const end = l.to.operator === undefined ? { x: tabOf('out', l.to.port).x, y: tabOf('out', l.to.port).y + TAB_HEIGHT / 2 } : operators.find((o) => o.operator.id === l.to.operator)!.input;
    return route(start, end, placed.edges[i]!, top);
  });
  const height = top + placed.height + 10;
  return {
    node,
    x: 0,
    y: 0,
    width,
    height,
    inputs: tabs.filter((t) => t.side === 'in').map((t) => ({ name: t.name, x: 0, y: t.y + TAB_HEIGHT / 2 })),
    outputs: tabs.filter((t) => t.side === 'out').map((t) => ({ name: t.name, x: width, y: t.y + TAB_HEIGHT / 2 })),
    operators,
    innerLinks,
    tabs,
  };
}

function translate(box: NodeBox, dx: number, dy: number): NodeBox {
  const p = <T extends Point>(q: T): T => ({ ...q, x: q.x + dx, y: q.y + dy });
  return {
    ...box,
    x: box.x + dx,
    y: box.y + dy,
    inputs: box.inputs.map(p),
    outputs: box.outputs.map(p),
    operators: box.operators.map((o) => ({ ...p(o), input: p(o.input), outputs: o.outputs.map(p) })),
    tabs: box.tabs.map(p),
    innerLinks: box.innerLinks.map((e) => ({ ...e, d: shiftPath(e.d, dx, dy), label: p(e.label) })),
  };
}

/** Moves absolute path data (M, C, L, Q, H, V commands only, as `route` writes it). */
function shiftPath(d: string, dx: number, dy: number): string {
  return d.replace(/([MCLQHV])([^MCLQHV]*)/g, (_, cmd: string, args: string) => {
    const nums = args.trim().split(/[\s,]+/).filter(Boolean).map(Number);
    const moved = cmd === 'H' ? nums.map((n) => n + dx) : cmd === 'V' ? nums.map((n) => n + dy) : nums.map((n, i) => (i % 2 === 0 ? n + dx : n + dy));
    return `${cmd}${moved.map(round).join(' ')}`;
  });
}

/** A curve left to right through the waypoints, or a loop back along its lane below the nodes. */
function route(start: Point, end: Point, edge: EdgeRoute, top: number): EdgeBox {
  const f = (p: Point): string => `${round(p.x)} ${round(p.y)}`;
  if (!edge.back) {
    const points = [start, ...edge.via.map((v) => ({ x: v.x, y: v.y + top })), end];
    let d = `M${f(start)}`;
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i]!;
      const b = points[i + 1]!;
      if (a.y === b.y) {
        d += `L${f(b)}`;
        continue;
      }
      const dx = Math.max(Math.abs(b.x - a.x) / 2, 24);
      d += `C${f({ x: a.x + dx, y: a.y })} ${f({ x: b.x - dx, y: b.y })} ${f(b)}`;
    }
    const k = Math.floor((points.length - 2) / 2);
    const a = points[k]!;
    const b = points[k + 1]!;
    return { d, label: { x: round((a.x + b.x) / 2), y: round((a.y + b.y) / 2) }, back: false };
  }
  const lane = edge.laneY + top;
  const out = start.x + 20;
  const into = end.x - 20;
  const r = Math.max(2, Math.min(8, (lane - start.y) / 2, (lane - end.y) / 2));
  const d =
    `M${f(start)}L${f({ x: out - r, y: start.y })}Q${f({ x: out, y: start.y })} ${f({ x: out, y: start.y + r })}` +
    `L${f({ x: out, y: lane - r })}Q${f({ x: out, y: lane })} ${f({ x: out - r, y: lane })}` +
    `L${f({ x: into + r, y: lane })}Q${f({ x: into, y: lane })} ${f({ x: into, y: lane - r })}` +
    `L${f({ x: into, y: end.y + r })}Q${f({ x: into, y: end.y })} ${f({ x: into + r, y: end.y })}L${f(end)}`;
  return { d, label: { x: round((out + into) / 2), y: round(lane) }, back: true };
}
