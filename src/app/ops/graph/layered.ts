/**
 * A layered drawing of a directed graph, left to right, in the manner of Sugiyama: cycles broken
 * by a depth-first search (the edges that close one are drawn as loops below), layers by longest
 * path, edges across several layers given a waypoint in each, layers ordered by barycentres to
 * cut crossings, and nodes placed as near their neighbours' ports as their order allows. Used for
 * the flow and, inside each pipeline, for its operators.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayeredNode {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Kept in the first or the last layer (a pipeline's own ports, inside it). */
  readonly pin?: 'first' | 'last';
}

export interface LayeredEdge {
  readonly from: string;
  readonly to: string;
  /** Where the edge leaves `from` and enters `to`, measured from the top of each. */
  readonly fromY: number;
  readonly toY: number;
}

export type EdgeRoute = { readonly back: false; readonly via: readonly Point[] } | { readonly back: true; readonly laneY: number };

export interface Placement {
  readonly nodes: ReadonlyMap<string, Point & { readonly rank: number }>;
  /** One per edge, in the order given: the waypoints of an edge forward (two a layer: where it enters and leaves it), or the lane of a loop back. */
  readonly edges: readonly EdgeRoute[];
  readonly width: number;
  readonly height: number;
}

export interface LayeredOptions {
  readonly gapX: number;
  readonly gapY: number;
  readonly margin: number;
}

interface Cell {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  rank: number;
  x: number;
  y: number;
}

interface Segment {
  readonly from: Cell;
  readonly to: Cell;
  readonly fromY: number;
  readonly toY: number;
}

const SWEEPS = 8;
const WAYPOINT_HEIGHT = 8;
const LANE_GAP = 10;

export function layered(nodes: readonly LayeredNode[], edges: readonly LayeredEdge[], options: LayeredOptions): Placement {
  const cells = new Map<string, Cell>(nodes.map((n) => [n.id, { id: n.id, width: n.width, height: n.height, rank: 0, x: 0, y: 0 }]));
  const pins = new Map(nodes.map((n) => [n.id, n.pin]));
  const back = breakCycles(nodes, edges, pins);
  rank(nodes, edges, back, cells, pins);

  // Layers, with a waypoint cell in each layer a forward edge crosses.
  const ranks = Math.max(0, ...[...cells.values()].map((c) => c.rank)) + 1;
  const layers: Cell[][] = Array.from({ length: ranks }, () => []);
  for (const n of nodes) layers[cells.get(n.id)!.rank]!.push(cells.get(n.id)!);
  const segments: Segment[] = [];
  const waypoints: Cell[][] = edges.map((e, i) => {
    if (back[i]) return [];
    const from = cells.get(e.from)!;
    const to = cells.get(e.to)!;
    const chain: Cell[] = [];
    for (let r = from.rank + 1; r < to.rank; r++) {
      const cell: Cell = { id: `\u0000${i}:${r}`, width: 0, height: WAYPOINT_HEIGHT, rank: r, x: 0, y: 0 };
      layers[r]!.push(cell);
      chain.push(cell);
    }
    const path = [from, ...chain, to];
    for (let k = 0; k + 1 < path.length; k++) {
      segments.push({ from: path[k]!, to: path[k + 1]!, fromY: k === 0 ? e.fromY : WAYPOINT_HEIGHT / 2, toY: k + 2 === path.length ? e.toY : WAYPOINT_HEIGHT / 2 });
    }
    return chain;
  });

  order(layers, segments);
  const columns = placeX(layers, options);
  placeY(layers, segments, options);

  // Loops back run below the nodes of the layers they span, each in a lane of its own.
  const lanes: { lo: number; hi: number; y: number }[] = [];
  const routes: EdgeRoute[] = edges.map((e, i) => {
    // An edge crosses a layer straight, along its whole width, so that it passes the layer's nodes
    // rather than cutting a corner of one.
    if (!back[i]) return { back: false, via: waypoints[i]!.flatMap((c) => [{ x: columns[c.rank]!.x, y: c.y + c.height / 2 }, { x: columns[c.rank]!.x + columns[c.rank]!.width, y: c.y + c.height / 2 }]) };
    const [lo, hi] = [cells.get(e.to)!.rank, cells.get(e.from)!.rank].sort((a, b) => a - b) as [number, number];
    let bottom = 0;
    for (let r = lo; r <= hi; r++) for (const c of layers[r]!) bottom = Math.max(bottom, c.y + c.height);
    const taken = lanes.filter((l) => l.lo <= hi && lo <= l.hi).reduce((y, l) => Math.max(y, l.y), 0);
    const y = Math.max(bottom + options.gapY / 2, taken + LANE_GAP);
    lanes.push({ lo, hi, y });
    return { back: true, laneY: y };
  });

  let width = 0;
  let height = 0;
  for (const c of cells.values()) {
    width = Math.max(width, c.x + c.width);
    height = Math.max(height, c.y + c.height);
  }
  for (const l of lanes) height = Math.max(height, l.y);
  return {
    nodes: new Map([...cells.values()].map((c) => [c.id, { x: c.x, y: c.y, rank: c.rank }])),
    edges: routes,
    width: width + options.margin,
    height: height + options.margin,
  };
}

/** Marks the edges that close a cycle (and those into the first layer or out of the last): drawn back. */
function breakCycles(nodes: readonly LayeredNode[], edges: readonly LayeredEdge[], pins: ReadonlyMap<string, 'first' | 'last' | undefined>): boolean[] {
  const back = edges.map((e) => e.from === e.to || pins.get(e.to) === 'first' || pins.get(e.from) === 'last');
  const out = new Map<string, number[]>(nodes.map((n) => [n.id, []]));
  edges.forEach((e, i) => {
    if (!back[i]) out.get(e.from)!.push(i);
  });
  // In the order given (the flow's): of a cycle, the node declared first is drawn leftmost, so an
  // echo server comes before its pipeline rather than after it.
  const state = new Map<string, 'open' | 'done'>();
  for (const root of nodes) {
    if (state.has(root.id)) continue;
    // Iterative, so that a long chain cannot exhaust the stack.
    const stack: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const list = out.get(top.id)!;
      if (top.next >= list.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const i = list[top.next++]!;
      const to = edges[i]!.to;
      const seen = state.get(to);
      if (seen === 'open') back[i] = true;
      else if (seen === undefined) {
        state.set(to, 'open');
        stack.push({ id: to, next: 0 });
      }
    }
  }
  return back;
}

/** Longest-path layers over the forward edges. */
function rank(nodes: readonly LayeredNode[], edges: readonly LayeredEdge[], back: readonly boolean[], cells: Map<string, Cell>, pins: ReadonlyMap<string, 'first' | 'last' | undefined>): void {
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  const out = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  edges.forEach((e, i) => {
    if (back[i]) return;
    indegree.set(e.to, indegree.get(e.to)! + 1);
    out.get(e.from)!.push(e.to);
  });
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (let q = 0; q < queue.length; q++) {
    const from = cells.get(queue[q]!)!;
    for (const id of out.get(from.id)!) {
      if (pins.get(id) !== 'last') cells.get(id)!.rank = Math.max(cells.get(id)!.rank, from.rank + 1);
      const left = indegree.get(id)! - 1;
      indegree.set(id, left);
      if (left === 0) queue.push(id);
    }
  }
  let last = 0;
  for (const c of cells.values()) if (pins.get(c.id) !== 'last') last = Math.max(last, c.rank + 1);
  for (const c of cells.values()) {
    if (pins.get(c.id) === 'first') c.rank = 0;
    if (pins.get(c.id) === 'last') c.rank = last;
  }
}

/** Barycentre sweeps, keeping the order with the fewest crossings. */
function order(layers: Cell[][], segments: readonly Segment[]): void {
  const pos = new Map<Cell, number>();
  const index = (): void => layers.forEach((l) => l.forEach((c, i) => pos.set(c, i)));
  const slot = (c: Cell, portY: number): number => pos.get(c)! + portY / (c.height + 1);
  const ins = new Map<Cell, Segment[]>();
  const outs = new Map<Cell, Segment[]>();
  const between: Segment[][] = layers.map(() => []);
  for (const s of segments) {
    push(ins, s.to, s);
    push(outs, s.from, s);
    between[s.from.rank]!.push(s);
  }
  const crossings = (): number => {
    let n = 0;
    for (const list of between) {
      const ends = list.map((s) => [slot(s.from, s.fromY), slot(s.to, s.toY)] as const);
      for (let i = 0; i < ends.length; i++) for (let j = i + 1; j < ends.length; j++) if ((ends[i]![0] - ends[j]![0]) * (ends[i]![1] - ends[j]![1]) < 0) n++;
    }
    return n;
  };
  index();
  let best = layers.map((l) => [...l]);
  let fewest = crossings();
  for (let sweep = 0; sweep < SWEEPS && fewest > 0; sweep++) {
    const down = sweep % 2 === 0;
    const rs = layers.map((_, r) => r);
    for (const r of down ? rs.slice(1) : rs.slice(0, -1).reverse()) {
      const layer = layers[r]!;
      const centre = new Map<Cell, number>();
      for (const c of layer) {
        const ends = down ? (ins.get(c) ?? []).map((s) => slot(s.from, s.fromY)) : (outs.get(c) ?? []).map((s) => slot(s.to, s.toY));
        // Nodes linked to nothing on that side stay below those that are, in their order.
        centre.set(c, ends.length === 0 ? layer.length + pos.get(c)! : ends.reduce((a, b) => a + b, 0) / ends.length);
      }
      layer.sort((a, b) => centre.get(a)! - centre.get(b)!);
      layer.forEach((c, i) => pos.set(c, i));
    }
    const n = crossings();
    if (n < fewest) {
      fewest = n;
      best = layers.map((l) => [...l]);
    }
  }
  best.forEach((l, r) => (layers[r] = l));
}

function placeX(layers: readonly Cell[][], options: LayeredOptions): { x: number; width: number }[] {
  let x = options.margin;
  return layers.map((layer) => {
    const width = Math.max(0, ...layer.map((c) => c.width));
    for (const c of layer) c.x = x + (width - c.width) / 2;
    const column = { x, width };
    x += width + options.gapX;
    return column;
  });
}

/**
 * Each node goes where its neighbours' ports would have it, as near as the order and spacing of its
 * layer allow: the least-squares fit under those constraints (pool-adjacent-violators), repeated.
 */
function placeY(layers: readonly Cell[][], segments: readonly Segment[], options: LayeredOptions): void {
  for (const layer of layers) {
    let y = options.margin;
    for (const c of layer) {
      c.y = y;
      y += c.height + options.gapY;
    }
  }
  const touching: Segment[][] = layers.map(() => []);
  for (const s of segments) {
    touching[s.from.rank]!.push(s);
    touching[s.to.rank]!.push(s);
  }
  const wants = new Map<Cell, number[]>();
  for (let pass = 0; pass < SWEEPS; pass++) {
    const rs = layers.map((_, r) => r);
    for (const r of pass % 2 === 0 ? rs : rs.reverse()) {
      const layer = layers[r]!;
      wants.clear();
      for (const s of touching[r]!) {
        if (s.to.rank === r) push(wants, s.to, s.from.y + s.fromY - s.toY);
        if (s.from.rank === r) push(wants, s.from, s.to.y + s.toY - s.fromY);
      }
      const desired = layer.map((c) => {
        const w = wants.get(c);
        return w === undefined ? c.y : w.reduce((a, b) => a + b, 0) / w.length;
      });
      fit(layer, desired, options.gapY);
    }
  }
  const top = Math.min(...layers.flat().map((c) => c.y));
  for (const c of layers.flat()) c.y += options.margin - top;
}

function push<T>(map: Map<Cell, T[]>, key: Cell, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** y as near `desired` as keeping the order, `gap` apart, allows. */
function fit(layer: readonly Cell[], desired: readonly number[], gap: number): void {
  const offsets: number[] = [];
  let offset = 0;
  for (const c of layer) {
    offsets.push(offset);
    offset += c.height + gap;
  }
  const blocks: { sum: number; n: number }[] = [];
  desired.forEach((d, i) => {
    blocks.push({ sum: d - offsets[i]!, n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.sum / blocks[blocks.length - 2]!.n > blocks[blocks.length - 1]!.sum / blocks[blocks.length - 1]!.n) {
      const b = blocks.pop()!;
      blocks[blocks.length - 1]!.sum += b.sum;
      blocks[blocks.length - 1]!.n += b.n;
    }
  });
  let i = 0;
  for (const b of blocks) for (let k = 0; k < b.n; k++, i++) layer[i]!.y = b.sum / b.n + offsets[i]!;
}
