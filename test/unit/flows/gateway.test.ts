import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { tmpDir } from '../../support/tmp.js';
import { ChatServer, socatEcho } from '../../support/unix-servers.js';
import { TestClient } from '../../support/ws.js';

const test = suite<{ flow?: TestFlow; socat?: ChildProcess; chat?: ChatServer; tcp?: net.Server; clients: TestClient[] }>('gateway', { clients: [] });
const tmp = tmpDir('tremolo-gw-');

test.before(async (ctx) => {
  ctx.socat = await socatEcho(path.join(tmp.dir, 'echo'));
  ctx.chat = await ChatServer.start(path.join(tmp.dir, 'chat'));
  // A TCP server for the websockify-style links: answers each chunk upper-cased.
  ctx.tcp = net.createServer((s) => s.on('data', (d) => s.write(d.toString().toUpperCase())).on('error', () => undefined));
  await new Promise<void>((r) => ctx.tcp!.listen(0, '127.0.0.1', () => r()));
  const { port } = ctx.tcp.address() as net.AddressInfo;
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/gateway.json5'), {
    args: { url: 'ws://127.0.0.1:0', docroot: tmp.dir, links: { '/shout': `tcp://127.0.0.1:${port}` }, deny: ['^/private'] },
  });
});
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) c.ws.terminate();
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
  ctx.socat?.kill();
  await ctx.chat?.close();
  await new Promise((r) => ctx.tcp?.close(r));
  tmp.cleanup();
});

const open = async (ctx: { flow?: TestFlow; clients: TestClient[] }, p: string): Promise<TestClient> => {
  const c = await TestClient.open(`${ctx.flow!.address('gateway')}${p}`);
  ctx.clients.push(c);
  return c;
};
const status = (url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_q, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', reject);
  });

test('each WebSocket connection gets its own upstream connection: socat echoes to each only its own bytes', async (ctx) => {
  const [a, b] = [await open(ctx, '/echo'), await open(ctx, '/echo')];
  a.send('from a');
  b.send('from b');
  assert.equal(await a.waitFor(1), ['from a']);
  assert.equal(await b.waitFor(1), ['from b']);
  a.send('again a');
  assert.equal(await a.waitFor(2), ['from a', 'again a']);
  assert.is(b.messages.length, 1);
});

test('binary payloads pass unchanged, and come back as binary frames', async (ctx) => {
  const c = await open(ctx, '/echo');
  c.send(Buffer.from([0, 1, 0xfe, 0xff]), true);
  await c.waitFor(1);
  assert.equal(c.messages[0], { data: '0001feff', binary: true });
});

test('the upstream is opened with the WebSocket: a server that speaks first is heard; messages reach the others', async (ctx) => {
  const [a, b] = [await open(ctx, '/chat'), await open(ctx, '/chat')];
  assert.equal(await a.waitFor(1), ['welcome\n']);
  assert.equal(await b.waitFor(1), ['welcome\n']);
  a.send('hi all\n');
  assert.equal(await b.waitFor(2), ['welcome\n', 'hi all\n']);
});

test('closes propagate both ways', async (ctx) => {
  const a = await open(ctx, '/chat');
  await a.waitFor(1);
  const upstream = [...ctx.chat!.clients].at(-1)!; // the newest UNIX connection is a's
  await a.close();
  const deadline = performance.now() + 2000;
  while (!upstream.destroyed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(upstream.destroyed, 'the UNIX connection closed with the WebSocket');
  const b = await open(ctx, '/chat');
  await b.waitFor(1);
  for (const socket of ctx.chat!.clients) socket.destroy(); // the UNIX server drops it
  assert.is((await b.waitClosed()).code, 1000);
});

test('a subprotocol names the socket when the path does not', async (ctx) => {
  const c = await TestClient.open(`${ctx.flow!.address('gateway')}/`, {}, 2000).catch(() => undefined);
  assert.is(c, undefined, 'the root names nothing');
  const viaProtocol = new WebSocket(`${ctx.flow!.address('gateway')}/`, ['echo']);
  await new Promise((r, j) => (viaProtocol.once('open', r), viaProtocol.once('error', j)));
  viaProtocol.send('by protocol');
  const reply = await new Promise<string>((r) => viaProtocol.once('message', (d) => r(d.toString())));
  assert.is(reply, 'by protocol');
  viaProtocol.close();
});

test('denied and missing targets are refused with 403, malformed ones with 400, before the upgrade', async (ctx) => {
  const url = ctx.flow!.address('gateway');
  assert.is(await status(`${url}/nowhere`), 403);
  assert.is(await status(`${url}/private/echo`), 403);
  assert.is(await status(`${url}/..%2f..%2fetc%2fpasswd`), 400);
});

test('links make it a WebSocket-to-TCP bridge', async (ctx) => {
  const c = await open(ctx, '/shout');
  c.send('quiet please');
  assert.equal(await c.waitFor(1), ['QUIET PLEASE']);
});

test.run();
