import type { ConnectorGraphNode, PipelineGraphNode } from './describe.js';
import { clip, connectorSubtitle, TITLE_HEIGHT, type GraphLayout, type NodeBox, type OperatorBox } from './layout.js';

/**
 * The SVG text of a laid-out flow. The same markup is the page's live graph (its script finds the
 * elements by their data attributes and fills in the figures) and the file `tremolo graph` writes.
 * Every name is escaped; nothing in it runs (no script, no event attributes), and nothing is
 * styled inline, so the page's Content-Security-Policy holds.
 */
export interface SvgOptions {
  /** Prefixes the ids of the SVG (its title, the arrow marker): unique when a page shows several flows. */
  readonly idPrefix?: string;
  /** A stylesheet to embed (a standalone file); the page links its own instead. */
  readonly css?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text and attribute values: every character XML gives a meaning to, and none it forbids. */
export const escapeXml = (text: string): string =>
  // eslint-disable-next-line no-control-regex -- C0 controls other than tab and newlines are not allowed in XML 1.0
  text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');

const attrs = (values: Record<string, string | number | undefined>): string =>
  Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');

const el = (name: string, values: Record<string, string | number | undefined>, body?: string): string =>
  body === undefined ? `<${name}${attrs(values)}/>` : `<${name}${attrs(values)}>${body}</${name}>`;

const text = (values: Record<string, string | number | undefined>, content: string): string => el('text', values, escapeXml(content));
const title = (content: string): string => `<title>${escapeXml(content)}</title>`;

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

export function renderSvg(layout: GraphLayout, options: SvgOptions = {}): string {
  const prefix = options.idPrefix ?? 'tremolo';
  const graph = layout.graph;
  const connectors = graph.nodes.filter((n) => n.type === 'connector').length;
  const summary = `Flow ${graph.id}: ${plural(connectors, 'connector')}, ${plural(graph.nodes.length - connectors, 'pipeline')}, ${plural(graph.links.length, 'link')}`;
  const arrow = `${prefix}-arrow`;
  const parts: string[] = [];
  parts.push(
    `<svg${attrs({ xmlns: 'http://www.w3.org/2000/svg', class: 'tremolo-graph', width: layout.width, height: layout.height, viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'group', 'aria-labelledby': `${prefix}-title`, 'data-flow': graph.id })}>`,
    el('title', { id: `${prefix}-title` }, escapeXml(summary)),
  );
  if (options.css !== undefined) parts.push(`<style>${escapeXml(options.css)}</style>`);
  parts.push(
    `<defs>${el('marker', { id: arrow, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, el('path', { class: 'arrow', d: 'M0 0L10 5L0 10z' }))}</defs>`,
    text({ class: 'flow-title', x: 20, y: TITLE_HEIGHT - 8 }, `flow ${graph.id}`),
  );
  parts.push('<g class="links">');
  for (const l of layout.links) {
    const name = `${l.link.from.node}/${l.link.from.port} → ${l.link.to.node}/${l.link.to.port}`;
    parts.push(el('path', { class: l.back ? 'link back' : 'link', d: l.d, 'data-link': l.index, 'data-from': `${l.link.from.node}/${l.link.from.port}`, 'data-to': `${l.link.to.node}/${l.link.to.port}`, 'marker-end': `url(#${arrow})` }, title(name)));
  }
  parts.push('</g><g class="nodes">');
  for (const box of layout.nodes) parts.push(box.node.type === 'connector' ? connector(box, box.node) : pipeline(box, box.node, arrow));
  parts.push('</g><g class="rates" aria-hidden="true">');
  // Filled in by the live page; empty in a file.
  for (const l of layout.links) parts.push(text({ class: 'rate', 'data-link': l.index, x: l.label.x, y: l.label.y - 4 }, ''));
  parts.push('</g></svg>');
  return parts.join('');
}

function connector(box: NodeBox, c: ConnectorGraphNode): string {
  const chain = [...c.preprocessors, ...(c.codec === undefined ? [] : [c.codec]), ...c.postprocessors];
  const tip = `connector ${c.id}, kind ${c.kind}${c.codec === undefined ? '' : `, codec ${c.codec}`}${c.preprocessors.length > 0 ? `, preprocessors ${c.preprocessors.join(', ')}` : ''}${c.postprocessors.length > 0 ? `, postprocessors ${c.postprocessors.join(', ')}` : ''}`;
  const cx = box.x + box.width / 2;
  return el(
    'g',
    { class: 'node connector', 'data-node': c.id, 'data-kind': c.kind, 'data-chain': chain.join(' '), tabindex: 0, role: 'button', 'aria-label': tip },
    title(tip) +
      el('rect', { class: 'box', x: box.x, y: box.y, width: box.width, height: box.height, rx: 6 }) +
      text({ class: 'name', x: cx, y: box.y + 18 }, clip(c.id)) +
      text({ class: 'kind', x: cx, y: box.y + 33 }, clip(connectorSubtitle(c))) +
      box.inputs.map((p) => port(p, 'in')).join('') +
      box.outputs.map((p) => port(p, 'out')).join('') +
      text({ class: 'status', 'data-status': c.id, x: cx, y: box.y + box.height + 15 }, ''),
  );
}

function port(p: { name: string; x: number; y: number }, side: 'in' | 'out'): string {
  const label = side === 'in' ? { class: 'start', x: p.x + 9 } : { class: 'end', x: p.x - 9 };
  return el('g', { class: `port ${side}${p.name === 'err' ? ' err' : ''}`, 'data-port': `${side}/${p.name}` }, el('circle', { cx: p.x, cy: p.y, r: 4 }) + text({ ...label, y: p.y + 4 }, clip(p.name)));
}

function pipeline(box: NodeBox, p: PipelineGraphNode, arrow: string): string {
  const tip = `pipeline ${p.id}: ${p.operators.length === 0 ? 'passes events through' : plural(p.operators.length, 'operator')}`;
  const parts = [
    title(tip),
    el('rect', { class: 'box', x: box.x, y: box.y, width: box.width, height: box.height, rx: 8 }),
    text({ class: 'name start', x: box.x + 12, y: box.y + 20 }, clip(p.id)),
    text({ class: 'kind end', x: box.x + box.width - 12, y: box.y + 20 }, 'pipeline'),
    '<g class="inner-links">',
    ...box.innerLinks.map((l) => el('path', { class: l.back ? 'inner-link back' : 'inner-link', d: l.d, 'marker-end': `url(#${arrow})` })),
    '</g>',
  ];
  for (const t of box.tabs) {
    parts.push(
      el(
        'g',
        { class: `tab ${t.side}${t.name === 'err' ? ' err' : ''}`, 'data-port': `${t.side}/${t.name}` },
        el('rect', { x: t.x, y: t.y, width: t.width, height: 18, rx: 3 }) + text({ x: t.x + t.width / 2, y: t.y + 13 }, clip(t.name)),
      ),
    );
  }
  for (const o of box.operators) parts.push(operator(o));
  parts.push(text({ class: 'status', 'data-status': p.id, x: box.x + box.width / 2, y: box.y + box.height + 15 }, ''));
  return el('g', { class: 'node pipeline', 'data-node': p.id, tabindex: 0, role: 'button', 'aria-label': tip }, parts.join(''));
}

function operator(o: OperatorBox): string {
  const tip = `operator ${o.operator.id} (${o.operator.kind})`;
  return el(
    'g',
    { class: 'operator', 'data-operator': o.operator.id, 'data-kind': o.operator.kind },
    title(tip) +
      el('rect', { x: o.x, y: o.y, width: o.width, height: o.height, rx: 4 }) +
      text({ class: 'op-name', x: o.x + o.width / 2, y: o.y + 22 }, clip(o.label)) +
      (o.namedOutputs ? o.outputs.map((q) => text({ class: 'op-port end', x: q.x - 6, y: q.y + 4 }, clip(q.name))).join('') : ''),
  );
}
