import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEvent } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { httpRequest } from '../../../support/http-request.js';
import { raw, statusOf } from '../../../support/raw.js';
import { tmpDir } from '../../../support/tmp.js';
import { httpRegistries } from '../../../support/with-http.js';

// http_server against requests a client should never send: answered with a 4xx, never an event,
// and the next client is served (issue 20).
const test = suite<{ flow?: TestFlow }>('http_server: hostile requests', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const start = (config: Record<string, unknown> = {}): Promise<TestFlow> =>
  startFlow({ connectors: { server: { type: 'http_server', config: { url: 'http://127.0.0.1:0', ...config } } } }, { registries: httpRegistries() });

const portOf = (flow: TestFlow): number => Number(new URL(flow.address('server')).port);

/** A request the flow answers with its body: the server still serves. */
async function served(flow: TestFlow, headers: Record<string, string> = {}): Promise<void> {
  const reply = httpRequest(`${flow.address('server')}/ok`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"n":1}' });
  const event = await flow.next('server', 'out');
  assert.equal(event.data, { n: 1 });
  flow.flow.port('server', 'in', 'in').next(createEvent('fine', {}, event.origins));
  assert.equal([(await reply).status, (await reply).body], [200, '"fine"']);
}

for (const target of ['http://[/', 'http://[::1/x', '//[', 'http://%zz/']) {
  test(`a request-target that is no URL (GET ${target}) is answered 400 with the reason and never becomes an event`, async (ctx) => {
    ctx.flow = await start();
    const port = portOf(ctx.flow);
    const r = await raw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, { timeoutMs: 3000 });
    const body = `400 Bad Request: the request-target ${JSON.stringify(target)} is not a valid URL\n`;
    assert.is(statusOf(r.reply), 400);
    assert.ok(r.reply.endsWith(`\r\n\r\n${body}`), r.reply);
    assert.match(r.reply, /\r\nconnection: close\r\n/i);
    assert.ok(r.closedByServer);
    await ctx.flow.expectNone('server', 'out', 20);
    await served(ctx.flow);
  });
}

test('a bad Host header falls back to the bound address: the request is served, its url on that address', async (ctx) => {
  ctx.flow = await start();
  const port = portOf(ctx.flow);
  const reply = raw(port, `POST /x?q=1 HTTP/1.1\r\nHost: [\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`, { timeoutMs: 3000 });
  const event = await ctx.flow.next('server', 'out');
  assert.is((event.meta.http_server as { request: { url: string } }).request.url, `http://127.0.0.1:${port}/x?q=1`);
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent('ok', {}, event.origins));
  assert.is(statusOf((await reply).reply), 200);
});

test('with auth, a request-target that is no URL is answered 400 before its credentials are looked at', async (ctx) => {
  const { hashPassword } = await import('../../../../src/sdk/auth/passwords.js');
  const users = tmpDir();
  try {
    const file = users.write('users', `ann:${await hashPassword('pw')}\n`);
    ctx.flow = await start({ auth: { basic: { users_file: file }, jwt: { secret: 'a-secret-of-at-least-32-bytes-long!!' } } });
    const port = portOf(ctx.flow);
    const good = `Basic ${Buffer.from('ann:pw').toString('base64')}`;
    for (const credentials of [good, 'Bearer x.y.z', '']) {
      const r = await raw(port, `GET http://[/?access_token=x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${credentials === '' ? '' : `Authorization: ${credentials}\r\n`}\r\n`, { timeoutMs: 3000 });
      assert.is(statusOf(r.reply), 400, r.reply);
    }
    await ctx.flow.expectNone('server', 'out', 20);
    await served(ctx.flow, { authorization: good });
  } finally {
    users.cleanup();
  }
});

test('a status or header the flow gives as a bigint (a MessagePack int64, say) is answered 500 at once and goes to err with the value', async (ctx) => {
  ctx.flow = await start();
  for (const [response, why] of [
    [{ status: 10n }, 'meta.http_server.response.status must be an integer from 200 to 599, received 10n'],
    [{ headers: { 'x-n': 10n } }, 'meta.http_server.response.headers.x-n must be text or a list of texts, received 10n'],
  ] as const) {
    const reply = httpRequest(ctx.flow.address('server'), { method: 'GET' });
    const event = await ctx.flow.next('server', 'out');
    ctx.flow.flow.port('server', 'in', 'in').next(createEvent('x', { http_server: { response } }, event.origins));
    assert.is((await reply).status, 500);
    const err = await ctx.flow.next('server', 'err');
    assert.match((err.data as { error: string }).error, why);
  }
});

test('a client that sends its body slower than request_timeout_ms gets 408 and is cut off; others are served meanwhile', async (ctx) => {
  ctx.flow = await start({ request_timeout_ms: 500 });
  const port = portOf(ctx.flow);
  const slow = raw(port, [`POST /slow HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`, '{', '"', 'a'], { dripMs: 150, keepOpenMs: 10_000, timeoutMs: 5000 });
  await served(ctx.flow);
  const r = await slow;
  assert.is(statusOf(r.reply), 408, r.reply);
  assert.ok(r.closedByServer);
  // Cut off within the bound, not at Node's default of 300 s.
  assert.ok(r.ms < 3000, `${r.ms} ms`);
  // The request was never read in full: its body never became an event.
  await ctx.flow.expectNone('server', 'out', 20);
});

test('chunk extensions past Node\'s limit are answered 413 Payload Too Large, as Node answers them, and never become an event', async (ctx) => {
  ctx.flow = await start();
  const port = portOf(ctx.flow);
  const extension = `;x=${'a'.repeat(20 * 1024)}`;
  const r = await raw(port, `POST /big HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2${extension}\r\n{}\r\n0\r\n\r\n`, { timeoutMs: 3000 });
  assert.is(r.reply.split('\r\n')[0], 'HTTP/1.1 413 Payload Too Large', r.reply);
  assert.ok(r.closedByServer);
  await ctx.flow.expectNone('server', 'out', 20);
  await served(ctx.flow);
});

test.run();
