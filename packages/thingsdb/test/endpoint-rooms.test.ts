import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { pkg, WireClient, type Received } from '../../../test/support/thingsdb-wire.js';

const test = suite<{ flow?: TestFlow; url?: string }>('thingsdb endpoint: rooms', {});
test.before(async (ctx) => {
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0, rooms: [{ scope: '//stuff', id: 17 }, { scope: '//stuff', id: 30, name: 'lobby' }], create_rooms: true } });
  ctx.url = ctx.flow.address('ws');
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
});

/** `n` connections, logged in; closed after `body`. */
async function withClients(ctx: { url?: string }, n: number, body: (...c: WireClient[]) => Promise<void>): Promise<void> {
  const clients = await Promise.all(Array.from({ length: n }, () => WireClient.open(ctx.url!)));
  try {
    for (const c of clients) assert.equal(await c.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });
    await body(...clients);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Joins `room` and returns its id, checking the answer and then the ON_ROOM_JOIN. */
async function join(c: WireClient, room: string | number): Promise<number> {
  const answer = await c.ask(2, 38, ['//stuff', room]);
  const id = (answer.value as number[])[0]!;
  assert.equal(answer, { id: 2, type: 18, value: [id] });
  assert.equal(await c.next(), { id: 0xffff, type: 6, value: { scope: SCOPE, id } });
  return id;
}

/** Nothing more came to `c` before the answer to a PING sent now. */
const SCOPE = '@collection:stuff';
const nothingElse = async (c: WireClient): Promise<void> => assert.equal(await c.ask(9, 32), { id: 9, type: 16, value: undefined });

test('with create_rooms, a room named in a JOIN is made the first time; joining it by name again, from another connection, gives the same id', (ctx) =>
  withClients(ctx, 2, async (a, b) => {
    const id = await join(a, 'parlour');
    assert.is(await join(b, 'parlour'), id);
    assert.is(await join(a, 'kitchen'), id + 1);
  }));

test('joining a room twice answers its id again and sends no second ON_ROOM_JOIN', (ctx) =>
  withClients(ctx, 1, async (a) => {
    await join(a, 17);
    const answer = await a.ask(3, 38, ['//stuff', 17, 'hall']);
    const hall = (answer.value as number[])[1]!;
    assert.equal(answer, { id: 3, type: 18, value: [17, hall] });
    assert.equal(await a.next(), { id: 0xffff, type: 6, value: { scope: SCOPE, id: hall } });
    await nothingElse(a);
  }));

test('EMIT reaches every connection in the room, the sender too, before the sender gets OK; others hear nothing', (ctx) =>
  withClients(ctx, 3, async (a, b, outside) => {
    const id = await join(a, 'emits');
    await join(b, 'emits');
    a.send(pkg(4, 40, ['//stuff', id, 'msg', 1, 'two']));
    const event = { id: 0xffff, type: 8, value: { scope: SCOPE, id, event: 'msg', args: [1, 'two'] } };
    assert.equal(await a.next(), event);
    assert.equal(await a.next(), { id: 4, type: 17, value: undefined });
    assert.equal(await b.next(), event);
    await nothingElse(outside);
  }));

test('EMIT_PEER reaches every connection in the room but the sender', (ctx) =>
  withClients(ctx, 2, async (a, b) => {
    const id = await join(a, 'peers');
    await join(b, 'peers');
    assert.equal(await a.ask(5, 41, ['//stuff', id, 'psst']), { id: 5, type: 17, value: undefined });
    assert.equal(await b.next(), { id: 0xffff, type: 8, value: { scope: SCOPE, id, event: 'psst', args: [] } });
    await nothingElse(a);
  }));

test('LEAVE sends ON_ROOM_LEAVE before its answer, and the room’s events no longer reach that connection', (ctx) =>
  withClients(ctx, 2, async (a, b) => {
    const id = await join(a, 'leaving');
    await join(b, 'leaving');
    b.send(pkg(6, 39, ['//stuff', 'leaving']));
    assert.equal(await b.next(), { id: 0xffff, type: 7, value: { scope: SCOPE, id } });
    assert.equal(await b.next(), { id: 6, type: 18, value: [id] });
    a.send(pkg(7, 40, ['//stuff', id, 'after']));
    assert.equal((await a.next()).type, 8);
    assert.equal(await a.next(), { id: 7, type: 17, value: undefined });
    await nothingElse(b);
  }));

test('leaving a room not joined answers its id and sends no ON_ROOM_LEAVE; a room that does not exist is nil, and no name is made', (ctx) =>
  withClients(ctx, 1, async (a) => {
    assert.equal(await a.ask(8, 39, ['//stuff', 17, 'nowhere', 999]), { id: 8, type: 18, value: [17, null, null] });
    assert.equal(await a.ask(8, 39, ['//stuff', 'nowhere']), { id: 8, type: 18, value: [null] });
  }));

test('an EMIT may name its room by name, as on the node', (ctx) =>
  withClients(ctx, 2, async (a, b) => {
    const id = await join(a, 'lobby');
    await join(b, 'lobby');
    assert.equal(id, 30);
    a.send(pkg(4, 40, ['//stuff', 'lobby', 'hi', 2.5]));
    const event = { id: 0xffff, type: 8, value: { scope: SCOPE, id, event: 'hi', args: [2.5] } };
    assert.equal(await a.next(), event);
    assert.equal(await a.next(), { id: 4, type: 17, value: undefined });
    assert.equal(await b.next(), event);
  }));

test('by default (create_rooms false), a JOIN by a name no room has answers nil in its place, as the node, and makes no room', async () => {
  const flow = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0, rooms: [{ scope: '//stuff', id: 17, name: 'lobby' }] } });
  const a = await WireClient.open(flow.address('ws'));
  try {
    assert.equal((await a.ask(1, 33, ['admin', 'pass'])).type, 17);
    assert.equal(await a.ask(2, 38, ['//stuff', 'nope', 'lobby', 99]), { id: 2, type: 18, value: [null, 17, null] });
    assert.equal(await a.next(), { id: 0xffff, type: 6, value: { scope: SCOPE, id: 17 } });
    assert.equal(await a.ask(3, 38, ['//stuff', 'nope']), { id: 3, type: 18, value: [null] });
    await nothingElse(a);
  } finally {
    await a.close();
    await flow.stop();
  }
});

const refusals: [string, [number, unknown[]], Received['value']][] = [
  ['an EMIT to a room that does not exist gets -54', [40, ['//stuff', 456, 'x']], { error_code: -54, error_msg: 'collection `stuff` has no `room` with id 456' }],
  ['an EMIT naming a room by a name no room has gets -54', [40, ['//stuff', 'hallway', 'x']], { error_code: -54, error_msg: 'collection `stuff` has no `room` with name `hallway`' }],
  ['an EMIT naming a room by a name that cannot be one gets -60', [40, ['//stuff', 'no such', 'x']], { error_code: -60, error_msg: 'room name must follow the naming rules; see https://docs.thingsdb.io/v1/overview/names' }],
  ['an EMIT naming its room by something but an id or a name gets -53', [40, ['//stuff', 1.5, 'x']], { error_code: -53, error_msg: 'emit request only accepts an integer room id or string room name; see https://docs.thingsdb.io/v1/listening' }],
  ['an EMIT without an event name gets -53', [41, ['//stuff', 17]], { error_code: -53, error_msg: 'invalid emit request' }],
  ['a JOIN of something but ids and names gets -53', [38, ['//stuff', 1.5]], { error_code: -53, error_msg: "join request only accepts integer room id's or string room names" }],
  ['a LEAVE of something but ids and names gets -53', [39, ['//stuff', [1]]], { error_code: -53, error_msg: "leave request only accepts integer room id's or string room names" }],
  ['a JOIN in the @thingsdb scope gets -53', [38, ['@thingsdb', 17]], { error_code: -53, error_msg: 'expecting a `collection` scope' }],
  ['a JOIN in a collection that does not exist gets -54', [38, ['//nope', 17]], { error_code: -54, error_msg: 'collection `nope` not found' }],
  ['a JOIN with a scope that is not one gets -60', [38, ['stuff', 17]], { error_code: -60, error_msg: 'invalid scope; scopes must start with a `@` or `/` but got `stuff` instead; see https://docs.thingsdb.io/v1/overview/scopes' }],
];
for (const [name, [type, request], expected] of refusals) {
  test(name, (ctx) => withClients(ctx, 1, async (a) => assert.equal(await a.ask(3, type, request), { id: 3, type: 19, value: expected })));
}

test.run();
