import type { ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { startCli, type RunningCli } from '../../support/cli.js';
import { rawRequest } from '../../support/raw-http.js';
import { upgradeRequest } from '../../support/ws-handshake.js';
import { tmpDir } from '../../support/tmp.js';
import { socatEcho } from '../../support/unix-servers.js';
import { TestClient } from '../../support/ws.js';

/** A UNIX server that greets each connection with its name, and counts them: who was reached. */
class NamedUpstream {
  connections = 0;
  private constructor(readonly server: net.Server) {}
  static start(file: string, name: string): Promise<NamedUpstream> {
    const server = net.createServer();
    const upstream = new NamedUpstream(server);
    server.on('connection', (socket) => {
      upstream.connections++;
      socket.on('error', () => undefined);
      socket.end(`${name}\n`);
    });
    return new Promise((resolve) => server.listen(file, () => resolve(upstream)));
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Gateway {
  cli: RunningCli;
  port: number;
}

interface Ctx {
  socat?: ChildProcess;
  upstreams: Record<string, NamedUpstream>;
  /** deny ['^/internal', and a pattern of many stars], links off, symbolic links not followed. */
  denying?: Gateway;
  /** allow ['^/public'], follow_symlinks. */
  allowing?: Gateway;
}

const test = suite<Ctx>('gateway access', { upstreams: {} });
const tmp = tmpDir('tremolo-gw-access-');
const root = path.join(tmp.dir, 'root');
const outside = path.join(tmp.dir, 'outside');

// A real process per gateway: a handler that throws shows as an exit, not as a failed test runner.
async function gateway(args: readonly string[]): Promise<Gateway> {
  const cli = startCli(['run', 'flows/gateway.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', `docroot=${root}`, ...args.flatMap((a) => ['--arg', a])], { timeoutMs: 110_000 });
  const listening = await cli.waitForLog(/listening on ws:\/\/127\.0\.0\.1:(\d+)/);
  return { cli, port: Number(listening[1]) };
}

test.before(async (ctx) => {
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  mkdirSync(path.join(root, 'public'));
  mkdirSync(outside);
  ctx.socat = await socatEcho(path.join(root, 'echo'));
  ctx.upstreams.internal = await NamedUpstream.start(path.join(root, 'internal'), 'internal');
  ctx.upstreams.hello = await NamedUpstream.start(path.join(root, 'public', 'hello'), 'public hello');
  ctx.upstreams.secret = await NamedUpstream.start(path.join(outside, 'secret'), 'secret');
  tmp.write('root/plain', 'a plain file, not a socket');
  symlinkSync(path.join(outside, 'secret'), path.join(root, 'out'));
  symlinkSync(path.join(outside, 'secret'), path.join(root, 'public', 'out'));
  symlinkSync('echo', path.join(root, 'lnecho'));
  symlinkSync('../echo', path.join(root, 'public', 'alias'));
  [ctx.denying, ctx.allowing] = await Promise.all([gateway(["deny=['^/internal', '*x*y*z*w$']"]), gateway(["allow=['^/public']", 'follow_symlinks=true'])]);
});

test.after(async (ctx) => {
  for (const g of [ctx.denying, ctx.allowing]) {
    if (g === undefined) continue;
    g.cli.process.kill('SIGTERM');
    // A gateway whose event loop is stuck cannot run its SIGTERM handler.
    const killer = setTimeout(() => g.cli.process.kill('SIGKILL'), 5000);
    await g.cli.done;
    clearTimeout(killer);
  }
  ctx.socat?.kill();
  await Promise.all(Object.values(ctx.upstreams).map((u) => u.close()));
  tmp.cleanup();
});

const ask = (g: Gateway, target: string, headers: readonly string[] = []) => rawRequest(g.port, upgradeRequest(target, headers.map((h) => `${h}\r\n`).join('')));

/** The gateway process is still running and relays a normal client's bytes to echo and back. */
async function stillServes(g: Gateway, p = '/echo'): Promise<void> {
  assert.is(g.cli.process.exitCode, null, `the gateway exited:\n${g.cli.stderr()}`);
  const c = await TestClient.open(`ws://127.0.0.1:${g.port}${p}`);
  c.send('still here');
  assert.equal(await c.waitFor(1), ['still here']);
  c.ws.terminate();
}

/** The first message from the upstream that a WebSocket to `p` reaches (a NamedUpstream greets). */
async function greeting(g: Gateway, p: string, protocols: string[] = []): Promise<{ text: string; protocol: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${g.port}${p}`, protocols);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no greeting on ${p} within 2 s`)), 2000);
      ws.once('message', (d) => {
        clearTimeout(timer);
        resolve({ text: d.toString(), protocol: ws.protocol });
      });
      ws.once('error', reject);
    });
  } finally {
    ws.terminate();
  }
}

test('a malformed percent-escape in the path is answered 400, and the gateway goes on serving', async (ctx) => {
  const g = ctx.denying!;
  const reply = await ask(g, '/x%zz');
  assert.is(reply.status, 400);
  assert.is(reply.body, '400 Bad Request: malformed request target: malformed percent-encoding in the path\n');
  assert.is((await ask(g, '/ech%C3')).body, '400 Bad Request: malformed request target: the path does not decode to UTF-8\n');
  assert.is((await ask(g, '/echo%00')).body, '400 Bad Request: malformed request target: a control character in the path\n');
  await stillServes(g);
});

test('an absolute-form target that is not a URL is answered 400; a valid one is read for its path', async (ctx) => {
  const g = ctx.denying!;
  const reply = await ask(g, 'http://[/');
  assert.is(reply.status, 400);
  assert.is(reply.body, '400 Bad Request: malformed request target: the host of the absolute URL is not valid\n');
  assert.is((await ask(g, '*')).status, 400);
  assert.is((await ask(g, 'http://127.0.0.1/echo')).status, 101);
  await stillServes(g);
});

test('dot segments and encoded slashes are refused with 400 before allow/deny sees the path: internal is never reached', async (ctx) => {
  const g = ctx.denying!;
  for (const target of ['/public/..%2finternal', '/sub/%2e%2e%2finternal', '/sub/%2E%2E/internal', '/sub/../internal', '/sub/.%2e/internal', '/./internal']) {
    const reply = await ask(g, target);
    assert.is(reply.status, 400, target);
    assert.match(reply.body, /^400 Bad Request: malformed request target: (an encoded "\/" \(%2F\)|a "\." or "\.\." segment) in the path\n$/, target);
  }
  // Decoded before it is matched: an escaped letter does not slip past deny.
  assert.is((await ask(g, '/%69nternal')).status, 403);
  assert.is(ctx.upstreams.internal!.connections, 0);
  await stillServes(g);
});

test('repeated slashes are merged, as ouistiti does: //echo reaches echo, and is not read as a host', async (ctx) => {
  await stillServes(ctx.denying!, '//echo');
  await stillServes(ctx.denying!, '///echo');
});

test('a subprotocol names an upstream only through allow/deny: /sub, / and /nothing with protocol internal are refused', async (ctx) => {
  const g = ctx.denying!;
  for (const target of ['/sub', '/', '/nothing']) {
    const reply = await ask(g, target, ['Sec-WebSocket-Protocol: internal']);
    assert.is(reply.status, 403, target);
    assert.is(reply.body, `403 Forbidden: no upstream for ${JSON.stringify(target)}\n`);
  }
  assert.is((await ask(g, '/sub', ['Sec-WebSocket-Protocol: ..'])).status, 403);
  assert.is((await ask(g, '/sub', ['Sec-WebSocket-Protocol: ../internal'])).status, 400);
  assert.is(ctx.upstreams.internal!.connections, 0);
  // An allowed one does, and is the subprotocol the server answers with.
  const ws = new WebSocket(`ws://127.0.0.1:${g.port}/nothing`, ['echo']);
  const opened = await new Promise<string>((resolve, reject) => (ws.once('open', () => resolve(ws.protocol)), ws.once('error', reject)));
  ws.terminate();
  assert.is(opened, 'echo');
});

test('a list of subprotocols names no upstream, and /echo/ names a folder: both refused with 403, as ouistiti does', async (ctx) => {
  const g = ctx.denying!;
  assert.is((await ask(g, '/', ['Sec-WebSocket-Protocol: foo, echo'])).status, 403);
  assert.is((await ask(g, '/echo/')).status, 403);
  assert.is((await ask(g, '/echo//')).status, 403);
  // When the path names the socket, the subprotocols are the application's own.
  assert.is((await ask(g, '/echo', ['Sec-WebSocket-Protocol: foo, bar'])).status, 101);
  await stillServes(g);
});

test('symbolic links under docroot are not followed by default, whether to a socket outside or inside it', async (ctx) => {
  const g = ctx.denying!;
  assert.is((await ask(g, '/out')).status, 403);
  assert.is((await ask(g, '/lnecho')).status, 403);
  assert.is(ctx.upstreams.secret!.connections, 0);
  await stillServes(g);
});

test('every 403 has the same text whatever the cause: denied, missing, a link, a file, a folder', async (ctx) => {
  const g = ctx.denying!;
  for (const target of ['/internal', '/missing', '/out', '/plain', '/sub', '/sub/missing/deeper']) {
    const reply = await ask(g, target);
    assert.is(reply.status, 403, target);
    assert.is(reply.body, `403 Forbidden: no upstream for ${JSON.stringify(target)}\n`);
  }
});

test('a deny pattern of many stars against a 8 KB path is answered at once, not after the backtracking of a regular expression', async (ctx) => {
  const g = ctx.denying!;
  const reply = await ask(g, `/${'x'.repeat(8000)}`);
  assert.is(reply.status, 403);
  await stillServes(g);
});

test('with allow ^/public, what an encoded dot segment would lead out of it to is refused with 400', async (ctx) => {
  const g = ctx.allowing!;
  assert.is((await ask(g, '/public/..%2fecho')).status, 400);
  assert.is((await ask(g, '/public/%2e%2e/echo')).status, 400);
  assert.is((await ask(g, '/echo')).status, 403);
  assert.equal(await greeting(g, '/public/hello'), { text: 'public hello\n', protocol: '' });
});

test('with allow ^/public, a subprotocol is checked as the path it stands for', async (ctx) => {
  const g = ctx.allowing!;
  // In the folder /public: /public/hello, allowed.
  assert.equal(await greeting(g, '/public', ['hello']), { text: 'public hello\n', protocol: 'hello' });
  // /public/nothing names nothing, so the subprotocol stands for /echo: not allowed, though it exists.
  assert.is((await ask(g, '/public/nothing', ['Sec-WebSocket-Protocol: echo'])).status, 403);
});

test('with follow_symlinks, a link is followed only to a real target inside docroot', async (ctx) => {
  const g = ctx.allowing!;
  assert.is((await ask(g, '/public/out')).status, 403);
  assert.is(ctx.upstreams.secret!.connections, 0);
  await stillServes(g, '/public/alias');
});

test.run();
