import * as assert from 'uvu/assert';
import { WireClient } from '../../../support/thingsdb-wire.js';
import { instance, instancesSuite } from './instances.js';
import { NatsServer } from './nats-server.js';

const test = instancesSuite('ThingsDB endpoint rooms across instances through NATS');
const endpoint = (ctx: Parameters<typeof instance>[0], nats: string): Promise<string> => instance(ctx, 'flows/thingsdb-endpoint.json5', nats, ['port=0', 'create_rooms=true']);

/** A ThingsDB client of `url`, logged in as admin. */
async function client(url: string): Promise<WireClient> {
  const c = await WireClient.open(url);
  assert.equal(await c.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });
  return c;
}

/** Joins the room named `name` (made on first join: create_rooms) and returns its id on that instance. */
async function join(c: WireClient, name: string): Promise<number> {
  const answer = await c.ask(2, 38, ['//stuff', name]);
  const id = (answer.value as number[])[0]!;
  assert.equal(await c.next(), { id: 0xffff, type: 6, value: { scope: '@collection:stuff', id } });
  return id;
}

test('an EMIT on one instance reaches the connections of another in the room of the same name, once, with that instance’s room id', async (ctx) => {
  ctx.nats = await NatsServer.start();
  const [a, b] = await Promise.all([endpoint(ctx, ctx.nats.url), endpoint(ctx, ctx.nats.url)]);
  const [sender, here, there, elsewhere] = await Promise.all([client(a), client(a), client(b), client(b)]);
  try {
    // Different ids for the same name: b made a room of its own first.
    await join(elsewhere, 'kitchen');
    const idA = await join(sender, 'lobby');
    await join(here, 'lobby');
    const idB = await join(there, 'lobby');
    assert.is.not(idA, idB);

    assert.equal(await sender.ask(4, 41, ['//stuff', idA, 'hello', 1, 'two']), { id: 4, type: 17, value: undefined });
    assert.equal(await here.next(), { id: 0xffff, type: 8, value: { scope: '@collection:stuff', id: idA, event: 'hello', args: [1, 'two'] } });
    assert.equal(await there.next(5000), { id: 0xffff, type: 8, value: { scope: '@collection:stuff', id: idB, event: 'hello', args: [1, 'two'] } });
    // Nothing else: the sender (EMIT_PEER) and the connection outside the room hear nothing, and no
    // instance hears its own event back from the bus.
    for (const c of [sender, here, there, elsewhere]) assert.equal(await c.ask(9, 32), { id: 9, type: 16, value: undefined });
  } finally {
    await Promise.all([sender, here, there, elsewhere].map((c) => c.close()));
  }
});

test('a room.emit() in a query on one instance reaches the room of the same name on another, its values packed as the node packs them', async (ctx) => {
  ctx.nats = await NatsServer.start();
  const [a, b] = await Promise.all([endpoint(ctx, ctx.nats.url), endpoint(ctx, ctx.nats.url)]);
  const [sender, there] = await Promise.all([client(a), client(b)]);
  try {
    const idA = await join(sender, 'lobby');
    const idB = await join(there, 'lobby');
    assert.equal(await sender.ask(3, 34, ['//stuff', '.t = {x: 1}; room("lobby").emit("news", .t, 2.5); 1;']), { id: 0xffff, type: 8, value: { scope: '@collection:stuff', id: idA, event: 'news', args: [{ '#': 3, x: 1 }, 2.5] } });
    assert.equal(await sender.next(), { id: 3, type: 18, value: 1 });
    assert.equal(await there.next(5000), { id: 0xffff, type: 8, value: { scope: '@collection:stuff', id: idB, event: 'news', args: [{ '#': 3, x: 1 }, 2.5] } });
  } finally {
    await Promise.all([sender, there].map((c) => c.close()));
  }
});

test.run();
