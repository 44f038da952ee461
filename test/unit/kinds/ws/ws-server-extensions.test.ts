import { SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { builtins, childRegistries } from '../../../../src/app/builtins/registries.js';
import { checkFlowObject } from '../../../../src/app/load.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import { deriveEvent } from '../../../../src/sdk/event.js';
import { defineServerExtension, type ServerExtensionContext, type ServerSession } from '../../../../src/sdk/server-extension.js';
import { TestClient } from '../../../support/ws.js';

/**
 * The server-extension point of ws_server (src/sdk/server-extension.ts), driven by a small
 * extension written here as a package would write one: `PING` is answered `PONG` on the connection
 * itself, `JOIN room` puts the connection in a room, an event with `meta.ws_server.room` goes to
 * the room's members, `TOKEN t` replaces the session's credentials.
 */
const seen: { contexts: ServerExtensionContext[]; closed: ServerSession[]; refusals: (string | undefined)[] } = { contexts: [], closed: [], refusals: [] };
const rooms = defineServerExtension({
  name: 'rooms',
  description: 'rooms of connections, for this test',
  config: z.strictObject({ pong: z.string().default('PONG') }).prefault({}),
  create(config, ctx) {
    seen.contexts.push(ctx);
    const members = new Map<string, Set<ServerSession>>();
    return {
      message(session, data) {
        const text = data.toString();
        if (text === 'PING') session.sendText(config.pong);
        else if (text.startsWith('JOIN ')) {
          const room = text.slice(5);
          if (!members.has(room)) members.set(room, new Set());
          members.get(room)!.add(session);
          session.sendText(`JOINED ${room}`);
        } else if (text.startsWith('TOKEN ')) {
          void session.reauthenticate(text.slice(6) || undefined).then((why) => {
            seen.refusals.push(why);
            session.sendText(why === undefined ? 'TOKEN OK' : 'TOKEN REFUSED');
          });
        } else if (text === 'BYE') session.close(4000, 'bye');
        else if (text === 'THROW') throw new Error('a bug in the extension');
        else return false;
        return true;
      },
      closed(session) {
        seen.closed.push(session);
        for (const set of members.values()) set.delete(session);
      },
      route(event) {
        const room = (event.meta[ctx.kind] as { room?: unknown } | undefined)?.room;
        if (typeof room !== 'string') return undefined;
        if (room === 'boom') throw new Error('no such room, and a bug');
        return [...(members.get(room) ?? [])].map((session) => ({ session, event: deriveEvent(event, { room, to: session.stream, data: event.data }) }));
      },
    };
  },
});

const registries = () => {
  const regs = childRegistries(builtins());
  regs.extensions.register(rooms);
  return regs;
};

const test = suite<{ flow?: TestFlow; clients: TestClient[] }>('ws_server extensions', { clients: [] });
test.before.each(() => {
  seen.contexts = [];
  seen.closed = [];
  seen.refusals = [];
});
test.after.each(async (ctx) => {
  for (const c of ctx.clients) await c.close();
  ctx.clients = [];
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const secret = 'a shared secret of at least 32 bytes!!';
const token = (sub: string, exp: number | string = '1h') =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(secret));

const server = (config: Record<string, unknown> = {}, extensions: unknown[] = ['rooms']) =>
  startFlow({ connectors: { s: { type: 'ws_server', codec: 'json', extensions, config: { url: 'ws://127.0.0.1:0', ...config } } }, links: [['s', 's']] }, { registries: registries() });

async function client(ctx: { flow?: TestFlow; clients: TestClient[] }, options = {}): Promise<TestClient> {
  const c = await TestClient.open(ctx.flow!.address('s'), options);
  ctx.clients.push(c);
  return c;
}

test('an extension answers the text messages it takes on the connection itself, without the codec; the others are events', async (ctx) => {
  ctx.flow = await server({}, [{ name: 'rooms', config: { pong: 'pong!' } }]);
  const a = await client(ctx);
  a.send('PING');
  assert.equal(await a.waitFor(1), ['pong!']);
  a.send('{"n":1}');
  assert.equal(JSON.parse((await a.waitFor(2))[1]!), { n: 1 });
  // A binary frame is never offered to an extension: it goes through the codec.
  a.send(Buffer.from('"PING"'), true);
  assert.equal((await ctx.flow.collect('s', 'out', 2)).map((e) => e.data), [{ n: 1 }, 'PING']);
  assert.equal(seen.contexts.map((c) => [c.alias, c.kind, typeof c.id]), [['s', 'ws_server', 'number']]);
});

test('an extension chooses the connections an event goes to; an event it leaves alone is routed as a reply', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  const b = await client(ctx);
  const c = await client(ctx);
  a.send('JOIN red');
  b.send('JOIN red');
  c.send('JOIN blue');
  await Promise.all([a.waitFor(1), b.waitFor(1), c.waitFor(1)]);
  ctx.flow.send('s', 'in', 'hello', { ws_server: { room: 'red' } });
  const [ga, gb] = await Promise.all([a.waitFor(2), b.waitFor(2)]);
  assert.is(JSON.parse(ga[1]!).data, 'hello');
  assert.is(JSON.parse(gb[1]!).data, 'hello');
  assert.is.not(JSON.parse(ga[1]!).to, JSON.parse(gb[1]!).to, 'each session gets the event made for it');
  // Nobody in the room: nowhere, without an error.
  ctx.flow.send('s', 'in', 'lost', { ws_server: { room: 'green' } });
  // Not for the extension: an echo goes back to its sender only.
  c.send('{"echo":"c"}');
  assert.equal(JSON.parse((await c.waitFor(2))[1]!), { echo: 'c' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal([a.messages.length, b.messages.length, c.messages.length], [2, 2, 2]);
  assert.equal(ctx.flow.seen('s', 'err'), []);
});

test('an extension hears each connection close, with the session it knew; a closed session gets nothing more', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  const b = await client(ctx);
  a.send('JOIN red');
  b.send('JOIN red');
  await Promise.all([a.waitFor(1), b.waitFor(1)]);
  a.send('BYE');
  assert.equal(await a.waitClosed(), { code: 4000, reason: 'bye' });
  const deadline = Date.now() + 2000;
  while (seen.closed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.is(seen.closed.length, 1);
  assert.is(seen.closed[0]!.open, false);
  ctx.flow.send('s', 'in', 'after', { ws_server: { room: 'red' } });
  assert.is(JSON.parse((await b.waitFor(2))[1]!).data, 'after');
});

test('an extension that throws fails the one connection (1011) or the one event (err), never the server', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  const b = await client(ctx);
  a.send('THROW');
  assert.equal(await a.waitClosed(), { code: 1011, reason: 'internal error' });
  ctx.flow.send('s', 'in', 'x', { ws_server: { room: 'boom' } });
  const err = await ctx.flow.next('s', 'err');
  assert.equal([(err.data as { code: string }).code, (err.data as { error: string }).error], ['ERR_WRITE_FAILED', 's: a server extension failed to route the event: no such room, and a bug']);
  b.send('PING');
  assert.equal(await b.waitFor(1), ['PONG']);
});

test('reauthenticate takes a valid token for the same subject and refuses another subject, an invalid token and none', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } } });
  const a = await client(ctx, { headers: { authorization: `Bearer ${await token('carol')}` } });
  const tokens = [await token('carol'), await token('mallory'), `${(await token('carol')).slice(0, -4)}AAAA`, ''];
  for (const [i, t] of tokens.entries()) {
    a.send(`TOKEN ${t}`);
    await a.waitFor(i + 1);
  }
  assert.equal(a.messages.map((m) => m.data), ['TOKEN OK', 'TOKEN REFUSED', 'TOKEN REFUSED', 'TOKEN REFUSED']);
  assert.is(seen.refusals[0], undefined);
  assert.is(seen.refusals[1], 'the new token is for subject "mallory", the session’s is "carol"');
  assert.match(seen.refusals[2]!, /^invalid token: /, String(seen.refusals[2]));
  assert.is(seen.refusals[3], 'no token in the token refresh');
});

test('reauthenticate without auth.jwt is refused, and the session stays open', async (ctx) => {
  ctx.flow = await server();
  const a = await client(ctx);
  a.send('TOKEN abc');
  assert.equal(await a.waitFor(1), ['TOKEN REFUSED']);
  assert.equal(seen.refusals, ['token refresh needs auth.jwt']);
  a.send('PING');
  assert.equal((await a.waitFor(2))[1], 'PONG');
});

test('a token that expires in 30 days keeps its session open (a timer past 2^31 ms would fire at once)', async (ctx) => {
  ctx.flow = await server({ auth: { jwt: { secret } } }, []);
  const far = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;
  const a = await client(ctx, { headers: { authorization: `Bearer ${await token('carol', far)}` } });
  await new Promise((r) => setTimeout(r, 50));
  a.send('{"alive":true}');
  assert.equal(JSON.parse((await a.waitFor(1))[0]!), { alive: true });
  assert.is(a.closed, undefined);
});

test('without extensions, control-like messages are ordinary frames and unknown metadata is ignored', async (ctx) => {
  ctx.flow = await startFlow({ connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } } }, links: [['s', 's']] });
  const a = await client(ctx);
  a.send('START-SEND-EVENTS');
  assert.equal(await a.waitFor(1), ['START-SEND-EVENTS']);
  ctx.flow.send('s', 'in', 'reply', { ws_server: { topic: 'events', peer: (ctx.flow.seen('s', 'out')[0]!.meta.ws_server as { peer: unknown }).peer } });
  assert.is((await a.waitFor(2))[1], 'reply');
});

const problems = async (connector: Record<string, unknown>): Promise<string[]> =>
  (await checkFlowObject({ connectors: { s: connector } }, { file: '/tmp/f.json5', registries: registries() })).problems.map(formatProblem);

test('at load time: an unknown extension lists the known ones, a bad config is placed at its field, a connector that takes none says so', async () => {
  assert.equal(await problems({ type: 'ws_server', codec: 'json', extensions: ['room'], config: { url: 'ws://127.0.0.1:0' } }), [
    '/tmp/f.json5:7:9: connectors.s.extensions[0]: unknown server extension "room"; did you mean "rooms"? known: rooms',
  ]);
  assert.equal(await problems({ type: 'ws_server', codec: 'json', extensions: [{ name: 'rooms', config: { pong: 1 } }], config: { url: 'ws://127.0.0.1:0' } }), [
    '/tmp/f.json5:10:21: connectors.s.extensions[0].config.pong: expected a string, received 1',
  ]);
  assert.equal(await problems({ type: 'tcp_server', codec: 'json', extensions: ['rooms'], config: { url: '127.0.0.1:0' } }), [
    '/tmp/f.json5:6:21: connectors.s.extensions: connector type "tcp_server" takes no extensions; those that do: ws_server',
  ]);
  const none = (await checkFlowObject({ connectors: { s: { type: 'ws_server', codec: 'json', extensions: ['rooms'], config: { url: 'ws://127.0.0.1:0' } } } }, { file: '/tmp/f.json5' })).problems.map(formatProblem);
  assert.equal(none, ['/tmp/f.json5:7:9: connectors.s.extensions[0]: unknown server extension "rooms"; this flow knows none (a package provides them: name it in use)']);
});

test.run();
