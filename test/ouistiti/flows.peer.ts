import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../src/app/testing/index.js';
import { repoRoot } from '../support/cli.js';
import { OuistitiPeer, ouistitiPeer } from '../support/ouistiti-peer.js';
import { freePort } from '../support/ports.js';
import { tmpDir } from '../support/tmp.js';
import { TestClient } from '../support/ws.js';

// flows/chat.json5 (commands=true) and flows/jsonrpc.json5 beside ouistiti's chat (-w) and
// websocket_jsonrpc + authrpc behind ouistiti's gateway: the same clients' messages, the same
// answers, except where docs/gateway.md says they differ on purpose (issue 25).
interface Ctx {
  peer?: OuistitiPeer;
  ouistiti?: string;
  chat?: TestFlow;
  rpc?: TestFlow;
  clients: TestClient[];
}
const test = suite<Ctx>("ouistiti: tremolo's chat and JSON-RPC flows beside ouistiti's services", { clients: [] });
const tmp = tmpDir('tremolo-ou-flows-');

test.before(async (ctx) => {
  const dir = ouistitiPeer();
  if (dir === undefined) throw new Error("ouistiti's services are missing (OUISTITI_PEER)");
  ctx.peer = OuistitiPeer.start(dir, tmp.dir);
  await ctx.peer.service('chat');
  await ctx.peer.service('jsonrpc');
  const port = await freePort();
  await ctx.peer.gateway(port);
  ctx.ouistiti = `ws://127.0.0.1:${port}`;
  ctx.chat = await startFlow(path.join(repoRoot, 'flows/chat.json5'), { args: { url: 'ws://127.0.0.1:0', commands: true } });
  ctx.rpc = await startFlow(path.join(repoRoot, 'flows/jsonrpc.json5'), { args: { url: 'ws://127.0.0.1:0' } });
});
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) c.ws.terminate();
  await sleep(100);
});
test.after(async (ctx) => {
  await ctx.chat?.stop();
  await ctx.rpc?.stop();
  ctx.peer?.stop();
  tmp.cleanup();
});

const open = async (ctx: Ctx, url: string): Promise<TestClient> => {
  const c = await TestClient.open(url, {}, 5000);
  ctx.clients.push(c);
  return c;
};

/**
 * Runs the same chat script on three clients of a chat and returns what each received. A pause
 * after each line: ouistiti's chat reads 512 bytes at a time, so two lines sent together could
 * reach it as one.
 */
async function chatTranscript(ctx: Ctx, url: string, script: readonly (readonly [number, string])[]): Promise<string[][]> {
  const clients = [await open(ctx, url), await open(ctx, url), await open(ctx, url)];
  for (const [who, line] of script) {
    clients[who]!.send(line);
    await sleep(120);
  }
  await sleep(300);
  const out = clients.map((c) => c.messages.map((m) => m.data));
  for (const c of clients) c.ws.terminate();
  return out;
}

test('the chat commands give the same transcript as ouistiti’s chat: bob001, spacing kept, no name ignored, a leading space and an empty frame', async (ctx) => {
  const script = [
    [0, 'WSHello bob'],
    [1, 'WSHello bob'],
    [2, 'WSHello bob and more'],
    [0, 'WSPrivate bob001  two  spaces '],
    [0, 'WSHello '],
    [1, ' WSWhois bob'],
    [2, ''],
    [2, 'WSWhois nobody'],
    [1, 'WSPrivate nobody hello?'],
    [2, 'plain words'],
  ] as const;
  const expected = [
    ['WSWelcome bob', ' WSWhois bob', 'plain words'],
    ['WSWelcome bob001', ' two  spaces ', 'plain words'],
    ['WSWelcome bob001', ' two  spaces ', ' WSWhois bob', 'WSIs nobody undefined'],
  ];
  assert.equal(await chatTranscript(ctx, `${ctx.ouistiti}/chat`, script), expected);
  assert.equal(await chatTranscript(ctx, ctx.chat!.address('room'), script), expected);
});

test('WSWhois of a user: tremolo answers its address, ouistiti behind its own gateway "network error" (a difference on purpose)', async (ctx) => {
  const whois = async (url: string): Promise<string> => {
    const [a, b] = [await open(ctx, url), await open(ctx, url)];
    a.send('WSHello alice');
    await a.waitFor(1);
    b.send('WSWhois alice');
    return (await b.waitFor(1))[0]!;
  };
  assert.is(await whois(`${ctx.ouistiti}/chat`), 'WSIs alice network error');
  assert.is(await whois(ctx.chat!.address('room')), 'WSIs alice 127.0.0.1');
});

/** One request (a text as it is, else as JSON) as ouistiti's clients send it, NUL-terminated; the answer's text. */
async function ask(c: TestClient, request: unknown): Promise<string> {
  const before = c.messages.length;
  c.send(`${typeof request === 'string' ? request : JSON.stringify(request)}\0`);
  await c.until(() => c.messages.slice(before).map((m) => m.data).join('').endsWith('\0'), 10_000, `the answer to ${JSON.stringify(request)}`);
  return c.messages.slice(before).map((m) => m.data).join('');
}
const parsed = (answer: string): { id: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } } => JSON.parse(answer.slice(0, -1)) as never;

test("ouistiti's JSON-RPC requests, framed and named as its clients do, are answered by both in kind, NUL-terminated", async (ctx) => {
  const [o, t] = [await open(ctx, `${ctx.ouistiti}/jsonrpc`), await open(ctx, ctx.rpc!.address('rpc'))];
  // Parse errors and unknown methods: the same standard codes, from both.
  for (const c of [o, t]) {
    const garbage = parsed(await ask(c, 'not json'));
    assert.equal([garbage.id, garbage.error?.code], [null, -32700]);
    const unknown = parsed(await ask(c, { jsonrpc: '2.0', id: 2, method: 'nothing', params: {} }));
    assert.equal([unknown.id, unknown.error?.code], [2, -32601]);
  }
});

test("authrpc's parameter names are accepted (no -32602); failures keep JSON-RPC's codes where ouistiti puts them in result (a difference on purpose)", async (ctx) => {
  const [o, t] = [await open(ctx, `${ctx.ouistiti}/jsonrpc`), await open(ctx, ctx.rpc!.address('rpc'))];
  const badAuth = { jsonrpc: '2.0', id: 1, method: 'auth', params: { user: 'nobody', passwd: 'x' } };
  assert.equal(parsed(await ask(o, badAuth)), { jsonrpc: '2.0', id: 1, result: { code: 0, message: 'user or password not found', data: 'user or password not found' } });
  assert.equal(parsed(await ask(t, badAuth)), { jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'no such user', data: { user: 'nobody' } } });
  const mismatch = { jsonrpc: '2.0', id: 2, method: 'passwd', params: { user: 'admin', old: 'admin', new: 'first-pass', confirm: 'other-pass' } };
  assert.equal((parsed(await ask(o, mismatch)).result as { message: string }).message, 'confirm new password');
  assert.equal(parsed(await ask(t, mismatch)).error, { code: -32602, message: 'Invalid params', data: ['confirm: expected the same as the new password'] });
  // tremolo's example user database: admin/admin, logged in with ouistiti's names.
  assert.equal(parsed(await ask(t, { jsonrpc: '2.0', id: 3, method: 'auth', params: { user: 'admin', passwd: 'admin' } })), { jsonrpc: '2.0', id: 3, result: { user: 'admin', authenticated: true } });
  assert.equal(parsed(await ask(t, { jsonrpc: '2.0', id: 4, method: 'adduser', params: { user: 'carol', group: 'users', passwd: 'carol-pass', home: '/home/carol' } })), { jsonrpc: '2.0', id: 4, result: { user: 'carol' } });
  assert.equal(parsed(await ask(t, { jsonrpc: '2.0', id: 5, method: 'rmuser', params: { user: 'carol', passwd: 'carol-pass' } })), { jsonrpc: '2.0', id: 5, result: true });
});

test.run();
