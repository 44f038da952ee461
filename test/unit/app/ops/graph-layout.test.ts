import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadFlow } from '../../../../src/app/load.js';
import { describeFlow, type FlowGraph } from '../../../../src/app/ops/graph/describe.js';
import { layered } from '../../../../src/app/ops/graph/layered.js';
import { layoutFlow, type GraphLayout, type NodeBox } from '../../../../src/app/ops/graph/layout.js';
import { renderSvg } from '../../../../src/app/ops/graph/svg.js';
import { repoRoot } from '../../../support/cli.js';
import { elements, parseXml } from '../../../support/xml.js';

const FLOWS = ['flows/echo.json5', 'flows/gateway.json5', 'flows/chat.json5', 'flows/ditto.json5', 'flows/thingsdb-endpoint.json5', 'flows/ws-client.json5', 'test/integration/seed-echo-troy/config.troy'];

const model = (file: string) => loadFlow(path.join(repoRoot, file), { resolvers: { port: () => 0 } });
const numbers = (d: string): number[] => d.match(/-?\d+(\.\d+)?/g)!.map(Number);
const near = (a: number, b: number): boolean => Math.abs(a - b) < 0.11;
const overlap = (a: NodeBox, b: NodeBox): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function checkGeometry(file: string, layout: GraphLayout): void {
  const { nodes, links } = layout;
  for (const [i, a] of nodes.entries()) {
    for (const b of nodes.slice(i + 1)) assert.not.ok(overlap(a, b), `${file}: ${a.node.id} overlaps ${b.node.id}`);
    assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width && a.y + a.height <= layout.height, `${file}: ${a.node.id} outside the drawing`);
    for (const o of a.operators) {
      assert.ok(o.x > a.x && o.x + o.width < a.x + a.width && o.y > a.y && o.y + o.height < a.y + a.height, `${file}: operator ${o.operator.id} outside ${a.node.id}`);
    }
    for (const t of a.tabs) {
      if (t.side === 'in') assert.ok(near(t.x, a.x), `${file}: ${a.node.id}'s input tab ${t.name} is on its left edge`);
      else assert.ok(near(t.x + t.width, a.x + a.width), `${file}: ${a.node.id}'s output tab ${t.name} is on its right edge`);
    }
  }
  const byId = new Map(nodes.map((n) => [n.node.id, n]));
  for (const l of links) {
    const from = byId.get(l.link.from.node)!.outputs.find((p) => p.name === l.link.from.port)!;
    const to = byId.get(l.link.to.node)!.inputs.find((p) => p.name === l.link.to.port)!;
    assert.ok(from.x === byId.get(l.link.from.node)!.x + byId.get(l.link.from.node)!.width, `${file}: output ports are on the right edge`);
    assert.ok(to.x === byId.get(l.link.to.node)!.x, `${file}: input ports are on the left edge`);
    const n = numbers(l.d);
    assert.ok(near(n[0]!, from.x) && near(n[1]!, from.y), `${file}: link ${l.index} starts at ${l.link.from.node}/${l.link.from.port}`);
    assert.ok(near(n[n.length - 2]!, to.x) && near(n[n.length - 1]!, to.y), `${file}: link ${l.index} ends at ${l.link.to.node}/${l.link.to.port}`);
    if (!l.back) assert.ok(to.x > from.x, `${file}: link ${l.index} runs left to right`);
    else {
      const a = byId.get(l.link.from.node)!;
      const b = byId.get(l.link.to.node)!;
      assert.ok(l.label.y > Math.max(a.y + a.height, b.y + b.height), `${file}: the loop back of link ${l.index} runs below its ends`);
    }
    assert.ok(l.label.y <= layout.height && l.label.x <= layout.width, `${file}: link ${l.index}'s label is inside the drawing`);
  }
}

test('a flow is drawn with its connectors, pipelines and links, each port where it is linked', async () => {
  const graph = describeFlow(await model('flows/echo.json5'));
  assert.equal(graph.nodes, [
    { type: 'connector', id: 'server', kind: 'ws_server', codec: 'json', preprocessors: ['separate'], postprocessors: ['separate'], inputs: ['in'], outputs: ['out', 'err'] },
    { type: 'pipeline', id: 'echo', inputs: ['in'], outputs: ['out', 'err'], operators: [], links: [{ from: { port: 'in' }, to: { port: 'out' } }] },
  ]);
  assert.equal(graph.links, [
    { from: { node: 'server', port: 'out' }, to: { node: 'echo', port: 'in' } },
    { from: { node: 'echo', port: 'out' }, to: { node: 'server', port: 'in' } },
  ]);
});

test('a connector shows the ports that are linked, and err where its kind has one', async () => {
  const graph = describeFlow(await model('flows/chat.json5'));
  const bus = graph.nodes.find((n) => n.id === 'bus_in');
  assert.equal(bus?.type === 'connector' && [bus.inputs, bus.outputs], [[], ['out', 'err']]);
  const gateway = describeFlow(await model('flows/gateway.json5'));
  const upstream = gateway.nodes.find((n) => n.id === 'upstream');
  assert.equal(upstream?.type === 'pipeline' && upstream.operators, [
    { id: 'kind', kind: 'route', outputs: ['out', 'unix', 'tcp'] },
    { id: 'to_unix', kind: 'set', outputs: ['out'] },
    { id: 'to_tcp', kind: 'set', outputs: ['out'] },
  ]);
});

test('in every shipped flow, nodes do not overlap, links run from their source port to their target port, and loops back pass below', async () => {
  for (const file of FLOWS) checkGeometry(file, layoutFlow(describeFlow(await model(file))));
});

test('the node declared first of a cycle is drawn first: the echo server, then its pipeline, and the reply loops back', async () => {
  const layout = layoutFlow(describeFlow(await model('flows/echo.json5')));
  const [server, echo] = layout.nodes;
  assert.ok(server!.x + server!.width < echo!.x);
  assert.equal(layout.links.map((l) => l.back), [false, true]);
});

test('a pipeline frames its operators in the order of its links, and its tabs lead to them', async () => {
  const layout = layoutFlow(describeFlow(await model('flows/gateway.json5')));
  const upstream = layout.nodes.find((n) => n.node.id === 'upstream')!;
  const [kind, toUnix, toTcp] = upstream.operators;
  assert.ok(kind!.x + kind!.width < toUnix!.x && kind!.x + kind!.width < toTcp!.x, 'route comes before the two set operators');
  assert.ok(toUnix!.y < toTcp!.y, 'the unix branch above the tcp branch, as route lists them');
  const first = numbers(upstream.innerLinks[0]!.d);
  const inTab = upstream.tabs.find((t) => t.side === 'in' && t.name === 'in')!;
  assert.ok(near(first[0]!, inTab.x + inTab.width), 'the inner link leaves the in tab');
  assert.ok(near(first[first.length - 2]!, kind!.input.x) && near(first[first.length - 1]!, kind!.input.y), 'and enters route');
});

test('the same flow gives the same drawing', async () => {
  const m = await model('flows/ditto.json5');
  assert.is(renderSvg(layoutFlow(describeFlow(m))), renderSvg(layoutFlow(describeFlow(m))));
});

test('every name is escaped: the drawing parses, holds the names as given, and nothing in it runs', async () => {
  const hostile = '<script>alert("x")</script>&\'';
  const graph: FlowGraph = {
    id: `${hostile}]]>`,
    nodes: [
      { type: 'connector', id: hostile, kind: 'ws_server', codec: 'j"><img onerror=x>', preprocessors: ['a&b'], postprocessors: [], inputs: ['in'], outputs: ['out', 'err'] },
      {
        type: 'pipeline',
        id: 'p&<',
        inputs: ['in'],
        outputs: ['out', 'err'],
        operators: [{ id: 'o"<', kind: 'filter', outputs: ['out'] }],
        links: [
          { from: { port: 'in' }, to: { operator: 'o"<', port: 'in' } },
          { from: { operator: 'o"<', port: 'out' }, to: { port: 'out' } },
        ],
      },
    ],
    links: [{ from: { node: hostile, port: 'out' }, to: { node: 'p&<', port: 'in' } }],
  };
  const root = await parseXml(renderSvg(layoutFlow(graph), { css: 'a > b { fill: "x" } </style><script>' }));
  const all = [...elements(root)];
  assert.is(root.tag, 'svg');
  assert.is(root.attrs['data-flow'], `${hostile}]]>`);
  assert.equal(all.filter((e) => e.attrs['data-node'] !== undefined).map((e) => e.attrs['data-node']), [hostile, 'p&<']);
  assert.equal(all.filter((e) => e.attrs['data-operator'] !== undefined).map((e) => e.attrs['data-operator']), ['o"<']);
  assert.equal(all.filter((e) => e.attrs['data-link'] !== undefined && e.tag === 'path').map((e) => [e.attrs['data-from'], e.attrs['data-to']]), [[`${hostile}/out`, 'p&</in']]);
  assert.is(all.find((e) => e.tag === 'style')!.text, 'a > b { fill: "x" } </style><script>');
  assert.equal(all.filter((e) => e.tag === 'script' || e.tag === 'foreignObject' || e.tag === 'img'), []);
  assert.equal(all.flatMap((e) => Object.keys(e.attrs).filter((a) => /^on/i.test(a) || a === 'style' || a === 'href')), []);
  const kinds = all.filter((e) => e.attrs.class === 'kind').map((e) => e.text);
  assert.ok(kinds.includes('ws_server · j"><img onerror=x>'), 'the codec name is shown as text');
});

test('a long name is cut on the drawing and whole in its title', async () => {
  const long = 'a_connector_with_a_name_much_longer_than_a_box';
  const graph: FlowGraph = { id: 'f', nodes: [{ type: 'connector', id: long, kind: 'stdio', codec: undefined, preprocessors: [], postprocessors: [], inputs: [], outputs: ['err'] }], links: [] };
  const root = await parseXml(renderSvg(layoutFlow(graph)));
  const node = [...elements(root)].find((e) => e.attrs['data-node'] === long)!;
  assert.is(node.children.find((c) => c.attrs.class === 'name')!.text, `${long.slice(0, 31)}…`);
  assert.match(node.children.find((c) => c.tag === 'title')!.text, long);
});

test('layered layout: a chain of thousands of nodes and a loop over all of it are drawn without exhausting the stack', () => {
  const n = 2000;
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, width: 100, height: 50 }));
  const edges = [...nodes.slice(1).map((_, i) => ({ from: `n${i}`, to: `n${i + 1}`, fromY: 25, toY: 25 })), { from: `n${n - 1}`, to: 'n0', fromY: 25, toY: 25 }];
  const placed = layered(nodes, edges, { gapX: 80, gapY: 40, margin: 20 });
  assert.is(placed.nodes.get(`n${n - 1}`)!.rank, n - 1);
  const loop = placed.edges.at(-1)!;
  assert.ok(loop.back && loop.laneY > 20 + 50, 'the loop runs below the chain');
  assert.ok(placed.edges.slice(0, -1).every((e) => !e.back), 'the chain runs forward');
});

test('layered layout: crossings are undone by ordering the layers', () => {
  // a→d and b→c drawn in the order given would cross; ordered, they do not.
  const nodes = ['a', 'b', 'c', 'd'].map((id) => ({ id, width: 10, height: 10 }));
  const placed = layered(nodes, [{ from: 'a', to: 'd', fromY: 5, toY: 5 }, { from: 'b', to: 'c', fromY: 5, toY: 5 }], { gapX: 10, gapY: 10, margin: 0 });
  const y = (id: string): number => placed.nodes.get(id)!.y;
  assert.is(Math.sign(y('a') - y('b')), Math.sign(y('d') - y('c')));
});

test.run();
