import { suite } from 'uvu';
import type { ReadableStreamReadResult } from 'node:stream/web';
import * as assert from 'uvu/assert';
import { loadFlowObject } from '../../../../src/app/load.js';
import { ApiServer } from '../../../../src/app/ops/api.js';
import { describeFlow } from '../../../../src/app/ops/graph/describe.js';
import { layoutFlow } from '../../../../src/app/ops/graph/layout.js';
import type { GraphSnapshot, NodeSnapshot } from '../../../../src/app/ops/graph/snapshot.js';
import { renderSvg } from '../../../../src/app/ops/graph/svg.js';
import { Flow } from '../../../../src/engine/flow.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { echoFlow } from '../../../support/flows.js';
import { TestClient } from '../../../support/ws.js';
import { elements, parseXml } from '../../../support/xml.js';

/** A flow with a pipeline whose operator fails on some events, beside the echo. */
const flowWithFilter = (): object => ({
  ...echoFlow(),
  pipelines: {
    echo: {
      operators: { check: { op: 'filter', config: { condition: 'event.ok' } } },
      links: [
        ['in', 'check'],
        ['check', 'out'],
      ],
    },
  },
});

interface Ctx {
  flow?: Flow;
  api?: ApiServer;
  base?: string;
  log?: ReturnType<typeof memoryLogger>;
}

const test = suite<Ctx>('graph routes', {});
test.before.each(async (ctx) => {
  ctx.log = memoryLogger();
  // Deployed as `tremolo run` does, with nothing else watching its ports.
  ctx.flow = await Flow.deploy(await loadFlowObject(flowWithFilter()), { log: ctx.log });
  ctx.api = new ApiServer(() => [ctx.flow!], { port: 0, version: '9.9.9', log: memoryLogger() });
  ctx.base = await ctx.api.start();
});
test.after.each(async (ctx) => {
  await ctx.api?.stop();
  await ctx.flow?.stop();
});

/** Reads a Server-Sent Events stream, bounded in time. */
class EventStream {
  #buffer = '';
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();

  constructor(res: Response) {
    this.#reader = res.body!.getReader();
  }

  /** The next snapshot that `wanted` accepts. */
  async until(wanted: (s: GraphSnapshot) => boolean, timeoutMs = 5000): Promise<GraphSnapshot> {
    const deadline = performance.now() + timeoutMs;
    let last: GraphSnapshot | undefined;
    for (;;) {
      let end: number;
      while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
        const frame = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (data === undefined) continue;
        last = JSON.parse(data.slice(6)) as GraphSnapshot;
        if (wanted(last)) return last;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no such snapshot within ${timeoutMs} ms; the last: ${JSON.stringify(last)}`);
      let timer: NodeJS.Timeout | undefined;
      let read: ReadableStreamReadResult<Uint8Array> | 'timeout';
      try {
        read = await Promise.race([this.#reader.read(), new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)))]);
      } finally {
        // Also when the read fails (the API stopped): a pending timer would hold the test process open.
        clearTimeout(timer);
      }
      if (read === 'timeout') continue;
      if (read.done) throw new Error('the stream ended');
      this.#buffer += this.#decoder.decode(read.value, { stream: true });
    }
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

const node = (s: GraphSnapshot, id: string): NodeSnapshot => s.flows[0]!.nodes.find((n) => n.id === id)!;

test('the page is served at / with a policy that lets it load only its own files', async (ctx) => {
  const res = await fetch(`${ctx.base}/`);
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.is(res.headers.get('content-security-policy'), "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  assert.is(res.headers.get('x-content-type-options'), 'nosniff');
  const html = await res.text();
  assert.match(html, '<script type="module" src="graph/graph.js"></script>');
  assert.not.match(html, /<script>|<style|\son[a-z]+=|style=/i);
  for (const [file, type] of [['graph.js', 'text/javascript; charset=utf-8'], ['graph.css', 'text/css; charset=utf-8'], ['page.css', 'text/css; charset=utf-8']]) {
    const asset = await fetch(`${ctx.base}/graph/${file}`);
    assert.equal([asset.status, asset.headers.get('content-type')], [200, type], file);
    assert.ok((await asset.text()).length > 200, file);
  }
  const head = await fetch(`${ctx.base}/`, { method: 'HEAD' });
  assert.equal([head.status, await head.text()], [200, '']);
});

test('a running flow is drawn at /graph/flows/ID.svg, as tremolo graph draws it', async (ctx) => {
  const res = await fetch(`${ctx.base}/graph/flows/inline.svg`);
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  assert.is(res.headers.get('content-security-policy'), "default-src 'none'; style-src 'self'; frame-ancestors 'none'");
  const text = await res.text();
  assert.is(text, renderSvg(layoutFlow(describeFlow(ctx.flow!.model)), { idPrefix: 'flow0' }));
  const all = [...elements(await parseXml(text))];
  assert.equal(all.filter((e) => e.attrs['data-node'] !== undefined).map((e) => e.attrs['data-node']), ['server', 'echo']);
  assert.equal(all.filter((e) => e.attrs['data-operator'] !== undefined).map((e) => e.attrs['data-operator']), ['check']);
});

test('what is not there is 404, a bad escape 400, a write 405; the API routes still answer', async (ctx) => {
  const get = async (path: string, init?: RequestInit): Promise<[number, unknown]> => {
    const res = await fetch(`${ctx.base}${path}`, init);
    return [res.status, await res.json()];
  };
  assert.equal(await get('/graph/flows/nope.svg'), [404, { error: 'flow "nope" not found' }]);
  assert.equal(await get('/graph/flows/%zz.svg'), [400, { error: 'bad percent-encoding in flow id "%zz"' }]);
  assert.equal(await get('/graph/nothing'), [404, { error: '/graph/nothing not found' }]);
  const post = await fetch(`${ctx.base}/`, { method: 'POST', body: '{}' });
  assert.equal([post.status, post.headers.get('allow'), await post.json()], [405, 'GET, HEAD', { error: 'POST is not allowed here; GET' }]);
  assert.equal(await get('/v1/version'), [200, { version: '9.9.9' }]);
  assert.is((await fetch(`${ctx.base}/favicon.ico`)).status, 204);
});

test('the feed sends the figures at once and then each second: links count and rate while a client sends', async (ctx) => {
  const res = await fetch(`${ctx.base}/graph/events`);
  assert.equal([res.status, res.headers.get('content-type')], [200, 'text/event-stream; charset=utf-8']);
  const events = new EventStream(res);
  const first = await events.until(() => true, 1000);
  assert.equal(first.flows.map((f) => [f.id, f.state, f.links.length]), [['inline', 'running', 2]]);
  assert.equal(node(first, 'server').connections, 0);
  const client = await TestClient.open(ctx.flow!.address('server')!);
  const sender = setInterval(() => client.send('{"ok":true}'), 20);
  try {
    const moving = await events.until((s) => s.flows[0]!.links[0]!.rate > 0 && s.flows[0]!.links[1]!.rate > 0);
    const server = node(moving, 'server');
    assert.is(server.connections, 1);
    assert.ok(server.inRate > 0 && server.outRate > 0);
    assert.ok(moving.flows[0]!.links[0]!.total >= moving.flows[0]!.links[1]!.total);
    assert.equal(server.ports.out, { out: moving.flows[0]!.links[0]!.total });
  } finally {
    clearInterval(sender);
    await client.close();
    await events.cancel();
  }
});

test('the last error of a connector and of a pipeline operator are kept, and an unlinked err port still logs', async (ctx) => {
  const events = new EventStream(await fetch(`${ctx.base}/graph/events`));
  const client = await TestClient.open(ctx.flow!.address('server')!);
  client.send('not json{');
  client.send('{"ok":1}');
  const s = await events.until((x) => node(x, 'server').lastError !== undefined && node(x, 'echo').lastError !== undefined);
  const server = node(s, 'server');
  assert.is(server.errors, 1);
  assert.is(server.lastError!.code, 'ERR_CODEC_DECODE');
  assert.match(server.lastError!.message, /^server: invalid JSON/);
  const echo = node(s, 'echo');
  assert.is(echo.errors, 1);
  assert.equal([echo.lastError!.code, echo.lastError!.operator], ['ERR_EXPR_EVAL', 'check']);
  assert.match(echo.lastError!.message, /^echo\/check: /);
  assert.ok(Math.abs(echo.lastError!.at - Date.now()) < 10_000);
  assert.ok(ctx.log!.lines.some((l) => l.includes('invalid JSON')), `the decode error is still logged:\n${ctx.log!.lines.join('\n')}`);
  await client.close();
  await events.cancel();
});

test('after a reload (--watch) the feed says the flow changed, and its drawing is the new one', async (ctx) => {
  const events = new EventStream(await fetch(`${ctx.base}/graph/events`));
  const before = (await events.until(() => true, 1000)).flows[0]!.version;
  const next = await loadFlowObject({ ...flowWithFilter(), pipelines: { echo: { from: 'std::passthrough' } } });
  await ctx.flow!.reconfigure(next);
  const after = await events.until((s) => s.flows[0]!.version !== before);
  assert.equal(after.flows[0]!.nodes.map((n) => n.id), ['server', 'echo']);
  const svg = await (await fetch(`${ctx.base}/graph/flows/inline.svg`)).text();
  assert.is(svg, renderSvg(layoutFlow(describeFlow(next)), { idPrefix: 'flow0' }));
  assert.not.match(svg, 'data-operator');
  // The rebuilt pipeline is counted as the old one was.
  const client = await TestClient.open(ctx.flow!.address('server')!);
  client.send('{"ok":true}');
  await client.waitFor(1);
  const counted = await events.until((s) => node(s, 'echo').ports.in.in === 1);
  assert.equal(node(counted, 'echo').ports, { in: { in: 1 }, out: { out: 1, err: 0 } });
  assert.is(counted.flows[0]!.links[1]!.total, 1);
  await client.close();
  await events.cancel();
});

test('a pause shows on the node; at most 16 pages at once, the next is told to come back; stopping the API ends the feeds', async (ctx) => {
  const streams = await Promise.all(Array.from({ length: 16 }, () => fetch(`${ctx.base}/graph/events`)));
  assert.ok(streams.every((r) => r.status === 200));
  const extra = await fetch(`${ctx.base}/graph/events`);
  assert.equal([extra.status, extra.headers.get('retry-after'), await extra.json()], [503, '5', { error: 'too many graph pages open (at most 16)' }]);
  ctx.flow!.connector('server').pause();
  const events = new EventStream(streams[0]!);
  await events.until((s) => node(s, 'server').state === 'paused');
  await Promise.all(streams.slice(1).map((r) => r.body!.cancel()));
  await ctx.api!.stop();
  const ended = await events.until(() => false, 3000).then(
    () => 'went on',
    (err: Error) => err.message,
  );
  assert.match(ended, /^(the stream ended|terminated)$/);
});

test.run();
