import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { hashPassword } from '../../../../src/sdk/auth/passwords.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestSocket } from '../../../support/sockets.js';
import { TestClient } from '../../../support/ws.js';
import { basicAuth, handshake, rawRequest, tally, upgradeRequest } from '../../../support/ws-handshake.js';

/** Handshakes as hostile peers write them, byte for byte, each answered with a status and the server still serving. */
const test = suite<{ flow?: TestFlow }>('ws_server hostile handshakes', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const secret = 'a shared secret of at least 32 bytes!!';
const log = memoryLogger('info');
const server = (config: Record<string, unknown>) =>
  startFlow({ connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0', ...config } } }, links: [['s', 's']] }, { log });

const hs256 = (sub: string): Promise<string> => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));

/** A normal client still gets in and is echoed. */
async function serves(url: string, options: WebSocket.ClientOptions = {}): Promise<void> {
  const c = await TestClient.open(url, options);
  c.send('still here');
  assert.equal(await c.waitFor(1), ['still here']);
  await c.close();
}

test('a request-target in absolute form that is not a URL gets 400, with JWT auth configured, and the server goes on', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } } });
  const url = ctx.flow.address('s');
  const answer = await rawRequest(url, upgradeRequest('http://[/'));
  assert.is(answer.status, 400);
  assert.is(answer.body, '400 Bad Request: malformed request target: the host of the absolute URL is not valid\n');
  const token = await hs256('ann');
  await serves(url, { headers: { authorization: `Bearer ${token}` } });
});

test('an absolute-form request-target that parses is accepted, its path in the metadata', async (ctx) => {
  ctx.flow = await server({ paths: ['/chat'] });
  const url = ctx.flow.address('s');
  const socket = await TestSocket.connect(`tcp://${new URL(url).host}`);
  socket.send(upgradeRequest(`http://${new URL(url).host}/chat?room=1`));
  await socket.waitBytes(12);
  assert.match(socket.text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  socket.send(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69])); // a masked text frame "hi"
  const event = await ctx.flow.next('s', 'out');
  assert.is(event.data, 'hi');
  assert.is((event.meta.ws_server as { path: string }).path, '/chat?room=1');
  await socket.close();
});

test('other request-target forms (asterisk, authority, other schemes) and a path with a broken %-escape get 400; the log quotes no query', async (ctx) => {
  ctx.flow = await server({});
  const url = ctx.flow.address('s');
  const form = '400 Bad Request: malformed request target: expected a path starting with "/" or an absolute http(s) or ws(s) URL\n';
  for (const target of ['*', 'ftp://host/x']) assert.is((await rawRequest(url, upgradeRequest(target))).body, form, target);
  // The authority form Node's parser itself refuses for a GET.
  assert.is((await rawRequest(url, upgradeRequest('127.0.0.1:80'))).body, '400 Bad Request: Parse Error: Unexpected start char in url\n');
  assert.is((await rawRequest(url, upgradeRequest('http://[::1/?access_token=s3cr3t'))).body, '400 Bad Request: malformed request target: the host of the absolute URL is not valid\n');
  assert.ok(log.lines.some((l) => l.endsWith('refused with 400: "http://[::1/": the host of the absolute URL is not valid')));
  assert.not.ok(log.lines.some((l) => l.includes('s3cr3t')));
  for (const target of ['/chat%E0%A4%A?x=1', '/100%']) assert.is((await rawRequest(url, upgradeRequest(target))).body, '400 Bad Request: malformed request target: malformed percent-encoding in the path\n', target);
  await serves(url);
});

test('a path outside `paths` gets 404, judged on the path without the query', async (ctx) => {
  ctx.flow = await server({ paths: ['/ws'] });
  const url = ctx.flow.address('s');
  const answer = await rawRequest(url, upgradeRequest('/other?x=/ws'));
  assert.is(answer.status, 404);
  assert.is(answer.body, '404 Not Found: no WebSocket at "/other"; expected "/ws"\n');
  await serves(`${url}/ws?x=1`);
});

test('repeated Authorization or Origin headers get 400: a proxy in front may have checked the other one', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } }, allowed_origins: ['https://app.example.com'] });
  const url = ctx.flow.address('s');
  const twice = await rawRequest(url, upgradeRequest('/', 'Authorization: Bearer a\r\nAuthorization: Bearer b\r\n'));
  assert.is(twice.status, 400);
  assert.is(twice.body, '400 Bad Request: more than one Authorization header\n');
  const origins = await rawRequest(url, upgradeRequest('/', 'Origin: https://evil.example.com\r\nOrigin: https://app.example.com\r\n'));
  assert.is(origins.body, '400 Bad Request: more than one Origin header\n');
});

test('malformed Basic credentials get 401 saying what is wrong, never echoing a colon-less text', async (ctx) => {
  const tmp = tmpDir();
  try {
    ctx.flow = await server({ auth: { basic: { users_file: tmp.write('users', `ann:${await hashPassword('pw')}\n`) } } });
    const url = ctx.flow.address('s');
    const body = async (credentials: string): Promise<string> => {
      const a = await rawRequest(url, upgradeRequest('/', `Authorization: Basic ${credentials}\r\n`));
      assert.is(a.status, 401);
      assert.match(a.head, /\r\nwww-authenticate: Basic realm="tremolo", charset="UTF-8"/);
      return a.body;
    };
    assert.is(await body('!!not base64!!'), '401 Unauthorized: malformed Basic credentials: expected base64 of user:password\n');
    assert.is(await body(Buffer.from([0x61, 0x6e, 0x6e, 0x3a, 0xff, 0xfe]).toString('base64')), '401 Unauthorized: malformed Basic credentials: not UTF-8\n');
    assert.is(await body(Buffer.from('my-password-typed-as-the-name').toString('base64')), '401 Unauthorized: malformed Basic credentials: expected user:password\n');
    assert.not.ok(log.lines.some((l) => l.includes('my-password-typed-as-the-name')));
    assert.is(await body(Buffer.from(`${'x'.repeat(5000)}:pw`).toString('base64')), `401 Unauthorized: wrong user or password for "${'x'.repeat(80)}…"\n`);
    await serves(url, { headers: { authorization: basicAuth('ann', 'pw') } });
  } finally {
    tmp.cleanup();
  }
});

test('bad, huge and unsupported tokens get 401 with the reason; a bad percent-escape in the query does not throw', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } } });
  const url = ctx.flow.address('s');
  const cases: [string, string][] = [
    [upgradeRequest('/', 'Authorization: Bearer not.a.jwt\r\n'), '401 Unauthorized: invalid token: JWS Protected Header is invalid\n'],
    [upgradeRequest('/', `Authorization: Bearer ${'A'.repeat(12_000)}\r\n`), '401 Unauthorized: invalid token: Invalid Compact JWS\n'],
    [upgradeRequest('/?access_token=%E0%A4%A&x=%FF'), '401 Unauthorized: invalid token: Invalid Compact JWS\n'],
    [upgradeRequest('/?access_token='), '401 Unauthorized: no credentials\n'],
    [upgradeRequest('/', `Authorization: ${'Z'.repeat(3000)}\r\n`), `401 Unauthorized: unsupported authorization scheme "${'z'.repeat(80)}…"\n`],
  ];
  for (const [request, expected] of cases) assert.is((await rawRequest(url, request)).body, expected);
  await serves(url, { headers: { authorization: `Bearer ${await hs256('ann')}` } });
});

test('a slowloris handshake gets 408 Request Timeout after handshake_timeout_ms, as from Node\'s own server; so does a silent one', async (ctx) => {
  ctx.flow = await server({ handshake_timeout_ms: 300 });
  const url = ctx.flow.address('s');
  const partial = await rawRequest(url, 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
  assert.is(partial.status, 408);
  assert.is(partial.body, '408 Request Timeout: the handshake was not complete within handshake_timeout_ms (300 ms)\n');
  assert.match(partial.head, /\r\nConnection: close\r\n/);
  assert.is((await rawRequest(url, 'GET / HT')).status, 408);
  await serves(url);
});

test('headers over Node\'s 16 kB limit get 431, a request that does not parse 400', async (ctx) => {
  ctx.flow = await server({});
  const url = ctx.flow.address('s');
  const huge = await rawRequest(url, upgradeRequest('/', `Authorization: Bearer ${'A'.repeat(20_000)}\r\n`));
  assert.is(huge.status, 431);
  assert.is(huge.body, '431 Request Header Fields Too Large: the request line and headers are over 16384 bytes\n');
  const garbage = await rawRequest(url, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
  assert.is(garbage.status, 400);
  assert.is(garbage.body, '400 Bad Request: Parse Error: Invalid header token\n');
  await serves(url);
});

test('concurrent authenticated handshakes are counted from their start: 60 at once open no more than the limits', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } }, max_connections: 10, max_connections_per_ip: 5 });
  const url = ctx.flow.address('s');
  const headers = { authorization: `Bearer ${await hs256('ann')}` };
  const open: WebSocket[] = [];
  try {
    assert.equal(tally(await Promise.all(Array.from({ length: 60 }, () => handshake(url, { headers }, open)))), { 101: 5, 503: 55 });
    // From four loopback addresses: five each would be 20, but ten in all is the cap.
    const more = await Promise.all(Array.from({ length: 60 }, (_, i) => handshake(url, { headers, localAddress: `127.0.0.${2 + (i % 4)}` }, open)));
    assert.equal(tally(more), { 101: 5, 503: 55 });
    assert.is(open.length, 10);
    assert.is(ctx.flow.flow.status().connectors.find((c) => c.alias === 's')?.connections, 10);
  } finally {
    for (const ws of open) ws.terminate();
  }
});

test('every way a handshake ends gives its place back: refused, aborted by ws, dropped during the credential check', async (ctx) => {
  const tmp = tmpDir();
  try {
    ctx.flow = await server({ auth: { basic: { users_file: tmp.write('users', `ann:${await hashPassword('pw')}\n`) } }, max_connections: 1 });
    const url = ctx.flow.address('s');
    const good = { headers: { authorization: basicAuth('ann', 'pw') } };
    const bad = { headers: { authorization: basicAuth('ann', 'nope') } };
    const open: WebSocket[] = [];
    for (let i = 0; i < 3; i++) assert.is((await handshake(url, bad, open)).status, 401);
    for (let i = 0; i < 3; i++) assert.is((await rawRequest(url, upgradeRequest('/', `Authorization: ${good.headers.authorization}\r\n`).replace('Version: 13', 'Version: 7'))).status, 400);
    const dropped = async (how: 'reset' | 'end'): Promise<void> => {
      const socket = await TestSocket.connect(`tcp://${new URL(url).host}`);
      socket.send(upgradeRequest('/', `Authorization: ${good.headers.authorization}\r\n`));
      await new Promise((r) => setTimeout(r, 20));
      if (how === 'reset') socket.socket.resetAndDestroy();
      else socket.socket.end();
    };
    // Reset while scrypt runs: the place is free at once, not when scrypt ends.
    for (let i = 0; i < 3; i++) await dropped('reset');
    await new Promise((r) => setTimeout(r, 20));
    assert.is((await handshake(url, good, open)).status, 101);
    assert.is((await handshake(url, good, open)).status, 503);
    for (const ws of open.splice(0)) ws.terminate();
    // Half-closed: a paused socket shows no end until read, so the place comes back once the check is done.
    await dropped('end');
    const deadline = performance.now() + 3000;
    let status = 0;
    while ((status = (await handshake(url, good, open)).status) === 503 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.is(status, 101);
    for (const ws of open) ws.terminate();
    await new Promise((r) => setTimeout(r, 50));
    await serves(url, good);
  } finally {
    tmp.cleanup();
  }
});

test('credentials never reach the metadata or the log: Authorization, cookies, credential-named headers and query parameters show ***', async (ctx) => {
  const debug = memoryLogger('debug');
  ctx.flow = await startFlow({ connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0', auth: { jwt: { secret } } } } }, links: [['s', 's']] }, { log: debug });
  const token = await hs256('ann');
  const url = `${ctx.flow.address('s')}/chat?room=1&access%5Ftoken=${token}&api_key=k3y&sig`;
  const c = await TestClient.open(url, { headers: { authorization: `Bearer ${token}`, cookie: 'session=s3ss10n; theme=dark', 'x-api-key': 'k3y', 'x-request-id': 'r1' } });
  c.send('x');
  const meta = (await ctx.flow.next('s', 'out')).meta.ws_server as { path: string; headers: Record<string, string>; auth: { user: string } };
  assert.is(meta.path, '/chat?room=1&access%5Ftoken=***&api_key=***&sig=***');
  assert.is(meta.headers.authorization, '***');
  assert.is(meta.headers.cookie, 'session=***; theme=***');
  assert.is(meta.headers['x-api-key'], '***');
  assert.is(meta.headers['x-request-id'], 'r1');
  assert.is(meta.auth.user, 'ann');
  await c.close();
  const everything = JSON.stringify(meta) + debug.lines.join('\n');
  for (const secretText of [token, 's3ss10n', 'k3y']) assert.not.ok(everything.includes(secretText), `${secretText} leaked`);
  assert.ok(debug.lines.some((l) => l.includes('path /chat?room=1&access%5Ftoken=***')), 'the opening is logged with the redacted path');
});

test.run();
