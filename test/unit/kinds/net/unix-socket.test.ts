import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEvent } from '../../../../src/sdk/event.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { clientFlow, quickRetry, serverEchoFlow } from '../../../support/socket-flows.js';
import { SocketPeer } from '../../../support/socket-peer.js';
import { TestSocket, until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-unix-');
let n = 0;
const socketPath = (): string => path.join(tmp.dir, `s${n++}.sock`);

const test = suite<{ flow?: TestFlow; peer?: SocketPeer; clients: TestSocket[] }>('unix sockets', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});
test.after(() => tmp.cleanup());

const open = async (ctx: { clients: TestSocket[] }, at: string): Promise<TestSocket> => {
  const c = await TestSocket.connect(at);
  ctx.clients.push(c);
  return c;
};
const errorOf = (event: { data: unknown }): string => (event.data as { error: string }).error;

test('unix_socket_server: each client gets its own echoes, and nothing of the others', async (ctx) => {
  const at = socketPath();
  ctx.flow = await startFlow(serverEchoFlow('unix_socket_server', { path: at }));
  assert.is(ctx.flow.address('server'), at);
  const [a, b] = [await open(ctx, at), await open(ctx, at)];
  a.send('{"a":1}\n{"a"');
  b.send('{"b":1}\n');
  a.send(':2}\n');
  assert.equal(await a.waitLines(2), ['{"a":1}', '{"a":2}']);
  assert.equal(await b.waitLines(1), ['{"b":1}']);
  await ctx.flow.expectNone('server', 'err', 50);
  assert.is(b.text, '{"b":1}\n');
});

test('unix_socket_server: events carry an opaque peer id and the path, and meta.unix_socket_server.peer picks the connection', async (ctx) => {
  const at = socketPath();
  ctx.flow = await startFlow({ connectors: { server: { type: 'unix_socket_server', codec: 'string', postprocessors: ['separate'], config: { path: at } } } });
  const [a, b] = [await open(ctx, at), await open(ctx, at)];
  a.send('from a');
  const fromA = await ctx.flow.next('server', 'out');
  b.send('from b');
  const fromB = await ctx.flow.next('server', 'out');
  assert.equal(fromA.meta, { unix_socket_server: { peer: 1, path: at } });
  assert.equal(fromB.meta, { unix_socket_server: { peer: 2, path: at } });
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent('for b', fromB.meta, fromA.origins));
  assert.equal(await b.waitLines(1), ['for b']);
  ctx.flow.flow.port('server', 'in', 'in').next(createEvent('back to a', {}, fromA.origins));
  assert.equal(await a.waitLines(1), ['back to a']);
  assert.is(b.text, 'for b\n');
});

test('unix_socket_server: an event with no connection to go to fails to err naming why', async (ctx) => {
  const at = socketPath();
  ctx.flow = await startFlow(serverEchoFlow('unix_socket_server', { path: at }));
  ctx.flow.send('server', 'in', { lonely: true });
  assert.equal((await ctx.flow.next('server', 'err')).data, {
    error: 'server: no connection to send to: it carries no meta.unix_socket_server.peer and came from no connection of this server',
    code: 'ERR_ROUTE_NO_TARGET',
    connector: 'server',
    event: { lonely: true },
  });
  ctx.flow.send('server', 'in', { x: 1 }, { unix_socket_server: { peer: 7 } });
  assert.is(errorOf(await ctx.flow.next('server', 'err')), 'server: no connection to send to: no open connection with peer id 7 (meta.unix_socket_server.peer)');
  const a = await open(ctx, at);
  a.send('{"after":1}\n');
  assert.equal(await a.waitLines(1), ['{"after":1}']);
});

test('unix_socket_server: a line the codec cannot decode goes to err and the connection stays open', async (ctx) => {
  const at = socketPath();
  ctx.flow = await startFlow(serverEchoFlow('unix_socket_server', { path: at }));
  const a = await open(ctx, at);
  a.send('{bad\n{"ok":1}\n');
  assert.equal(await a.waitLines(1), ['{"ok":1}']);
  const err = (await ctx.flow.next('server', 'err')).data as { code: string; excerpt: string };
  assert.is(err.code, 'ERR_CODEC_DECODE');
  assert.is(err.excerpt, '{bad');
  assert.is(a.closed, false);
});

test('unix_socket_server: permissions are applied to the socket file, and the file is removed on stop', async (ctx) => {
  for (const [permissions, mode] of [
    ['0o600', 0o600],
    ['=640', 0o640],
    ['666', 0o666],
  ] as const) {
    const at = socketPath();
    ctx.flow = await startFlow(serverEchoFlow('unix_socket_server', { path: at, permissions }));
    assert.is((statSync(at).mode & 0o777).toString(8), mode.toString(8), permissions);
    await ctx.flow.stop();
    assert.not.ok(existsSync(at), `${at} is left behind`);
  }
});

test('unix_socket_server: a stale socket file nobody answers on is replaced', async (ctx) => {
  const at = socketPath();
  // A process that dies without closing its listener leaves the file behind.
  const died = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(at)}, () => process.kill(process.pid, 'SIGKILL'))`], { timeout: 10_000 });
  assert.is(died.signal, 'SIGKILL');
  assert.ok(statSync(at).isSocket());
  ctx.flow = await startFlow(serverEchoFlow('unix_socket_server', { path: at }));
  const a = await open(ctx, at);
  a.send('{"fresh":1}\n');
  assert.equal(await a.waitLines(1), ['{"fresh":1}']);
});

test('unix_socket_server: a socket someone answers on, or a file that is not a socket, is refused and left alone', async (ctx) => {
  const at = socketPath();
  ctx.peer = await SocketPeer.start({ path: at });
  const live = await startFlow(serverEchoFlow('unix_socket_server', { path: at })).catch((e: Error & { code?: string }) => e);
  assert.is((live as { code?: string }).code, 'ERR_BIND_FAILED');
  assert.is((live as Error).message, `server: cannot start unix_socket_server: ${at} is in use: another process is listening on it`);
  const still = await TestSocket.connect(at);
  await still.close();
  const file = tmp.write('plain.txt', 'keep me');
  const plain = await startFlow(serverEchoFlow('unix_socket_server', { path: file })).catch((e: Error) => e);
  assert.is((plain as Error).message, `server: cannot start unix_socket_server: ${file} exists and is not a socket; refusing to replace it`);
  assert.ok(existsSync(file));
});

test('unix_socket_server: an invalid permissions string is a config error naming the field', async () => {
  const err = await startFlow(serverEchoFlow('unix_socket_server', { path: socketPath(), permissions: 'u+rw' })).catch((e: Error & { code?: string }) => e);
  assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID');
  assert.ok((err as Error).message.endsWith('connectors.server.config.permissions: expected an octal mode such as "0o600", "600" or "=600", received "u+rw"'), (err as Error).message);
});

test('unix_socket_client: it sends what it is given and emits what the server sends, with meta.unix_socket_client', async (ctx) => {
  const at = socketPath();
  ctx.peer = await SocketPeer.start({ path: at }, { echo: true });
  ctx.flow = await startFlow(clientFlow('unix_socket_client', { path: at }, { reconnect: quickRetry }));
  await ctx.flow.waitConnected('client');
  ctx.flow.send('client', 'in', { hello: 'unix' });
  assert.is(await ctx.peer.waitText('\n'), '{"hello":"unix"}\n');
  const event = await ctx.flow.next('client', 'out');
  assert.equal(event.data, { hello: 'unix' });
  assert.equal(event.meta, { unix_socket_client: { path: at } });
});

test('unix_socket_client: after the server restarts it reconnects and sends what waited, in order', async (ctx) => {
  const at = socketPath();
  ctx.peer = await SocketPeer.start({ path: at });
  ctx.flow = await startFlow(clientFlow('unix_socket_client', { path: at }, { reconnect: quickRetry }));
  await ctx.flow.waitConnected('client');
  const host = ctx.flow.flow.connector('client');
  await ctx.peer.stop();
  await until(() => host.connectivity !== 'connected', () => 'the client to notice the server is gone');
  ctx.flow.send('client', 'in', 1);
  ctx.flow.send('client', 'in', 2);
  await ctx.peer.restart();
  await ctx.flow.waitConnected('client');
  assert.is(await ctx.peer.waitText('2\n'), '1\n2\n');
});

test('unix_socket_client: a missing socket file fails the attempt with the reason', async (ctx) => {
  const at = socketPath();
  const log = memoryLogger('warn');
  ctx.flow = await startFlow(clientFlow('unix_socket_client', { path: at }, { reconnect: 'none' }), { log });
  ctx.flow.send('client', 'in', { never: 1 });
  const err = await ctx.flow.next('client', 'err');
  assert.equal(err.data, { error: 'client: not connected (gave up reconnecting); event not sent', code: 'ERR_NOT_CONNECTED', connector: 'client', event: { never: 1 } });
  assert.ok(log.lines.some((l) => l.endsWith(`ERROR [inline/client] connect failed (connect ENOENT ${at}); reconnect is "none"`)), log.lines.join('\n'));
});

test.run();
