import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import { createEvent, type Meta, type Origin, type TremoloEvent } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { makeCertificate } from '../../../support/certs.js';
import { HttpPeer } from '../../../support/http-peer.js';
import { freePort } from '../../../support/ports.js';
import { tmpDir } from '../../../support/tmp.js';
import { httpRegistries } from '../../../support/with-http.js';

const test = suite<{ flow?: TestFlow; peer?: HttpPeer }>('http_client', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});

interface ClientMeta {
  request: { method: string; url: string; headers: Record<string, string | string[]> };
  response?: { status: number; headers: Record<string, string> };
  correlation: unknown;
}

const clientFlow = (config: Record<string, unknown>, entry: Record<string, unknown> = {}): object => ({
  connectors: { client: { type: 'http_client', config, ...entry } },
});
const start = (flow: object): Promise<TestFlow> => startFlow(flow, { registries: httpRegistries() });
const metaOf = (event: TremoloEvent): ClientMeta => event.meta.http_client as ClientMeta;
/** A request event as a pipeline would deliver it, with origins. */
const request = (flow: TestFlow, data: unknown, meta: Meta = {}, origins: readonly Origin[] = []): void =>
  flow.flow.port('client', 'in', 'in').next(createEvent(data, meta, origins));

test('an event is POSTed to url in the connector codec, labelled with its type, and the response is an event with the request, the response and a fresh correlation', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await start(clientFlow({ url: `${ctx.peer.url}/api` }));
  ctx.flow.send('client', 'in', { a: 1 });
  const event = await ctx.flow.next('client', 'out');
  assert.equal(event.data, { method: 'POST', url: '/api', body: '{"a":1}' });
  const meta = metaOf(event);
  assert.equal(meta.request, { method: 'POST', url: `${ctx.peer.url}/api`, headers: { 'content-type': 'application/json', 'content-length': '7' } });
  assert.is(meta.response!.status, 200);
  assert.is(meta.response!.headers['content-type'], 'application/json');
  assert.match(String(meta.correlation), /^[0-9a-f-]{36}$/);
  ctx.flow.send('client', 'in', { a: 2 });
  assert.is.not(metaOf(await ctx.flow.next('client', 'out')).correlation, meta.correlation);
});

test('header_lists: every response header value is a list, as Tremor gives them; by default a value is text', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await start(clientFlow({ url: `${ctx.peer.url}/api`, header_lists: true }));
  ctx.flow.send('client', 'in', { a: 1 });
  const headers = (metaOf(await ctx.flow.next('client', 'out')).response!.headers as unknown as Record<string, unknown>);
  assert.equal(headers['content-type'], ['application/json']);
  assert.ok(Object.values(headers).every((v) => Array.isArray(v) && v.every((one) => typeof one === 'string')), JSON.stringify(headers));
  await ctx.flow.stop();
  ctx.flow = await start(clientFlow({ url: `${ctx.peer.url}/api` }));
  ctx.flow.send('client', 'in', { a: 1 });
  assert.is(metaOf(await ctx.flow.next('client', 'out')).response!.headers['content-type'], 'application/json');
});

test('meta.http_client.request overrides the method, the url and headers of one request; the body follows its Content-Type; GET sends none', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await start(clientFlow({ url: `${ctx.peer.url}/base`, method: 'post', headers: { 'x-default': 'd', 'x-over': 'config' } }));
  const over = { method: 'put', url: '/other?q=1', headers: { 'X-Over': 'event', 'Content-Type': 'text/plain' } };
  request(ctx.flow, 'plain words', { http_client: { request: over } });
  const [put] = await ctx.peer.waitRequests(1);
  assert.is(put!.method, 'PUT');
  assert.is(put!.url, '/other?q=1');
  assert.is(put!.headers['x-default'], 'd');
  assert.is(put!.headers['x-over'], 'event');
  assert.is(put!.headers['content-type'], 'text/plain');
  assert.is(put!.body, 'plain words');
  const sent = metaOf(await ctx.flow.next('client', 'out')).request;
  assert.equal(sent, {
    method: 'PUT',
    url: `${ctx.peer.url}/other?q=1`,
    headers: { 'x-default': 'd', 'x-over': 'event', 'content-type': 'text/plain', 'content-length': '11' },
  });
  request(ctx.flow, { ignored: true }, { http_client: { request: { method: 'GET', url: `${ctx.peer.url}/absolute` } } });
  const get = (await ctx.peer.waitRequests(2))[1]!;
  assert.is(get.method, 'GET');
  assert.is(get.url, '/absolute');
  assert.is(get.body, '');
  assert.is(get.headers['content-length'], undefined);
  await ctx.flow.next('client', 'out');
});

test('the response carries the correlation and the origins of its request event', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await start(clientFlow({ url: ctx.peer.url }));
  const origins = [
    { connector: 99, stream: 7 },
    { connector: 98, stream: 3 },
  ];
  request(ctx.flow, { q: 1 }, { http_client: { correlation: { id: 42 } } }, origins);
  const event = await ctx.flow.next('client', 'out');
  assert.equal(metaOf(event).correlation, { id: 42 });
  assert.equal(event.origins, origins);
});

test('a response of any status is an event on out, decoded by its Content-Type, not an error', async (ctx) => {
  ctx.peer = await HttpPeer.start({ reply: () => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'no such thing' }) });
  ctx.flow = await start(clientFlow({ url: ctx.peer.url }));
  ctx.flow.send('client', 'in', {});
  const event = await ctx.flow.next('client', 'out');
  assert.is(event.data, 'no such thing');
  assert.is(metaOf(event).response!.status, 404);
  await ctx.flow.expectNone('client', 'err', 50);
});

test('a response body in a type no codec claims goes through the connector codec; an empty one is null', async (ctx) => {
  let n = 0;
  ctx.peer = await HttpPeer.start({ reply: () => (n++ === 0 ? { status: 200, headers: { 'content-type': 'application/x-unknown' }, body: 'raw words' } : { status: 204 }) });
  ctx.flow = await start(clientFlow({ url: ctx.peer.url }, { codec: 'string' }));
  ctx.flow.send('client', 'in', 'one');
  assert.is((await ctx.flow.next('client', 'out')).data, 'raw words');
  ctx.flow.send('client', 'in', 'two');
  const empty = await ctx.flow.next('client', 'out');
  assert.is(empty.data, null);
  assert.is(metaOf(empty).response!.status, 204);
});

test('a response body its codec cannot decode goes to err with the response metadata and the origins', async (ctx) => {
  ctx.peer = await HttpPeer.start({ reply: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{broken' }) });
  ctx.flow = await start(clientFlow({ url: ctx.peer.url }));
  let parseError = '';
  try {
    JSON.parse('{broken');
  } catch (err) {
    parseError = (err as Error).message;
  }
  const origins = [{ connector: 5, stream: 1 }];
  request(ctx.flow, {}, {}, origins);
  const err = await ctx.flow.next('client', 'err');
  assert.equal(err.data, {
    error: `client: the response to POST ${ctx.peer.url}/: cannot decode the body as application/json: invalid JSON: ${parseError}`,
    code: 'ERR_CODEC_DECODE',
    connector: 'client',
    stream: 0,
    excerpt: '{broken',
  });
  assert.is(metaOf(err).response!.status, 200);
  assert.equal(err.origins, origins);
});

test('a refused connection is an err event with the reason, the correlation and the origins of the request', async (ctx) => {
  const port = await freePort();
  ctx.flow = await start(clientFlow({ url: `http://127.0.0.1:${port}/x` }));
  const origins = [{ connector: 42, stream: 0 }];
  request(ctx.flow, { a: 1 }, { http_client: { correlation: 'c-1' } }, origins);
  const err = await ctx.flow.next('client', 'err');
  assert.equal(err.data, {
    error: `client: POST http://127.0.0.1:${port}/x failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    code: 'ERR_WRITE_FAILED',
    connector: 'client',
    stream: 0,
  });
  assert.is(metaOf(err).correlation, 'c-1');
  assert.is(metaOf(err).request.url, `http://127.0.0.1:${port}/x`);
  assert.equal(err.origins, origins);
});

test('a request without its response within timeout_ms fails to err with ERR_TIMEOUT', async (ctx) => {
  ctx.peer = await HttpPeer.start({ hold: true });
  ctx.flow = await start(clientFlow({ url: ctx.peer.url, timeout_ms: 100 }));
  ctx.flow.send('client', 'in', {});
  const err = await ctx.flow.next('client', 'err');
  assert.equal(err.data, {
    error: `client: POST ${ctx.peer.url}/ failed: no response within 100 ms (timeout_ms)`,
    code: 'ERR_TIMEOUT',
    connector: 'client',
    stream: 0,
  });
  assert.match(String(metaOf(err).correlation), /^[0-9a-f-]{36}$/);
});

test('no more than max_concurrency requests are in flight; the others wait and go in order', async (ctx) => {
  ctx.peer = await HttpPeer.start({ hold: true });
  ctx.flow = await start(clientFlow({ url: ctx.peer.url, max_concurrency: 2 }));
  for (let n = 0; n < 5; n++) ctx.flow.send('client', 'in', { n });
  const peer = ctx.peer;
  for (let answered = 0; answered < 5; answered++) {
    const arrived = await peer.waitRequests(Math.min(answered + 2, 5));
    assert.is(peer.inFlight, Math.min(2, 5 - answered));
    arrived[answered]!.respond(200, { 'content-type': 'application/json' }, `{"answer":${answered}}`);
  }
  const events = await ctx.flow.collect('client', 'out', 5);
  assert.equal(
    events.map((e) => e.data),
    [0, 1, 2, 3, 4].map((answer) => ({ answer })),
  );
  assert.equal(
    peer.requests.map((r) => r.body),
    [0, 1, 2, 3, 4].map((n) => `{"n":${n}}`),
  );
  assert.is(peer.maxInFlight, 2);
});

test('past max_waiting a request fails to err with ERR_QUEUE_FULL', async (ctx) => {
  ctx.peer = await HttpPeer.start({ hold: true });
  ctx.flow = await start(clientFlow({ url: ctx.peer.url, max_concurrency: 1, max_waiting: 1 }));
  for (let n = 0; n < 3; n++) ctx.flow.send('client', 'in', { n });
  assert.equal((await ctx.flow.next('client', 'err')).data, {
    error: 'client: 1 requests in flight and 1 waiting (max_waiting); request not sent',
    code: 'ERR_QUEUE_FULL',
    connector: 'client',
    event: { n: 2 },
  });
  (await ctx.peer.waitRequests(1))[0]!.respond(200);
  (await ctx.peer.waitRequests(2))[1]!.respond(200);
  assert.equal(
    (await ctx.flow.collect('client', 'out', 2)).map((e) => metaOf(e).response!.status),
    [200, 200],
  );
  assert.equal(
    ctx.peer.requests.map((r) => r.body),
    ['{"n":0}', '{"n":1}'],
  );
});

test('a request override that cannot be sent goes to err and the next request is sent', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await start(clientFlow({ url: ctx.peer.url, max_concurrency: 1 }));
  request(ctx.flow, {}, { http_client: { request: { method: 'GE T' } } });
  assert.equal((await ctx.flow.next('client', 'err')).data, {
    error: 'client: meta.http_client.request.method must be an HTTP method such as GET or POST, received "GE T"; request not sent',
    code: 'ERR_WRITE_FAILED',
    connector: 'client',
    event: {},
  });
  request(ctx.flow, {}, { http_client: { request: { url: 'ftp://example.com/' } } });
  assert.equal((await ctx.flow.next('client', 'err')).data, {
    error: 'client: meta.http_client.request.url must be http:// or https://, received "ftp://example.com/"; request not sent',
    code: 'ERR_WRITE_FAILED',
    connector: 'client',
    event: {},
  });
  request(ctx.flow, {}, { http_client: { request: { headers: { 'x-bad': 'a\r\nb' } } } });
  assert.equal((await ctx.flow.next('client', 'err')).data, {
    error: 'client: meta.http_client.request.headers.x-bad must not contain a line break; request not sent',
    code: 'ERR_WRITE_FAILED',
    connector: 'client',
    event: {},
  });
  // Node itself refuses a value outside Latin-1; the request fails and frees its slot.
  request(ctx.flow, {}, { http_client: { request: { headers: { 'x-snow': '\u2603' } } } });
  const refused = (await ctx.flow.next('client', 'err')).data as { error: string; code: string };
  assert.is(refused.code, 'ERR_WRITE_FAILED');
  assert.match(refused.error, new RegExp(`^client: POST ${ctx.peer.url}/ failed: Invalid character in header content \\["x-snow"\\]$`));
  ctx.flow.send('client', 'in', { fine: true });
  assert.is(metaOf(await ctx.flow.next('client', 'out')).response!.status, 200);
});

test('https with tls { cafile } trusts a throw-away certificate', async (ctx) => {
  const tmp = tmpDir();
  const { cert, key } = makeCertificate(tmp.dir);
  const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ secure: true, path: req.url }));
  });
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `https://localhost:${(server.address() as AddressInfo).port}/s`;
    ctx.flow = await start(clientFlow({ url, tls: { cafile: cert } }));
    ctx.flow.send('client', 'in', {});
    assert.equal((await ctx.flow.next('client', 'out')).data, { secure: true, path: '/s' });
  } finally {
    await ctx.flow?.stop();
    ctx.flow = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    tmp.cleanup();
  }
});

test('config errors name the option and what was expected', async () => {
  const problems = async (config: Record<string, unknown>): Promise<string[]> =>
    (await checkFlowObject(clientFlow(config), { registries: httpRegistries(), file: path.resolve('flow.json5') })).problems.map(formatProblem);
  assert.equal(await problems({ url: 'ftp://example.com' }), ['flow.json5:6:16: connectors.client.config.url: expected an http:// or https:// url, received "ftp://example.com"']);
  assert.equal(await problems({ url: 'http://example.com', tls: true }), [
    'flow.json5:6:16: connectors.client.config.url: tls is configured but the url is http://; write https://, received "http://example.com"',
  ]);
  assert.equal(await problems({ url: 'http://example.com', method: 'GE T' }), [
    'flow.json5:7:19: connectors.client.config.method: expected an HTTP method such as GET or POST, received "GE T"',
  ]);
  assert.equal(await problems({ url: 'http://example.com', max_concurrency: 0 }), [
    'flow.json5:7:28: connectors.client.config.max_concurrency: expected a number > 0, received 0',
  ]);
});

test("Tremor's spellings load as they are: concurrency, timeout in nanoseconds and auth basic", async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await start(clientFlow({ url: `${ctx.peer.url}/t`, concurrency: 2, timeout: 5_000_000_000, auth: { basic: { username: 'snot', password: 'badger' } } }));
  ctx.flow.send('client', 'in', { a: 1 });
  const [req] = await ctx.peer.waitRequests(1);
  assert.is(req!.headers.authorization, `Basic ${Buffer.from('snot:badger').toString('base64')}`);
  await ctx.flow.next('client', 'out');
  const problems = async (config: Record<string, unknown>): Promise<string[]> =>
    (await checkFlowObject(clientFlow(config), { registries: httpRegistries(), file: path.resolve('flow.json5') })).problems.map(formatProblem);
  assert.equal(await problems({ url: 'http://example.com', concurrency: 2, max_concurrency: 3 }), [
    "flow.json5:7:24: connectors.client.config.concurrency: concurrency (Tremor's spelling) and max_concurrency both given; keep one",
  ]);
  assert.equal(await problems({ url: 'http://example.com', auth: 'gcp' }), [
    'flow.json5:7:17: connectors.client.config.auth: expected "none" or { basic: { username, password } } (gcp is not supported), received "gcp"',
  ]);
});

test.run();
