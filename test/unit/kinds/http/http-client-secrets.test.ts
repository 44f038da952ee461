import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { HttpPeer } from '../../../support/http-peer.js';
import { startCli } from '../../../support/cli.js';
import { freePort } from '../../../support/ports.js';
import { tmpDir } from '../../../support/tmp.js';
import { httpRegistries } from '../../../support/with-http.js';

const test = suite<{ flow?: TestFlow; peer?: HttpPeer }>('http_client secrets', {});
const tmp = tmpDir();
test.after(() => tmp.cleanup());
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});

const PASSWORD = 'pa55-from-env';
const env = { TREMOLO_TEST_HTTP_PASSWORD: PASSWORD };
const clientFlow = (config: Record<string, unknown>): object => ({ connectors: { client: { type: 'http_client', config } } });

test("a failed request's err event and metadata show its url without the password, also one from ${env:...}", async (ctx) => {
  const port = await freePort();
  ctx.flow = await startFlow(clientFlow({ url: `http://alice:\${env:TREMOLO_TEST_HTTP_PASSWORD}@127.0.0.1:${port}/x` }), { registries: httpRegistries(), env });
  ctx.flow.send('client', 'in', { a: 1 });
  const err = await ctx.flow.next('client', 'err');
  const data = err.data as { error: string; code: string };
  assert.is(data.code, 'ERR_WRITE_FAILED');
  assert.is(data.error, `client: POST http://alice:***@127.0.0.1:${port}/x failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  assert.is((err.meta.http_client as { request: { url: string } }).request.url, `http://alice:***@127.0.0.1:${port}/x`);
  assert.not.match(JSON.stringify({ data: err.data, meta: err.meta }), PASSWORD);
});

test('tremolo run logs each failure of an unlinked err port without the password from ${env:...}', async () => {
  const port = await freePort();
  const file = tmp.write(
    'client.json5',
    `{
  connectors: {
    tick: { type: 'metronome', config: { interval_ms: 20 } },
    client: { type: 'http_client', config: { url: 'http://alice:\${env:TREMOLO_TEST_HTTP_PASSWORD}@127.0.0.1:${port}/x' } },
  },
  links: [['tick', 'client']],
}`,
  );
  // The first failure is logged as it comes; the ones after it are counted, and logged as one
  // line when the 10 s window closes or the flow stops (src/engine/error-digest.ts). The status
  // API's error count says when a second failure has happened: the stop then logs it, at once.
  const cli = startCli(['run', file, '--api', '127.0.0.1:0'], { cwd: tmp.dir, env, timeoutMs: 30_000 });
  let metrics = '';
  try {
    const [, api] = await cli.waitForLog(/status API on (http:\/\/127\.0\.0\.1:\d+)/);
    await cli.waitForLog(/ECONNREFUSED/);
    const failures = (): number => Number(/^tremolo_errors_total\{[^}]*instance="client"[^}]*\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    for (const deadline = performance.now() + 10_000; failures() < 2; await new Promise((r) => setTimeout(r, 20))) {
      assert.ok(performance.now() < deadline, `fewer than 2 failures counted after 10 s:\n${metrics}`);
      metrics = await (await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    }
  } finally {
    cli.process.kill('SIGINT');
    await cli.done;
  }
  const warnings = cli.stderr().split('\n').filter((l) => l.includes('ECONNREFUSED'));
  const url = `http://alice:***@127.0.0.1:${port}/x`;
  assert.match(warnings[0] ?? cli.stderr(), `WARN  [client/client] client: POST ${url} failed: connect ECONNREFUSED`);
  assert.match(warnings[1] ?? cli.stderr(), new RegExp(`WARN  \\[client/client\\] \\d+ errors ERR_WRITE_FAILED on client in the last \\d+ s, last: client: POST ${url.replace(/[.*]/g, '\\$&')} failed: connect ECONNREFUSED`));
  assert.not.match(cli.stderr() + cli.stdout() + metrics, PASSWORD);
});

test('a response carries the request as sent without credentials, while the server received them', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  const url = new URL(ctx.peer.url);
  ctx.flow = await startFlow(clientFlow({ url: `http://alice:\${env:TREMOLO_TEST_HTTP_PASSWORD}@${url.host}/api`, headers: { 'x-trace': 't1', Cookie: 'sid=s3cr3t', 'X-Api-Key': 'k3y' } }), {
    registries: httpRegistries(),
    env,
  });
  ctx.flow.send('client', 'in', { a: 1 });
  const [received] = await ctx.peer.waitRequests(1);
  assert.is(received!.headers.authorization, `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
  assert.is(received!.headers.cookie, 'sid=s3cr3t');
  assert.is(received!.headers['x-api-key'], 'k3y');
  const sent = (await ctx.flow.next('client', 'out')).meta.http_client as { request: unknown };
  assert.equal(sent.request, {
    method: 'POST',
    url: `http://alice:***@${url.host}/api`,
    headers: { 'x-trace': 't1', cookie: 'sid=***', 'x-api-key': '***', 'content-type': 'application/json', 'content-length': '7' },
  });
});

test("an Authorization header made from Tremor's auth basic is *** in the metadata", async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await startFlow(clientFlow({ url: `${ctx.peer.url}/t`, auth: { basic: { username: 'snot', password: 'badger' } } }), { registries: httpRegistries() });
  ctx.flow.send('client', 'in', {});
  const [received] = await ctx.peer.waitRequests(1);
  assert.is(received!.headers.authorization, `Basic ${Buffer.from('snot:badger').toString('base64')}`);
  const sent = (await ctx.flow.next('client', 'out')).meta.http_client as { request: { headers: Record<string, string> } };
  assert.is(sent.request.headers.authorization, '***');
});

test('validation errors quote neither a url password nor the password of a malformed auth', async () => {
  const problems = async (config: Record<string, unknown>): Promise<string[]> =>
    (await checkFlowObject(clientFlow(config), { registries: httpRegistries(), file: path.resolve('flow.json5'), env })).problems.map(formatProblem);
  assert.equal(await problems({ url: 'ftp://bob:hunter2@example.com/' }), [
    'flow.json5:6:16: connectors.client.config.url: expected an http:// or https:// url, received "ftp://bob:***@example.com/"',
  ]);
  assert.equal(await problems({ url: 'http://bob:${env:TREMOLO_TEST_HTTP_PASSWORD}@example.com/', tls: true }), [
    'flow.json5:6:16: connectors.client.config.url: tls is configured but the url is http://; write https://, received "http://bob:***@example.com/"',
  ]);
  assert.equal(await problems({ url: 'http://example.com', auth: { basic: { username: 'snot', password: 42 } } }), [
    'flow.json5:7:17: connectors.client.config.auth: expected "none" or { basic: { username, password } } (gcp is not supported), received {"basic":{"username":"snot","password":"***"}}',
  ]);
});

test("a url given by an event is not echoed with its password when it is refused", async (ctx) => {
  ctx.flow = await startFlow(clientFlow({ url: 'http://127.0.0.1:1/' }), { registries: httpRegistries() });
  ctx.flow.send('client', 'in', {}, { http_client: { request: { url: 'ftp://eve:t0ken@example.com/' } } });
  const err = await ctx.flow.next('client', 'err');
  assert.is((err.data as { error: string }).error, 'client: meta.http_client.request.url must be http:// or https://, received "ftp://eve:***@example.com/"; request not sent');
});

test.run();
