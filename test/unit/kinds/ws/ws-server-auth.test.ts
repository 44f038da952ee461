import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import bcrypt from 'bcryptjs';
import { exportJWK, SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { hashPassword } from '../../../../src/sdk/auth/passwords.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { makeCa, makeCertificate, makeClientCert } from '../../../support/certs.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';

const tmp = tmpDir();
const test = suite<{ flow?: TestFlow }>('ws_server handshake', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  ctx.flow = undefined;
});
test.after(() => tmp.cleanup());

const server = (config: Record<string, unknown>) =>
  startFlow({ connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0', ...config } } }, links: [['s', 's']] });

/** The handshake's HTTP status, or 101 when it opened (then closed again here). */
function handshake(url: string, options: WebSocket.ClientOptions & { servername?: string } = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      ws.terminate();
    });
    ws.on('open', () => {
      resolve({ status: 101, headers: {} });
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const secret = 'a shared secret of at least 32 bytes!!';
const hs256 = (claims: Record<string, unknown>, exp: string | number = '1h') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret));

test('HTTP Basic against a users file of scrypt and bcrypt hashes: the right password gets in, with the user in the metadata', async (ctx) => {
  const users = tmp.write('users', `# hashed, never plain\nann:${await hashPassword('s3cret')}\nbob:${bcrypt.hashSync('hunter2', 4)}\n`);
  ctx.flow = await server({ auth: { basic: { users_file: users } } });
  const url = ctx.flow.address('s');
  assert.is((await handshake(url, { headers: { authorization: basic('ann', 's3cret') } })).status, 101);
  assert.is((await handshake(url, { headers: { authorization: basic('bob', 'hunter2') } })).status, 101);
  const refused = await handshake(url, { headers: { authorization: basic('ann', 'wrong') } });
  assert.is(refused.status, 401);
  assert.is(refused.headers['www-authenticate'], 'Basic realm="tremolo", charset="UTF-8"');
  assert.is((await handshake(url)).status, 401);
  const c = await TestClient.open(url, { headers: { authorization: basic('ann', 's3cret') } });
  c.send('hi');
  const event = await ctx.flow.next('s', 'out');
  assert.equal((event.meta.ws_server as { auth: unknown }).auth, { method: 'basic', user: 'ann' });
  await c.close();
});

test('a users file with a plain-text password is refused when the server starts', async () => {
  const users = tmp.write('plain-users', 'ann:password\n');
  const err = await server({ auth: { basic: { users_file: users } } }).catch((e: Error) => e);
  assert.is((err as Error).message, `s: cannot start ws_server: users file ${JSON.stringify(users)} line 1: the password of "ann" is not a scrypt or bcrypt hash (plain text is refused; make one with \`tremolo hash-password\`)`);
});

test('a Bearer JWT (HS256) is checked for signature, exp, iss and aud, also as an access_token query parameter', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret, issuer: 'tremolo-tests', audience: 'chat' } } });
  const url = ctx.flow.address('s');
  const good = await hs256({ sub: 'carol', iss: 'tremolo-tests', aud: 'chat', role: 'admin' });
  assert.is((await handshake(url, { headers: { authorization: `Bearer ${good}` } })).status, 101);
  assert.is((await handshake(`${url}/?access_token=${good}`)).status, 101);
  const expired = await hs256({ sub: 'carol', iss: 'tremolo-tests', aud: 'chat' }, Math.floor(Date.now() / 1000) - 10);
  assert.is((await handshake(url, { headers: { authorization: `Bearer ${expired}` } })).status, 401);
  const wrongAud = await hs256({ sub: 'carol', iss: 'tremolo-tests', aud: 'other' });
  assert.is((await handshake(url, { headers: { authorization: `Bearer ${wrongAud}` } })).status, 401);
  const forged = `${good.slice(0, -4)}AAAA`;
  assert.is((await handshake(url, { headers: { authorization: `Bearer ${forged}` } })).status, 401);
  const c = await TestClient.open(url, { headers: { authorization: `Bearer ${good}` } });
  c.send('x');
  const auth = ((await ctx.flow.next('s', 'out')).meta.ws_server as { auth: { method: string; user: string; claims: { role: string } } }).auth;
  assert.equal([auth.method, auth.user, auth.claims.role], ['jwt', 'carol', 'admin']);
  await c.close();
});

test('RS256 tokens against a public key file, and ES256 against a JWKS file', async (ctx) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = tmp.write('rsa.pub.pem', rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  ctx.flow = await server({ auth: { jwt: { public_key: pem } } });
  const rsToken = await new SignJWT({ sub: 'dave' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('5m').sign(rsa.privateKey);
  assert.is((await handshake(ctx.flow.address('s'), { headers: { authorization: `Bearer ${rsToken}` } })).status, 101);
  await ctx.flow.stop();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256' };
  const jwks = tmp.write('jwks.json', JSON.stringify({ keys: [jwk] }));
  ctx.flow = await server({ auth: { jwt: { jwks_file: jwks } } });
  const esToken = await new SignJWT({ sub: 'erin' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime('5m').sign(ec.privateKey);
  assert.is((await handshake(ctx.flow.address('s'), { headers: { authorization: `Bearer ${esToken}` } })).status, 101);
  assert.is((await handshake(ctx.flow.address('s'), { headers: { authorization: `Bearer ${rsToken}` } })).status, 401);
});

test('a session ends when its token expires', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } } });
  // 3 to 4 s to live (exp counts whole seconds): +1 could leave a few ms, and a loaded machine
  // refused the handshake with 401 as the token had expired already.
  const token = await hs256({ sub: 'fay' }, Math.floor(Date.now() / 1000) + 4);
  const c = await TestClient.open(ctx.flow.address('s'), { headers: { authorization: `Bearer ${token}` } }, 10_000);
  assert.equal(await c.waitClosed(20_000), { code: 1008, reason: 'token expired' });
});

test('an Origin not allowed gets 403; a request without Origin (not a browser) is let in', async (ctx) => {
  ctx.flow = await server({ allowed_origins: ['https://app.example.com', 'https://*.tremolo.dev'] });
  const url = ctx.flow.address('s');
  assert.is((await handshake(url, { origin: 'https://evil.example.com' })).status, 403);
  assert.is((await handshake(url, { origin: 'https://app.example.com' })).status, 101);
  assert.is((await handshake(url, { origin: 'https://docs.tremolo.dev' })).status, 101);
  assert.is((await handshake(url)).status, 101);
});

test('past max_connections (and per address) new handshakes get 503, and a freed slot is usable again', async (ctx) => {
  ctx.flow = await server({ max_connections: 2 });
  const url = ctx.flow.address('s');
  const [a, b] = [await TestClient.open(url), await TestClient.open(url)];
  assert.is((await handshake(url)).status, 503);
  await a.close();
  await new Promise((r) => setTimeout(r, 20));
  const c = await TestClient.open(url);
  await Promise.all([b.close(), c.close()]);
  await ctx.flow.stop();
  ctx.flow = await server({ max_connections_per_ip: 1 });
  const d = await TestClient.open(ctx.flow.address('s'));
  assert.is((await handshake(ctx.flow.address('s'))).status, 503);
  await d.close();
});

test('a handshake that never finishes (slowloris) is dropped after handshake_timeout_ms', async (ctx) => {
  ctx.flow = await server({ handshake_timeout_ms: 300 });
  const { port } = new URL(ctx.flow.address('s'));
  const started = performance.now();
  const closedAfter = await new Promise<number>((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n'));
    socket.on('close', () => resolve(performance.now() - started));
    socket.on('error', () => undefined);
    socket.resume();
  });
  assert.ok(closedAfter >= 250 && closedAfter < 3000, `closed after ${closedAfter} ms`);
  const c = await TestClient.open(ctx.flow.address('s'));
  await c.close();
});

test('over its rate limit a connection is closed with 1008, or its excess dropped and reported', async (ctx) => {
  ctx.flow = await server({ rate_limit: { messages_per_s: 5, burst: 5 } });
  const c = await TestClient.open(ctx.flow.address('s'));
  for (let i = 0; i < 20; i++) c.send(`m${i}`);
  assert.equal(await c.waitClosed(), { code: 1008, reason: 'rate limit exceeded' });
  await ctx.flow.stop();
  ctx.flow = await server({ rate_limit: { messages_per_s: 5, burst: 5, action: 'drop' } });
  const d = await TestClient.open(ctx.flow.address('s'));
  for (let i = 0; i < 20; i++) d.send(`m${i}`);
  assert.equal(await d.waitFor(5), ['m0', 'm1', 'm2', 'm3', 'm4']);
  const err = await ctx.flow.next('s', 'err');
  assert.is((err.data as { code: string }).code, 'ERR_RATE_LIMITED');
  assert.match((err.data as { error: string }).error, /is over its rate limit of 5 messages\/s; 1 messages dropped so far$/);
  assert.is(d.closed, undefined);
  await d.close();
});

test('mutual TLS: a client certificate signed by the CA authenticates as its CN; without one the TLS handshake fails', async (ctx) => {
  const dir = tmp.dir;
  const { cert, key } = makeCertificate(dir, 'server');
  const ca = makeCa(dir);
  const client = makeClientCert(dir, ca, 'gina');
  ctx.flow = await server({ url: 'wss://127.0.0.1:0', tls: { cert, key, ca: ca.cert, client_cert: 'require' }, auth: { mtls: true } });
  const url = ctx.flow.address('s');
  const trust = { ca: readFileSync(cert), servername: 'localhost' };
  const c = await TestClient.open(url, { ...trust, cert: readFileSync(client.cert), key: readFileSync(client.key) });
  c.send('x');
  assert.equal(((await ctx.flow.next('s', 'out')).meta.ws_server as { auth: unknown }).auth, { method: 'mtls', user: 'gina' });
  await c.close();
  const refused = await TestClient.open(url, trust).then(
    () => 'opened',
    (err: Error) => err.message,
  );
  assert.is.not(refused, 'opened');
});

test.run();
