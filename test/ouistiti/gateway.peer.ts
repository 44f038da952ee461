import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { startFlow, type TestFlow } from '../../src/app/testing/index.js';
import { repoRoot } from '../support/cli.js';
import { OuistitiPeer, ouistitiPeer } from '../support/ouistiti-peer.js';
import { freePort } from '../support/ports.js';
import { tmpDir } from '../support/tmp.js';
import { TestClient } from '../support/ws.js';
import { handshake as answer } from '../support/ws-handshake.js';

// flows/gateway.json5 in front of ouistiti's own echo, chat and JSON-RPC services, side by side
// with ouistiti's own gateway in front of the same services (issue 25).
interface Ctx {
  peer?: OuistitiPeer;
  flow?: TestFlow;
  cat?: ChildProcess;
  ouistiti?: string;
  clients: TestClient[];
}
const test = suite<Ctx>('ouistiti: the gateway in front of its services', { clients: [] });
const tmp = tmpDir('tremolo-ou-gw-');

test.before(async (ctx) => {
  const dir = ouistitiPeer();
  if (dir === undefined) throw new Error("ouistiti's services are missing (OUISTITI_PEER)");
  ctx.peer = OuistitiPeer.start(dir, tmp.dir);
  await ctx.peer.service('echo');
  await ctx.peer.service('chat');
  await ctx.peer.service('jsonrpc');
  await ctx.peer.service('chat', 'doomed');
  // A socket file nobody listens on (a service that died leaves one).
  assert.is(spawnSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path.join(tmp.dir, 'deaf'))})`]).status, 0);
  ctx.cat = spawn('socat', [`UNIX-LISTEN:${path.join(tmp.dir, 'cat')},fork`, 'EXEC:cat'], { stdio: 'ignore' });
  const port = await freePort();
  await ctx.peer.gateway(port);
  ctx.ouistiti = `ws://127.0.0.1:${port}`;
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/gateway.json5'), { args: { url: 'ws://127.0.0.1:0', docroot: tmp.dir } });
  for (let i = 0; i < 100 && !existsSync(path.join(tmp.dir, 'cat')); i++) await sleep(20);
});
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) c.ws.terminate();
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
  ctx.peer?.stop();
  ctx.cat?.kill();
  tmp.cleanup();
});

const tremolo = (ctx: Ctx, p: string): string => `${ctx.flow!.address('gateway')}${p}`;
const ouistiti = (ctx: Ctx, p: string): string => `${ctx.ouistiti!}${p}`;
const open = async (ctx: Ctx, url: string, options: WebSocket.ClientOptions = {}, timeoutMs = 5000): Promise<TestClient> => {
  const c = await TestClient.open(url, options, timeoutMs);
  ctx.clients.push(c);
  return c;
};
/** Everything received, in order, as one text: a gateway frames by the service's reads. */
const text = (c: TestClient): string => c.messages.map((m) => m.data).join('');
const receive = async (c: TestClient, bytes: number, timeoutMs = 5000): Promise<string> => {
  await c.until(() => Buffer.byteLength(text(c)) >= bytes, timeoutMs, `${bytes} bytes`);
  return text(c);
};

/** The handshake's status and body (101 for an open WebSocket, which is closed at once). */
const handshake = async (url: string, protocols?: string): Promise<{ status: number; body: string }> => {
  try {
    const { status, body } = await answer(url, protocols === undefined ? {} : { headers: { 'Sec-WebSocket-Protocol': protocols } });
    return { status, body };
  } catch (err) {
    // Set as a header, the protocols are unknown to the client, which then refuses the server's choice: it opened.
    if (/Server sent .*subprotocol/.test(String(err))) return { status: 101, body: '' };
    throw err;
  }
};

test("ouistiti's echo answers the same bytes through both gateways, as text", async (ctx) => {
  for (const url of [tremolo(ctx, '/echo'), ouistiti(ctx, '/echo')]) {
    const c = await open(ctx, url);
    c.send('hello, ouistiti');
    assert.is(await receive(c, 15), 'hello, ouistiti', url);
    assert.ok(c.messages.every((m) => !m.binary), url);
  }
});

/** Compares long texts without printing them whole. */
const same = (actual: string, expected: string, what: string): void => {
  if (actual === expected) return;
  let at = 0;
  while (actual[at] === expected[at]) at++;
  assert.unreachable(`${what}: ${actual.length} characters where ${expected.length} were expected; they differ from character ${at}: ${JSON.stringify(actual.slice(at, at + 20))}`);
};

test("'€'*3000 through a cat service comes back through tremolo as text frames, byte for byte", async (ctx) => {
  const c = await open(ctx, tremolo(ctx, '/cat'));
  const sent = '€'.repeat(3000);
  c.send(sent);
  same(await receive(c, 9000), sent, 'echoed');
  assert.is(c.messages.filter((m) => m.binary).length, 0);
});

test("a character that ouistiti's echo writes in two reads stays text through tremolo; ouistiti's gateway sends a broken text frame (1007)", async (ctx) => {
  // ouistiti's echo writes back what one read got, up to its first NUL (strlen): two frames that
  // cut a '€', each ended by a NUL, come back as two writes that cut it too.
  const bytes = Buffer.from('€'.repeat(100));
  const nul = Buffer.from([0]);
  const c = await open(ctx, tremolo(ctx, '/echo'));
  c.send(Buffer.concat([bytes.subarray(0, 128), nul]), true);
  await receive(c, 126);
  c.send(Buffer.concat([bytes.subarray(128), nul]), true);
  same(await receive(c, 300), '€'.repeat(100), 'echoed');
  assert.equal(c.messages.map((m) => [m.binary, Buffer.byteLength(m.data)]), [[false, 126], [false, 174]]);
  const o = await open(ctx, ouistiti(ctx, '/echo'));
  const refused = new Promise<string | undefined>((resolve) => o.ws.on('error', (err: Error & { code?: string }) => resolve(err.code)));
  o.send(Buffer.concat([bytes.subarray(0, 128), nul]), true);
  // ws closes with 1007 on a text frame that is not UTF-8.
  assert.is(await refused, 'WS_ERR_INVALID_UTF8');
});

test("100 concurrent WebSockets to ouistiti's echo all get through tremolo, as through ouistiti", async (ctx) => {
  for (const [side, base] of [['tremolo', tremolo(ctx, '/echo')], ['ouistiti', ouistiti(ctx, '/echo')]] as const) {
    // Generous: ouistiti forks a process for each, and the machine may be busy.
    const opened = await Promise.allSettled(Array.from({ length: 100 }, () => open(ctx, base, {}, 60_000)));
    const failed = opened.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.equal(failed, [], `${side}: ${failed.length} of 100 did not open`);
    const clients = opened.map((r) => (r as PromiseFulfilledResult<TestClient>).value);
    clients.forEach((c, i) => c.send(`client ${i}`));
    await Promise.all(clients.map((c, i) => receive(c, `client ${i}`.length, 30_000)));
    assert.equal(clients.map(text), clients.map((_, i) => `client ${i}`), side);
    for (const c of ctx.clients.splice(0)) c.ws.terminate();
  }
});

test('20 concurrent clients of 4 KiB request/response through tremolo to a cat service all finish, byte for byte', async (ctx) => {
  // Not through ouistiti's echo: it answers a 256-byte read with strlen(buffer), so a message longer
  // than its buffer comes back with whatever follows it in memory.
  for (const name of ['/cat']) {
    const clients = await Promise.all(Array.from({ length: 20 }, () => open(ctx, tremolo(ctx, name), {}, 10_000)));
    await Promise.all(
      clients.map(async (c, i) => {
        for (let r = 0; r < 10; r++) {
          c.send(String.fromCharCode(97 + ((i + r) % 26)).repeat(4096));
          await receive(c, (r + 1) * 4096, 15_000);
        }
        same(text(c), Array.from({ length: 10 }, (_, r) => String.fromCharCode(97 + ((i + r) % 26)).repeat(4096)).join(''), `client ${i}`);
      }),
    );
    for (const c of ctx.clients.splice(0)) c.ws.terminate();
  }
});

test('a socket file nobody listens on is refused with 403 before the upgrade, by both', async (ctx) => {
  assert.equal(await handshake(tremolo(ctx, '/deaf')), { status: 403, body: '403 Forbidden: no upstream for "/deaf"\n' });
  assert.is((await handshake(ouistiti(ctx, '/deaf'))).status, 403);
});

test('the request target is read as a path, and what names no socket is refused, as ouistiti does', async (ctx) => {
  for (const [target, protocols, status] of [
    ['//echo', undefined, 101],
    ['/echo/', undefined, 403],
    ['/nothing', 'foo, echo', 403],
    ['/nothing', 'echo', 101],
  ] as const) {
    const [t, o] = [await handshake(tremolo(ctx, target), protocols), await handshake(ouistiti(ctx, target), protocols)];
    assert.equal([t.status, o.status], [status, status], `${target} ${protocols ?? ''}`);
  }
  const c = await open(ctx, tremolo(ctx, '//echo'));
  c.send('double slash');
  assert.is(await receive(c, 12), 'double slash');
});

test("ouistiti's chat behind both gateways gives the same transcript (bob001, spacing kept)", async (ctx) => {
  const transcript = async (url: string): Promise<string[][]> => {
    const [a, b] = [await open(ctx, url), await open(ctx, url)];
    const script: [TestClient, string][] = [
      [a, 'WSHello bob'],
      [b, 'WSHello bob'],
      [a, 'WSPrivate bob001  two  spaces '],
      [b, 'hello all'],
      [a, 'WSWhois nobody'],
    ];
    for (const [c, line] of script) {
      c.send(line);
      await sleep(150);
    }
    await sleep(200);
    const all = [a.messages.map((m) => m.data), b.messages.map((m) => m.data)];
    a.ws.terminate();
    b.ws.terminate();
    await sleep(200);
    return all;
  };
  const expected = [
    ['WSWelcome bob', 'hello all', 'WSIs nobody undefined'],
    ['WSWelcome bob001', ' two  spaces '],
  ];
  assert.equal(await transcript(ouistiti(ctx, '/chat')), expected);
  assert.equal(await transcript(tremolo(ctx, '/chat')), expected);
});

test("ouistiti's JSON-RPC service answers byte for byte the same through both gateways, NUL included", async (ctx) => {
  const requests = [
    '{"jsonrpc":"2.0","id":1,"method":"auth","params":{"user":"foo","passwd":"bar"}}\0',
    '{"jsonrpc":"2.0","id":2,"method":"nothing","params":{}}\0',
    'garbage\0',
  ];
  const answers = async (url: string): Promise<string[]> => {
    const c = await open(ctx, url);
    const out: string[] = [];
    for (const r of requests) {
      const before = text(c).length;
      c.send(r);
      await c.until(() => text(c).endsWith('\0') && text(c).length > before, 5000, `the answer to ${r}`);
      out.push(text(c).slice(before));
    }
    return out;
  };
  const viaOuistiti = await answers(ouistiti(ctx, '/jsonrpc'));
  assert.equal(await answers(tremolo(ctx, '/jsonrpc')), viaOuistiti);
  assert.match(viaOuistiti[1]!, /"code": -32601/);
});

test('a service that goes away closes the WebSocket with 1000 "upstream closed"; stopping tremolo closes with 1001', async (ctx) => {
  const c = await open(ctx, tremolo(ctx, '/doomed'));
  const alive = await open(ctx, tremolo(ctx, '/echo'));
  c.send('WSHello doomed');
  await c.waitFor(1);
  // The doomed chat is the last service started before the gateway: kill it by its socket's owner.
  const pids = spawnSync('sh', ['-c', `fuser ${JSON.stringify(path.join(tmp.dir, 'doomed'))} 2>/dev/null`], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean);
  assert.ok(pids.length > 0, 'the doomed chat service is running');
  for (const pid of pids) process.kill(Number(pid), 'SIGTERM');
  assert.equal(await c.waitClosed(5000), { code: 1000, reason: 'upstream closed' });
  await ctx.flow!.stop();
  assert.equal(await alive.waitClosed(5000), { code: 1001, reason: 'going away' });
});

test.run();
