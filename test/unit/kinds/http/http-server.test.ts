import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import type { Registries } from '../../../../src/app/builtins/registries.js';
import { createEvent, type Meta, type Origin, type TremoloEvent } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { makeCertificate } from '../../../support/certs.js';
import { httpRequest } from '../../../support/http-request.js';
import probe from '../../../support/probe-connector.js';
import { tmpDir } from '../../../support/tmp.js';
import { httpRegistries } from '../../../support/with-http.js';

const test = suite<{ flow?: TestFlow }>('http_server', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

interface RequestMeta {
  request_id: string;
  request: {
    method: string;
    url: string;
    path: string;
    query: string;
    headers: Record<string, string>;
    protocol: string;
    peer: { host: string; port: number };
  };
}

const serverFlow = (config: Record<string, unknown> = {}, entry: Record<string, unknown> = {}): object => ({
  connectors: { server: { type: 'http_server', config: { url: 'http://127.0.0.1:0', ...config }, ...entry } },
});
const start = (flow: object, registries: Registries = httpRegistries()): Promise<TestFlow> => startFlow(flow, { registries });
const metaOf = (event: TremoloEvent): RequestMeta => event.meta.http_server as RequestMeta;
/** What a pipeline linked to `server/in` would deliver. */
const answer = (flow: TestFlow, data: unknown, meta: Meta = {}, origins: readonly Origin[] = []): void =>
  flow.flow.port('server', 'in', 'in').next(createEvent(data, meta, origins));
const jsonPost = (body: string): { method: string; headers: Record<string, string>; body: string } => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
});

test('a request becomes an event with its method, url, path, query, headers, protocol, peer and a request id; meta.http_server.request_id answers it', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const base = ctx.flow.address('server');
  const reply = httpRequest(`${base}/orders/7?x=1&y=2`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: '{"total":5}' });
  const event = await ctx.flow.next('server', 'out');
  assert.equal(event.data, { total: 5 });
  const meta = metaOf(event);
  assert.match(meta.request_id, /^[0-9a-f-]{36}$/);
  assert.is(meta.request.method, 'POST');
  assert.is(meta.request.url, `${base}/orders/7?x=1&y=2`);
  assert.is(meta.request.path, '/orders/7');
  assert.is(meta.request.query, 'x=1&y=2');
  assert.is(meta.request.headers['x-test'], 'yes');
  assert.is(meta.request.protocol, 'HTTP/1.1');
  assert.is(meta.request.peer.host, '127.0.0.1');
  assert.ok(meta.request.peer.port > 0);
  assert.is(event.origins.length, 1);
  answer(ctx.flow, { ok: true }, { http_server: { request_id: meta.request_id } });
  const r = await reply;
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'application/json');
  assert.is(r.body, '{"ok":true}');
});

test('an event carrying the origins of a request answers it, with the status and headers of meta.http_server.response', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const reply = httpRequest(`${ctx.flow.address('server')}/things/1`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' });
  const event = await ctx.flow.next('server', 'out');
  assert.is(event.data, 'hello');
  answer(ctx.flow, 'created', { http_server: { response: { status: 201, headers: { 'X-Answer': ['a', 'b'], 'content-type': 'text/plain' } } } }, event.origins);
  const r = await reply;
  assert.is(r.status, 201);
  assert.is(r.headers['x-answer'], 'a, b');
  assert.is(r.headers['content-type'], 'text/plain');
  assert.is(r.body, 'created');
});

test('a body is decoded by the codec its Content-Type names, else by the connector codec; an empty body is null', async (ctx) => {
  ctx.flow = await start(serverFlow({}, { codec: 'string' }));
  const base = ctx.flow.address('server');
  const cases: [Record<string, string>, string | undefined, unknown][] = [
    [{ 'content-type': 'application/json; charset=utf-8' }, '{"a":1}', { a: 1 }],
    [{ 'content-type': 'text/plain' }, '{"a":1}', '{"a":1}'],
    [{ 'content-type': 'application/x-unknown' }, '{"a":1}', '{"a":1}'],
    [{}, '{"a":1}', '{"a":1}'],
    [{}, undefined, null],
  ];
  for (const [headers, body, expected] of cases) {
    const reply = httpRequest(base, { method: body === undefined ? 'GET' : 'POST', headers, ...(body === undefined ? {} : { body }) });
    const event = await ctx.flow.next('server', 'out');
    assert.equal(event.data, expected, JSON.stringify(headers));
    answer(ctx.flow, 'ok', {}, event.origins);
    assert.is((await reply).status, 200);
  }
});

test('without a codec configured, a body no codec claims is read as JSON (the default), and answers are labelled so', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const reply = httpRequest(ctx.flow.address('server'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"a":[1,2]}' });
  const event = await ctx.flow.next('server', 'out');
  assert.equal(event.data, { a: [1, 2] });
  answer(ctx.flow, { ok: 1 }, {}, event.origins);
  const r = await reply;
  assert.is(r.body, '{"ok":1}');
  assert.is(r.headers['content-type'], 'application/json');
});

test('a body the connector’s own codec refuses is answered 400 at once, with the reason', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const r = await httpRequest(ctx.flow.address('server'), { method: 'POST', headers: { 'content-type': 'application/x-unknown' }, body: '{"a":' });
  assert.is(r.status, 400);
  assert.match(r.body, /invalid JSON/);
  const err = await ctx.flow.next('server', 'err');
  assert.is((err.data as { code: string }).code, 'ERR_CODEC_DECODE');
});

test('the response is written in the type it declares, else one the request Accepts, else the request type, else by the connector codec', async (ctx) => {
  ctx.flow = await start(serverFlow({}, { codec: 'string' }));
  const base = ctx.flow.address('server');
  const cases: [Record<string, string>, Meta, string | undefined, string][] = [
    [{ 'content-type': 'text/plain' }, { http_server: { response: { headers: { 'content-type': 'application/json' } } } }, 'application/json', '{"n":"hi"}'],
    [{ 'content-type': 'text/plain', accept: 'application/xml, application/json;q=0.9, text/plain;q=0.5' }, {}, 'application/json', '{"n":"hi"}'],
    [{ 'content-type': 'application/json', accept: '*/*' }, {}, 'application/json', '{"n":"hi"}'],
    [{ 'content-type': 'application/x-unknown' }, {}, 'text/plain; charset=utf-8', '{"n":"hi"}'],
  ];
  for (const [headers, meta, type, body] of cases) {
    const reply = httpRequest(base, { method: 'POST', headers, body: '{"q":1}' });
    const event = await ctx.flow.next('server', 'out');
    answer(ctx.flow, { n: 'hi' }, meta, event.origins);
    const r = await reply;
    assert.is(r.headers['content-type'], type, JSON.stringify(headers));
    assert.is(r.body, body);
  }
  const reply = httpRequest(base, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'q' });
  const event = await ctx.flow.next('server', 'out');
  answer(ctx.flow, 'plain text', {}, event.origins);
  const r = await reply;
  assert.is(r.headers['content-type'], 'text/plain; charset=utf-8');
  assert.is(r.body, 'plain text');
});

test('a body over max_body_size is answered 413 and goes to err, and no event comes out', async (ctx) => {
  ctx.flow = await start(serverFlow({ max_body_size: 16 }));
  const base = ctx.flow.address('server');
  const r = await httpRequest(`${base}/big`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(64) });
  assert.is(r.status, 413);
  assert.is(r.body, '413 Payload Too Large: the body is over max_body_size (16 bytes)\n');
  const err = await ctx.flow.next('server', 'err');
  assert.equal(err.data, {
    error: `server: request ${metaOf(err).request_id} (POST /big): the body is over max_body_size (16 bytes)`,
    code: 'ERR_PROCESSOR_MAX_LENGTH',
    connector: 'server',
    stream: 0,
  });
  // Without a Content-Length the body is counted as it arrives.
  const chunked = await httpRequest(`${base}/big`, { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }, body: 'y'.repeat(64) });
  assert.is(chunked.status, 413);
  assert.is(((await ctx.flow.next('server', 'err')).data as { code: string }).code, 'ERR_PROCESSOR_MAX_LENGTH');
  await ctx.flow.expectNone('server', 'out', 50);
});

test('a body its codec cannot decode is answered 400 with the reason and goes to err with an excerpt', async (ctx) => {
  ctx.flow = await start(serverFlow());
  let parseError = '';
  try {
    JSON.parse('{not json');
  } catch (err) {
    parseError = (err as Error).message;
  }
  const r = await httpRequest(`${ctx.flow.address('server')}/orders`, jsonPost('{not json'));
  assert.is(r.status, 400);
  assert.is(r.body, `400 Bad Request: cannot decode the body as application/json: invalid JSON: ${parseError}\n`);
  const err = await ctx.flow.next('server', 'err');
  assert.equal(err.data, {
    error: `server: request ${metaOf(err).request_id} (POST /orders): cannot decode the body as application/json: invalid JSON: ${parseError}`,
    code: 'ERR_CODEC_DECODE',
    connector: 'server',
    stream: 0,
    excerpt: '{not json',
  });
  assert.is(metaOf(err).request.method, 'POST');
  await ctx.flow.expectNone('server', 'out', 50);
});

test('a request nobody answers within response_timeout_ms gets 504 and goes to err; a late answer goes to err', async (ctx) => {
  ctx.flow = await start(serverFlow({ response_timeout_ms: 100 }));
  const reply = httpRequest(`${ctx.flow.address('server')}/slow`, jsonPost('{}'));
  const event = await ctx.flow.next('server', 'out');
  const id = metaOf(event).request_id;
  const r = await reply;
  assert.is(r.status, 504);
  assert.is(r.body, '504 Gateway Timeout: not answered within 100 ms (response_timeout_ms)\n');
  const err = await ctx.flow.next('server', 'err');
  assert.equal(err.data, {
    error: `server: request ${id} (POST /slow): not answered within 100 ms (response_timeout_ms)`,
    code: 'ERR_TIMEOUT',
    connector: 'server',
    stream: 0,
  });
  answer(ctx.flow, 'too late', {}, event.origins);
  assert.equal((await ctx.flow.next('server', 'err')).data, {
    error: `server: no request to answer: request ${id} was not answered within 100 ms and got 504`,
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: 'too late',
  });
});

test('an answer to a request whose client went away goes to err with that reason', async (ctx) => {
  const regs = httpRegistries();
  if (!regs.connectors.has('probe')) regs.connectors.register(probe);
  ctx.flow = await start({ connectors: { ...(serverFlow() as { connectors: object }).connectors, probe: { type: 'probe' } } }, regs);
  const req = http.request(`${ctx.flow.address('server')}/gone`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
  req.on('error', () => {});
  req.end('{"a":1}');
  const event = await ctx.flow.next('server', 'out');
  req.destroy();
  // The probe hears the request's stream end: the server has noticed the client leave.
  const server = ctx.flow.flow.connector('server');
  assert.equal((await ctx.flow.next('probe', 'out')).data, { ended: event.origins[0] });
  assert.is(event.origins[0]!.connector, server.id);
  answer(ctx.flow, { late: true }, {}, event.origins);
  assert.equal((await ctx.flow.next('server', 'err')).data, {
    error: `server: no request to answer: the client of request ${metaOf(event).request_id} went away before the answer`,
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: { late: true },
  });
});

test('a second answer to a request goes to err: it was already answered', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const reply = httpRequest(ctx.flow.address('server'), jsonPost('{"n":1}'));
  const event = await ctx.flow.next('server', 'out');
  const id = metaOf(event).request_id;
  answer(ctx.flow, 'first', {}, event.origins);
  assert.is((await reply).body, '"first"');
  const expected = (event: string) => ({ error: `server: no request to answer: request ${id} was already answered (200)`, code: 'ERR_ROUTE_NO_TARGET', connector: 'server', event });
  answer(ctx.flow, 'second', {}, event.origins);
  assert.equal((await ctx.flow.next('server', 'err')).data, expected('second'));
  answer(ctx.flow, 'third', { http_server: { request_id: id } });
  assert.equal((await ctx.flow.next('server', 'err')).data, expected('third'));
});

test('an event for no request of this server goes to err, naming why', async (ctx) => {
  ctx.flow = await start(serverFlow());
  answer(ctx.flow, 'orphan', {}, [{ connector: 999, stream: 0 }]);
  assert.equal((await ctx.flow.next('server', 'err')).data, {
    error: 'server: no request to answer: it carries no meta.http_server.request_id and came from no request of this server',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: 'orphan',
  });
  answer(ctx.flow, 'unknown', { http_server: { request_id: 'nope' } });
  assert.equal((await ctx.flow.next('server', 'err')).data, {
    error: 'server: no request to answer: no request "nope" (meta.http_server.request_id) is known',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: 'unknown',
  });
});

test('every method is served; a HEAD answer has no body', async (ctx) => {
  ctx.flow = await start(serverFlow({}, { codec: 'string' }));
  const base = ctx.flow.address('server');
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
    const reply = httpRequest(`${base}/m`, { method });
    const event = await ctx.flow.next('server', 'out');
    assert.is(metaOf(event).request.method, method);
    assert.is(event.data, null);
    answer(ctx.flow, `answer to ${method}`, {}, event.origins);
    const r = await reply;
    assert.is(r.status, 200);
    assert.is(r.body, method === 'HEAD' ? '' : `answer to ${method}`);
  }
});

test('an invalid response status is answered 500 and goes to err', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const reply = httpRequest(ctx.flow.address('server'), jsonPost('{}'));
  const event = await ctx.flow.next('server', 'out');
  answer(ctx.flow, 'x', { http_server: { request_id: metaOf(event).request_id, response: { status: 99 } } });
  const r = await reply;
  assert.is(r.status, 500);
  assert.is(r.body, '500 Internal Server Error: the flow gave an invalid response status\n');
  assert.equal((await ctx.flow.next('server', 'err')).data, {
    error: `server: meta.http_server.response.status must be an integer from 200 to 599, received 99; request ${metaOf(event).request_id} answered 500`,
    code: 'ERR_WRITE_FAILED',
    connector: 'server',
    event: 'x',
  });
});

test('https with tls { cert, key }: the address and the request url are https', async (ctx) => {
  const tmp = tmpDir();
  try {
    const { cert, key } = makeCertificate(tmp.dir);
    ctx.flow = await start(serverFlow({ url: 'https://127.0.0.1:0', tls: { cert, key } }));
    const base = ctx.flow.address('server');
    assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
    const reply = httpRequest(`${base}/secure`, { ...jsonPost('{"s":1}'), ca: readFileSync(cert) });
    const event = await ctx.flow.next('server', 'out');
    assert.is(metaOf(event).request.url, `${base}/secure`);
    answer(ctx.flow, { secure: true }, {}, event.origins);
    const r = await reply;
    assert.is(r.status, 200);
    assert.is(r.body, '{"secure":true}');
  } finally {
    tmp.cleanup();
  }
});

test('stopping the flow answers the requests still waiting with 503', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const reply = httpRequest(ctx.flow.address('server'), jsonPost('{}'));
  await ctx.flow.next('server', 'out');
  await ctx.flow.stop();
  ctx.flow = undefined;
  const r = await reply;
  assert.is(r.status, 503);
  assert.is(r.body, '503 Service Unavailable: the server is stopping\n');
});

test('the bound address of port 0 is reported as http://host:port', async (ctx) => {
  ctx.flow = await start(serverFlow());
  assert.match(ctx.flow.address('server'), /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.is.not(ctx.flow.address('server'), 'http://127.0.0.1:0');
});

test('config errors name the option and what was expected', async () => {
  const problems = async (config: Record<string, unknown>): Promise<string[]> =>
    (await checkFlowObject({ connectors: { server: { type: 'http_server', config } } }, { registries: httpRegistries(), file: path.resolve('flow.json5') })).problems.map(formatProblem);
  assert.equal(await problems({ url: '127.0.0.1:8080' }), ['flow.json5:6:16: connectors.server.config.url: expected http://host:port or https://host:port, received "127.0.0.1:8080"']);
  assert.equal(await problems({ url: 'ws://127.0.0.1:8080' }), ['flow.json5:6:16: connectors.server.config.url: expected an http:// or https:// url, received "ws://127.0.0.1:8080"']);
  assert.equal(await problems({ url: 'http://127.0.0.1:8080/api' }), [
    'flow.json5:6:16: connectors.server.config.url: expected no path (every path is served), received "http://127.0.0.1:8080/api"',
  ]);
  assert.equal(await problems({ url: 'https://127.0.0.1:8080' }), [
    'flow.json5:6:16: connectors.server.config.url: https:// needs tls: { cert, key }, received "https://127.0.0.1:8080" without tls',
  ]);
  assert.equal(await problems({ url: 'http://127.0.0.1:8080', tls: { cert: 'c', key: 'k' } }), [
    'flow.json5:6:16: connectors.server.config.url: tls is configured but the url is http://; write https://, received "http://127.0.0.1:8080"',
  ]);
  assert.equal(await problems({ url: 'http://127.0.0.1:0', max_body_size: 0 }), ['flow.json5:7:26: connectors.server.config.max_body_size: expected a number > 0, received 0']);
});

test('with auth, a request without good credentials is answered 401 and never becomes an event; a good one carries its identity', async (ctx) => {
  const { hashPassword } = await import('../../../../src/sdk/auth/passwords.js');
  const users = tmpDir();
  try {
    const file = users.write('users', `ann:${await hashPassword('pw')}\n`);
    ctx.flow = await start(serverFlow({ auth: { basic: { users_file: file } }, allowed_origins: ['https://ok.example'] }));
    const base = ctx.flow.address('server');
    const refused = await httpRequest(base, { method: 'GET' });
    assert.is(refused.status, 401);
    assert.is(refused.headers['www-authenticate'], 'Basic realm="tremolo", charset="UTF-8"');
    const badOrigin = await httpRequest(base, { method: 'GET', headers: { origin: 'https://evil.example', authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` } });
    assert.is(badOrigin.status, 403);
    await ctx.flow.expectNone('server', 'out', 20);
    const reply = httpRequest(base, { method: 'GET', headers: { authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` } });
    const event = await ctx.flow.next('server', 'out');
    assert.equal((event.meta.http_server as { auth: unknown }).auth, { method: 'basic', user: 'ann' });
    answer(ctx.flow, 'ok', {}, event.origins);
    assert.is((await reply).status, 200);
  } finally {
    users.cleanup();
  }
});

test('credentials never reach the event: Authorization, Cookie and credential-named headers and query parameters are ***, their names kept', async (ctx) => {
  ctx.flow = await start(serverFlow());
  const base = ctx.flow.address('server');
  const reply = httpRequest(`${base}/p?access_token=s3cret&page=2&api_key=k`, {
    method: 'GET',
    headers: { authorization: 'Bearer s3cret', cookie: 'sid=s3cret; theme=dark', 'x-api-key': 's3cret', 'x-trace': 'keep' },
  });
  const event = await ctx.flow.next('server', 'out');
  const { request } = metaOf(event);
  assert.is(request.query, 'access_token=***&page=2&api_key=***');
  assert.is(request.url, `${base}/p?access_token=***&page=2&api_key=***`);
  assert.is(request.headers.authorization, '***');
  assert.is(request.headers.cookie, 'sid=***; theme=***');
  assert.is(request.headers['x-api-key'], '***');
  assert.is(request.headers['x-trace'], 'keep');
  assert.not.ok(JSON.stringify(event.meta).includes('s3cret'));
  answer(ctx.flow, 'ok', {}, event.origins);
  assert.is((await reply).status, 200);
});

test.run();
