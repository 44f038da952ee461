import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { tmpDir } from '../../support/tmp.js';
import { socatEcho } from '../../support/unix-servers.js';
import { TestClient } from '../../support/ws.js';
import { handshake } from '../../support/ws-handshake.js';

// The gateway's upstream connection itself (issue 25): made before the upgrade, tried again on a
// full backlog, relayed byte for byte with characters split across reads, and closed with a code
// that says why. Upstreams are socat and small UNIX servers; clients are `ws` and raw sockets.
const test = suite<{ flow?: TestFlow; cat?: ChildProcess; busy?: ChildProcess; reset?: net.Server; clients: TestClient[]; servers: net.Server[] }>('gateway upstream', { clients: [], servers: [] });
const tmp = tmpDir('tremolo-gwup-');

test.before(async (ctx) => {
  ctx.cat = await socatEcho(path.join(tmp.dir, 'cat'));
  // A forking service with a backlog of 1: a burst of connects meets EAGAIN, as ouistiti's do.
  const busy = path.join(tmp.dir, 'busy');
  ctx.busy = spawn('socat', [`UNIX-LISTEN:${busy},fork,backlog=1`, 'EXEC:cat'], { stdio: 'ignore' });
  // A socket file nobody listens on: bound, never listening (a crashed service leaves one too).
  const r = spawnSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path.join(tmp.dir, 'deaf'))})`]);
  assert.is(r.status, 0, String(r.stderr));
  // A TCP service that resets each connection once it is spoken to.
  ctx.reset = net.createServer((s) => s.on('data', () => s.resetAndDestroy()).on('error', () => undefined));
  await new Promise<void>((r) => ctx.reset!.listen(0, '127.0.0.1', r));
  const links = { '/reset': `tcp://127.0.0.1:${(ctx.reset.address() as net.AddressInfo).port}` };
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/gateway.json5'), { args: { url: 'ws://127.0.0.1:0', docroot: tmp.dir, links } });
  for (let i = 0; i < 100 && spawnSync('test', ['-S', busy]).status !== 0; i++) await sleep(20);
});
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) c.ws.terminate();
  for (const s of ctx.servers.splice(0)) s.close();
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
  ctx.cat?.kill();
  ctx.busy?.kill();
  ctx.reset?.close();
  tmp.cleanup();
});

const url = (ctx: { flow?: TestFlow }, p: string): string => `${ctx.flow!.address('gateway')}${p}`;
const open = async (ctx: { flow?: TestFlow; clients: TestClient[] }, p: string, timeoutMs = 2000): Promise<TestClient> => {
  const c = await TestClient.open(url(ctx, p), {}, timeoutMs);
  ctx.clients.push(c);
  return c;
};

/** The handshake's answer: 101 or the refusal's status, with its body. */
const answer = async (target: string): Promise<{ status: number; body: string }> => {
  const { status, body } = await handshake(target);
  return { status, body };
};

/** A UNIX server in the test's folder, each connection handed to `onConnection`. */
const unixServer = async (ctx: { servers: net.Server[] }, name: string, onConnection: (s: net.Socket) => void): Promise<void> => {
  const server = net.createServer(onConnection);
  await new Promise<void>((r) => server.listen(path.join(tmp.dir, name), r));
  ctx.servers.push(server);
};

test("a character split across the upstream's reads stays text: '€'*3000 comes back as text frames, byte for byte", async (ctx) => {
  const c = await open(ctx, '/cat');
  const sent = '€'.repeat(3000);
  c.send(sent);
  await c.until(() => c.messages.reduce((n, m) => n + Buffer.byteLength(m.data), 0) >= Buffer.byteLength(sent), 5000, 'all 9000 bytes');
  assert.equal(c.messages.filter((m) => m.binary), []);
  assert.is(c.messages.map((m) => m.data).join(''), sent);
});

test('bytes that are not UTF-8 still come back as binary frames, unchanged', async (ctx) => {
  const c = await open(ctx, '/cat');
  c.send(Buffer.from([0xe2, 0x82, 0xff, 0x00]), true);
  await c.waitFor(1);
  assert.equal(c.messages, [{ data: 'e282ff00', binary: true }]);
});

test('a character the upstream never completes is sent as binary when it closes', async (ctx) => {
  await unixServer(ctx, 'half', (s) => s.end(Buffer.from([0x61, 0xe2, 0x82])));
  const c = await open(ctx, '/half');
  const closed = await c.waitClosed();
  assert.equal(c.messages, [{ data: 'a', binary: false }, { data: 'e282', binary: true }]);
  assert.is(closed.code, 1000);
});

test('a socket file nobody listens on is refused with 403 before the upgrade, with the text of every 403', async (ctx) => {
  assert.equal(await answer(url(ctx, '/deaf')), { status: 403, body: '403 Forbidden: no upstream for "/deaf"\n' });
  // The same as a missing one: a client cannot tell them apart.
  assert.equal(await answer(url(ctx, '/missing')), { status: 403, body: '403 Forbidden: no upstream for "/missing"\n' });
});

test('100 concurrent WebSockets to one forking service with a full backlog all get through and are echoed', async (ctx) => {
  const clients = await Promise.all(Array.from({ length: 100 }, () => open(ctx, '/busy', 10_000)));
  clients.forEach((c, i) => c.send(`client ${i}`));
  await Promise.all(clients.map((c) => c.waitFor(1, 10_000)));
  assert.equal(clients.map((c) => c.messages.map((m) => m.data).join('')), clients.map((_, i) => `client ${i}`));
});

test('20 concurrent clients doing 4 KiB requests and responses through a cat service all finish', async (ctx) => {
  const clients = await Promise.all(Array.from({ length: 20 }, () => open(ctx, '/cat', 5000)));
  const rounds = 20;
  await Promise.all(
    clients.map(async (c, i) => {
      for (let r = 0; r < rounds; r++) {
        const payload = String.fromCharCode(97 + ((i + r) % 26)).repeat(4096);
        const before = c.messages.map((m) => m.data).join('').length;
        c.send(payload);
        await c.until(() => c.messages.map((m) => m.data).join('').length >= before + 4096, 10_000, `round ${r} of client ${i}`);
      }
      assert.is(c.messages.map((m) => m.data).join('').length, rounds * 4096);
    }),
  );
});

test('an upstream that resets the connection closes the WebSocket with 1014 (bad gateway)', async (ctx) => {
  const c = await open(ctx, '/reset');
  c.send('hello');
  assert.equal(await c.waitClosed(), { code: 1014, reason: 'upstream failed' });
});

test('an upstream that ends the conversation closes the WebSocket with 1000, after what it said', async (ctx) => {
  await unixServer(ctx, 'bye', (s) => s.end('bye\n'));
  const c = await open(ctx, '/bye');
  assert.equal(await c.waitClosed(), { code: 1000, reason: 'upstream closed' });
  assert.equal(c.messages, [{ data: 'bye\n', binary: false }]);
});

test('the service hears nothing of a handshake that was refused, and exactly one connection per WebSocket', async (ctx) => {
  let connections = 0;
  await unixServer(ctx, 'count', (s) => {
    connections++;
    s.on('error', () => undefined);
  });
  const c = await open(ctx, '/count');
  c.send('x');
  await sleep(200);
  assert.is(connections, 1);
  assert.is((await answer(url(ctx, '/count?protocol'))).status, 101);
  await sleep(200);
  assert.is(connections, 2);
});

test.run();

// Its own flow: stopping it closes every WebSocket with 1001.
const stopping = suite('gateway upstream: stop');
stopping('stopping the gateway closes its WebSockets with 1001 (going away)', async () => {
  const dir = tmpDir('tremolo-gwstop-');
  const cat = await socatEcho(path.join(dir.dir, 'cat'));
  const flow = await startFlow(path.join(repoRoot, 'flows/gateway.json5'), { args: { url: 'ws://127.0.0.1:0', docroot: dir.dir } });
  try {
    const c = await TestClient.open(`${flow.address('gateway')}/cat`);
    c.send('hi');
    await c.waitFor(1);
    await flow.stop();
    assert.equal(await c.waitClosed(), { code: 1001, reason: 'going away' });
  } finally {
    await flow.stop();
    cat.kill();
    dir.cleanup();
  }
});
stopping.run();
