import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiServer } from '../../../../src/app/ops/api.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { echoFlow } from '../../../support/flows.js';
import { freePort } from '../../../support/ports.js';
import { raw, statusOf } from '../../../support/raw.js';
import { TestClient } from '../../../support/ws.js';

const test = suite<{ flow?: TestFlow; api?: ApiServer; base?: string }>('status API', {});
test.before.each(async (ctx) => {
  ctx.flow = await startFlow(echoFlow());
  ctx.api = new ApiServer(() => [ctx.flow!.flow], { port: 0, version: '9.9.9', log: memoryLogger() });
  ctx.base = await ctx.api.start();
});
test.after.each(async (ctx) => {
  await ctx.api?.stop();
  await ctx.flow?.stop();
});

const get = async (ctx: { base?: string }, path: string): Promise<[number, unknown]> => {
  const res = await fetch(`${ctx.base}${path}`);
  return [res.status, await res.json()];
};
const patch = async (ctx: { base?: string }, path: string, body: unknown): Promise<[number, unknown]> => {
  const res = await fetch(`${ctx.base}${path}`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return [res.status, await res.json()];
};

test('it binds loopback, and answers version, status and the list of flows', async (ctx) => {
  assert.match(ctx.base!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await get(ctx, '/v1/version'), [200, { version: '9.9.9' }]);
  assert.equal(await get(ctx, '/v1/status'), [200, { status: 'ok', flows: [{ id: 'inline', state: 'running' }] }]);
  assert.equal(await get(ctx, '/v1/flows'), [200, [{ id: 'inline', state: 'running', connectors: 1, pipelines: 1 }]]);
});

test('a connector shows its state, connectivity, counts per port and connections', async (ctx) => {
  const c = await TestClient.open(ctx.flow!.address('server'));
  c.send('{"a":1}\n{"b":2}');
  await c.waitFor(2);
  const [status, body] = await get(ctx, '/v1/flows/inline/connectors/server');
  assert.is(status, 200);
  const s = body as { state: string; connectivity: string; connections: number; ports: { in: Record<string, number>; out: Record<string, number> }; address: string };
  assert.equal([s.state, s.connectivity, s.connections], ['running', 'server', 1]);
  assert.equal(s.ports, { in: { in: 2 }, out: { out: 2 } });
  assert.match(s.address, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const [, all] = await get(ctx, '/v1/flows/inline/connectors');
  assert.is((all as unknown[]).length, 1);
  await c.close();
});

test('PATCH pauses and resumes a flow; a paused flow makes /v1/status 503', async (ctx) => {
  const [s1, paused] = await patch(ctx, '/v1/flows/inline', { status: 'paused' });
  assert.is(s1, 200);
  assert.is((paused as { state: string }).state, 'paused');
  assert.equal((await get(ctx, '/v1/status'))[0], 503);
  await patch(ctx, '/v1/flows/inline', { status: 'running' });
  assert.equal((await get(ctx, '/v1/status'))[0], 200);
  const [, connector] = await patch(ctx, '/v1/flows/inline/connectors/server', { status: 'paused' });
  assert.is((connector as { state: string }).state, 'paused');
  const [bad, error] = await patch(ctx, '/v1/flows/inline', { status: 'sleepy' });
  assert.is(bad, 400);
  assert.equal(error, { error: 'expected { "status": "paused" } or { "status": "running" }, received {"status":"sleepy"}' });
});

/** A request as raw bytes: status, body (after the headers), and the whole reply. */
async function rawGet(ctx: { base?: string }, target: string, host = new URL(ctx.base!).host, method = 'GET'): Promise<[number, string]> {
  const port = Number(new URL(ctx.base!).port);
  const r = await raw(port, `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, { timeoutMs: 3000 });
  return [statusOf(r.reply), r.reply.slice(r.reply.indexOf('\r\n\r\n') + 4)];
}

test('a path that is not valid percent-encoding (GET /v1/%zz) or a target that is no URL is answered 400, and the API goes on answering', async (ctx) => {
  assert.equal(await rawGet(ctx, '/v1/%zz'), [400, '{"error":"the path \\"/v1/%zz\\" is not valid percent-encoding"}\n']);
  assert.equal(await rawGet(ctx, '/v1/flows/%E0%A4%A'), [400, '{"error":"the path \\"/v1/flows/%E0%A4%A\\" is not valid percent-encoding"}\n']);
  assert.equal(await rawGet(ctx, 'http://[/v1/status'), [400, '{"error":"the request-target \\"http://[/v1/status\\" is not a valid URL"}\n']);
  assert.equal(await get(ctx, '/v1/flows/inline%2Fx'), [404, { error: 'flow "inline/x" not found' }]);
  assert.equal((await get(ctx, '/v1/status'))[0], 200);
});

test('a Host that is no IP address, localhost or allowed name is answered 403 (DNS rebinding); --api-allow-host names more', async (ctx) => {
  const port = new URL(ctx.base!).port;
  const refused = '{"error":"host \\"rebind.example:PORT\\" is not allowed; allowed: IP addresses, localhost, *.localhost (more with --api-allow-host)"}\n';
  assert.equal(await rawGet(ctx, '/v1/status', `rebind.example:${port}`), [403, refused.replace('PORT', port)]);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `api.localhost:${port}`, `[::1]:${port}`, `192.168.1.20:${port}`]) {
    assert.is((await rawGet(ctx, '/v1/status', host))[0], 200, host);
  }
  for (const host of ['127.0.0.1.rebind.example', 'localhost.rebind.example', '[', 'a b', `rebind.example@127.0.0.1:${port}`]) {
    assert.is((await rawGet(ctx, '/v1/status', host))[0], 403, host);
  }
  const more = new ApiServer(() => [ctx.flow!.flow], { port: 0, version: '9.9.9', log: memoryLogger(), allowedHosts: ['status.example', '.corp.example'] });
  const base = await more.start();
  try {
    for (const [host, status] of [['status.example', 200], ['corp.example', 200], ['a.b.corp.example:80', 200], ['evilcorp.example', 403], ['status.example.evil', 403]] as const) {
      assert.is((await rawGet({ base }, '/v1/version', host))[0], status, host);
    }
  } finally {
    await more.stop();
  }
});

test('/v1/status is 503 "degraded" while a connector is paused, and names it', async (ctx) => {
  await patch(ctx, '/v1/flows/inline/connectors/server', { status: 'paused' });
  assert.equal(await get(ctx, '/v1/status'), [503, { status: 'degraded', flows: [{ id: 'inline', state: 'running', connectors: [{ alias: 'server', kind: 'ws_server', state: 'paused' }] }] }]);
  await patch(ctx, '/v1/flows/inline/connectors/server', { status: 'running' });
  assert.equal(await get(ctx, '/v1/status'), [200, { status: 'ok', flows: [{ id: 'inline', state: 'running' }] }]);
});

test('/v1/status is 503 "degraded" while a client reconnects, and after it gave up, with its attempts', async (ctx) => {
  const port = await freePort();
  const client = await startFlow({ connectors: { up: { type: 'ws_client', codec: 'string', config: { url: `ws://127.0.0.1:${port}` }, reconnect: { retry: { interval_ms: 400, growth_rate: 1, randomized: false, max_retries: 2 } } } } });
  const api = new ApiServer(() => [client.flow], { port: 0, version: '9.9.9', log: memoryLogger() });
  const base = await api.start();
  try {
    const states = new Set<string>();
    const deadline = performance.now() + 5000;
    let last: unknown;
    while (performance.now() < deadline && !states.has('gave up')) {
      const [status, body] = await get({ base }, '/v1/status');
      assert.is(status, 503);
      last = body;
      for (const c of (body as { flows: { connectors?: { state: string }[] }[] }).flows[0]!.connectors ?? []) states.add(c.state);
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(states.has('reconnecting'), JSON.stringify([...states]));
    assert.equal(last, { status: 'degraded', flows: [{ id: 'inline', state: 'running', connectors: [{ alias: 'up', kind: 'ws_client', state: 'gave up', reconnect_attempts: 2 }] }] });
  } finally {
    await api.stop();
    await client.stop();
  }
});

test('a PATCH body over 64 KiB is answered 413; a method a route does not take, 405 with Allow', async (ctx) => {
  const big = await fetch(`${ctx.base}/v1/flows/inline`, { method: 'PATCH', body: JSON.stringify({ status: 'paused', pad: 'x'.repeat(70_000) }) });
  assert.equal([big.status, await big.json()], [413, { error: 'the body is over 65536 bytes' }]);
  const res = await fetch(`${ctx.base}/v1/flows/inline`, { method: 'DELETE' });
  assert.equal([res.status, res.headers.get('allow'), await res.json()], [405, 'GET, PATCH', { error: 'DELETE is not allowed here; GET or PATCH' }]);
  assert.equal((await get(ctx, '/v1/flows/inline'))[0], 200);
});

test('a PATCH body nested deeper than JSON.stringify can quote is answered 400, not 500', async (ctx) => {
  // 20 000 levels: JSON.parse takes them, JSON.stringify has no stack for them.
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  const res = await fetch(`${ctx.base}/v1/flows/inline`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: deep });
  assert.equal([res.status, await res.json()], [400, { error: 'expected { "status": "paused" } or { "status": "running" }, received an array nested too deep to quote' }]);
  assert.equal((await get(ctx, '/v1/status'))[0], 200);
});

test('unknown flows, connectors and routes are 404', async (ctx) => {
  assert.equal(await get(ctx, '/v1/flows/nope'), [404, { error: 'flow "nope" not found' }]);
  assert.equal(await get(ctx, '/v1/flows/inline/connectors/nope'), [404, { error: 'connector "nope" of flow "inline" not found' }]);
  assert.equal((await get(ctx, '/v2'))[0], 404);
});

/** Prometheus text exposition: `name{labels} value` lines, `# HELP` and `# TYPE` lines. */
function parseProm(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m !== null, `not a Prometheus sample line: ${line}`);
    samples.set(m![1]!, Number(m![2]));
  }
  return samples;
}

test('/metrics is Prometheus text with events per connector and port, connections, pipeline counts, errors and latency', async (ctx) => {
  const c = await TestClient.open(ctx.flow!.address('server'));
  c.send('{"a":1}');
  await c.waitFor(1);
  const res = await fetch(`${ctx.base}/metrics`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples = parseProm(await res.text());
  assert.is(samples.get('tremolo_connector_events_total{flow="inline",connector="server",port="in",direction="in"}'), 1);
  assert.is(samples.get('tremolo_connector_events_total{flow="inline",connector="server",port="out",direction="out"}'), 1);
  assert.is(samples.get('tremolo_connections{flow="inline",connector="server"}'), 1);
  c.send('{"b":2}');
  await c.waitFor(2);
  const again = parseProm(await (await fetch(`${ctx.base}/metrics`)).text());
  assert.is(again.get('tremolo_pipeline_events_total{flow="inline",pipeline="echo",port="in",direction="in"}'), 2);
  assert.is(again.get('tremolo_event_latency_seconds_count{flow="inline",connector="server"}'), 2);
  assert.ok(again.get('tremolo_event_latency_seconds_sum{flow="inline",connector="server"}')! > 0);
  assert.is(again.get('tremolo_errors_total{flow="inline",instance="server",type="connector"}'), 0);
  c.send('{"bad json');
  await ctx.flow!.next('server', 'err');
  const third = parseProm(await (await fetch(`${ctx.base}/metrics`)).text());
  assert.is(third.get('tremolo_errors_total{flow="inline",instance="server",type="connector"}'), 1);
  assert.is(third.get('tremolo_errors_total{flow="inline",instance="echo",type="pipeline"}'), 0);
  await c.close();
});

test.run();
