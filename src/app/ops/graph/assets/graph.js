// tremolo's live flow graph. The server draws each flow (graph/flows/ID.svg, the same drawing as
// `tremolo graph`); this script puts the drawings on the page and keeps their figures current from
// graph/events. Plain DOM, no build step: names only ever go in through textContent.

const flowsEl = document.getElementById('flows');
const feedEl = document.getElementById('feed');
const detailsEl = document.getElementById('details');
const detailsTitle = document.getElementById('details-title');
const detailsBody = document.getElementById('details-body');

/** Flow id -> { section, version, loading, nodes, links, statuses, operators }. */
const shown = new Map();
/** The node whose details are open: { flow, node, element }. */
let selected;
let latest;

/** How recent an error keeps its node highlighted. */
const ERROR_HIGHLIGHT_MS = 30000;

const rate = (n) => (n <= 0 ? '0' : n < 10 ? n.toFixed(1) : n < 10000 ? String(Math.round(n)) : `${(n / 1000).toFixed(1)}k`);
const plural = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;

function setFeed(text, state) {
  feedEl.textContent = text;
  feedEl.classList.toggle('is-live', state === 'live');
  feedEl.classList.toggle('is-lost', state === 'lost');
}

function section(flow) {
  let entry = shown.get(flow.id);
  if (entry === undefined) {
    const el = document.createElement('section');
    el.className = 'flow';
    const h2 = document.createElement('h2');
    const name = document.createElement('span');
    name.textContent = `flow ${flow.id}`;
    const state = document.createElement('span');
    state.className = 'state';
    h2.append(name, state);
    const drawing = document.createElement('div');
    drawing.className = 'drawing';
    el.append(h2, drawing);
    el.setAttribute('aria-label', `flow ${flow.id}`);
    flowsEl.append(el);
    entry = { section: el, state, drawing, version: 0, loading: 0, nodes: new Map(), links: new Map(), statuses: new Map(), operators: new Map() };
    shown.set(flow.id, entry);
  }
  return entry;
}

async function load(flow, entry) {
  entry.loading = flow.version;
  try {
    const res = await fetch(`graph/flows/${encodeURIComponent(flow.id)}.svg`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    const doc = new DOMParser().parseFromString(await res.text(), 'image/svg+xml');
    const svg = doc.documentElement;
    if (svg.nodeName !== 'svg') throw new Error('the drawing does not parse');
    const node = document.importNode(svg, true);
    entry.drawing.replaceChildren(node);
    entry.version = flow.version;
    entry.nodes = new Map([...node.querySelectorAll('[data-node]')].map((el) => [el.dataset.node, el]));
    entry.statuses = new Map([...node.querySelectorAll('[data-status]')].map((el) => [el.dataset.status, el]));
    entry.links = new Map();
    for (const el of node.querySelectorAll('[data-link]')) {
      const link = entry.links.get(el.dataset.link) ?? {};
      link[el.tagName === 'path' ? 'path' : 'label'] = el;
      entry.links.set(el.dataset.link, link);
    }
    entry.operators = new Map();
    for (const el of node.querySelectorAll('.operator')) entry.operators.set(`${el.closest('[data-node]').dataset.node}/${el.dataset.operator}`, el);
    if (selected?.flow === flow.id) selected.element = entry.nodes.get(selected.node);
    if (latest !== undefined) update(latest);
  } catch (err) {
    entry.drawing.textContent = `The drawing of flow ${flow.id} could not be loaded: ${err.message}`;
  } finally {
    entry.loading = 0;
  }
}

function update(snapshot) {
  latest = snapshot;
  const ids = new Set(snapshot.flows.map((f) => f.id));
  for (const [id, entry] of shown) {
    if (!ids.has(id)) {
      entry.section.remove();
      shown.delete(id);
    }
  }
  for (const flow of snapshot.flows) {
    const entry = section(flow);
    entry.state.textContent = flow.state;
    entry.state.className = `state is-${flow.state}`;
    if (entry.version !== flow.version) {
      if (entry.loading !== flow.version) void load(flow, entry);
      continue;
    }
    figures(flow, entry, snapshot.at);
  }
  if (selected !== undefined) renderDetails();
}

function figures(flow, entry, now) {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  for (const node of flow.nodes) {
    const el = entry.nodes.get(node.id);
    if (el === undefined) continue;
    const recent = node.lastError !== undefined && now - node.lastError.at < ERROR_HIGHLIGHT_MS;
    const down = node.connectivity === 'connecting' || node.connectivity === 'waiting' || node.connectivity === 'failed';
    el.classList.toggle('is-paused', node.state === 'paused');
    el.classList.toggle('is-slow', node.slow);
    el.classList.toggle('is-down', down);
    el.classList.toggle('has-error', node.errorRate > 0 || recent);
    const parts = [];
    if (node.connectivity === 'server') {
      if (node.connections !== undefined) parts.push(plural(node.connections, 'connection'));
    } else if (node.connectivity !== undefined) parts.push(node.connectivity);
    if (node.state === 'paused') parts.push('paused');
    if (node.slow) parts.push('slow');
    if (node.queued > 0) parts.push(`${node.queued} queued`);
    if (node.errors > 0) parts.push(plural(node.errors, 'error'));
    const status = entry.statuses.get(node.id);
    if (status !== undefined) status.textContent = parts.join(' · ');
    for (const [key, op] of entry.operators) {
      if (key.startsWith(`${node.id}/`)) op.classList.toggle('has-error', recent && node.lastError.operator !== undefined && key === `${node.id}/${node.lastError.operator}`);
    }
    el.setAttribute('aria-description', parts.join(', '));
  }
  flow.links.forEach((link, i) => {
    const drawn = entry.links.get(String(i));
    if (drawn === undefined) return;
    const to = drawn.path?.dataset.to?.split('/')[0];
    drawn.path?.classList.toggle('is-active', link.rate > 0);
    drawn.path?.classList.toggle('is-slow', byId.get(to)?.slow === true);
    if (drawn.label !== undefined) drawn.label.textContent = link.rate > 0 ? `${rate(link.rate)}/s` : '';
    drawn.path?.setAttribute('aria-description', `${link.total} events, ${rate(link.rate)} per second`);
  });
}

function row(dl, term, value, className) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  if (className !== undefined) dd.className = className;
  dl.append(dt, dd);
}

const portCounts = (ports) => Object.entries(ports).map(([p, n]) => `${p}: ${n}`).join(', ') || 'none';

function renderDetails() {
  const flow = latest?.flows.find((f) => f.id === selected.flow);
  const node = flow?.nodes.find((n) => n.id === selected.node);
  if (node === undefined) {
    closeDetails();
    return;
  }
  const el = selected.element;
  detailsTitle.textContent = `${node.id} (${node.type}${el?.dataset.kind ? `, ${el.dataset.kind}` : ''})`;
  const dl = document.createElement('dl');
  row(dl, 'Flow', flow.id);
  row(dl, 'State', node.state + (node.slow ? ', slow: a target is over its high-water mark' : ''));
  if (node.connectivity !== undefined) row(dl, 'Connectivity', node.connectivity);
  if (node.connections !== undefined) row(dl, 'Connections', String(node.connections));
  if (node.address !== undefined) row(dl, 'Address', node.address);
  if (el?.dataset.chain) row(dl, 'Processing', el.dataset.chain.split(' ').join(' → '));
  row(dl, 'In', `${portCounts(node.ports.in)} (${rate(node.inRate)}/s)`);
  row(dl, 'Out', `${portCounts(node.ports.out)} (${rate(node.outRate)}/s)`);
  if (node.queued !== undefined) row(dl, 'Queued', String(node.queued));
  row(dl, 'Errors', String(node.errors));
  const last = node.lastError;
  if (last === undefined) row(dl, 'Last error', 'none');
  else {
    row(dl, 'Last error', last.message, 'error');
    if (last.code !== undefined) row(dl, 'Code', last.code);
    if (last.operator !== undefined) row(dl, 'Operator', last.operator);
    row(dl, 'At', new Date(last.at).toLocaleString());
  }
  detailsBody.replaceChildren(dl);
}

function select(element) {
  const section = element.closest('section.flow');
  const flow = [...shown].find(([, e]) => e.section === section)?.[0];
  if (flow === undefined) return;
  selected?.element?.classList.remove('is-selected');
  selected?.element?.setAttribute('aria-pressed', 'false');
  selected = { flow, node: element.dataset.node, element };
  element.classList.add('is-selected');
  element.setAttribute('aria-pressed', 'true');
  element.setAttribute('aria-controls', 'details');
  detailsEl.hidden = false;
  renderDetails();
}

function closeDetails() {
  const element = selected?.element;
  element?.classList.remove('is-selected');
  element?.setAttribute('aria-pressed', 'false');
  selected = undefined;
  detailsEl.hidden = true;
  element?.focus();
}

flowsEl.addEventListener('click', (e) => {
  const node = e.target.closest?.('[data-node]');
  if (node) select(node);
});
flowsEl.addEventListener('keydown', (e) => {
  const node = e.target.closest?.('[data-node]');
  if (node && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    select(node);
  }
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && selected !== undefined) closeDetails();
});
document.getElementById('details-close').addEventListener('click', closeDetails);

// EventSource retries by itself after a network error, but not after an HTTP error (a 503 when
// too many pages are open, or a restart caught half-way): then it is closed, and opened again here.
function listen() {
  const events = new EventSource('graph/events');
  events.addEventListener('open', () => setFeed('live', 'live'));
  events.addEventListener('error', () => {
    setFeed('connection to tremolo lost; retrying…', 'lost');
    if (events.readyState === EventSource.CLOSED) setTimeout(listen, 5000);
  });
  events.addEventListener('message', (e) => {
    if (!feedEl.classList.contains('is-live')) setFeed('live', 'live');
    update(JSON.parse(e.data));
  });
  events.addEventListener('problem', (e) => setFeed(`tremolo could not report: ${JSON.parse(e.data).error}`, 'lost'));
}
listen();
