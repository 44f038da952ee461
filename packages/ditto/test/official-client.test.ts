import { DittoNodeClient, NodeWebSocketBasicAuth, Thing, type DittoWebSocketLiveClient, type DittoWebSocketTwinClient } from '@eclipse-ditto/ditto-javascript-client-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestFlow } from '../../../src/app/testing/index.js';
import { startDitto } from './ditto-session.js';

// The client's close() rejects a promise nobody handles ("Reconnect disabled"): that one is expected.
process.on('unhandledRejection', (why) => {
  if (why !== 'Reconnect disabled') throw why;
});

const test = suite<{ flow?: TestFlow; clients: { close(): void }[] }>('ditto: the official JavaScript client', { clients: [] });
test.before(async (ctx) => {
  ctx.flow = await startDitto();
});
test.after.each((ctx) => {
  for (const c of ctx.clients) c.close();
  ctx.clients = [];
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
});

type Ctx = { flow?: TestFlow; clients: { close(): void }[] };

const builder = (ctx: Ctx) =>
  DittoNodeClient.newWebSocketClient()
    .withoutTls()
    .withDomain(new URL(ctx.flow!.address('ws')).host)
    .withAuthProvider(NodeWebSocketBasicAuth.newInstance('ditto', 'ditto'))
    // Requests wait in the client's buffer until its connection is open.
    .withBuffer(100);

function client(ctx: Ctx): DittoWebSocketTwinClient {
  const c = builder(ctx).twinChannel().build();
  ctx.clients.push(c);
  return c;
}

function liveClient(ctx: Ctx): DittoWebSocketLiveClient {
  const c = builder(ctx).liveChannel().build();
  ctx.clients.push(c);
  return c;
}

/** Rejects after `ms`: every wait of these tests is bounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

interface Seen {
  action: string;
  topic: string;
  path: string;
  value: unknown;
}

test('the client creates, modifies, retrieves and deletes a thing; a second session subscribed with requestEvents() gets the events of those changes', async (ctx) => {
  const first = client(ctx);
  const second = client(ctx);
  const events: Seen[] = [];
  let wake: () => void = () => {};
  const thingId = 'org.eclipse.ditto:fancy-car-1';
  const handle = second.getEventsHandle();
  await within(handle.requestEvents(), 3000, 'START-SEND-EVENTS:ACK');
  handle.subscribeToThing(
    thingId,
    (m) => {
      events.push({ action: m.action, topic: m.topic, path: m.path, value: m.value });
      wake();
    },
    undefined,
    true,
  );
  const until = (n: number) =>
    within(
      new Promise<void>((resolve) => {
        wake = () => {
          if (events.length >= n) resolve();
        };
        wake();
      }),
      3000,
      `${n} events`,
    );

  const things = first.getThingsHandle();
  const created = await within(things.createThing(new Thing(thingId, undefined, { counter: 1, location: 'kitchen' })), 3000, 'create');
  assert.is(created.status, 201);
  assert.is((created.body as Thing).thingId, thingId);
  const modified = await within(things.putAttribute(thingId, 'counter', 2), 3000, 'modify');
  assert.is(modified.status, 204);
  const thing = await within(things.getThing(thingId), 3000, 'retrieve');
  assert.equal([thing.thingId, thing.attributes], [thingId, { counter: 2, location: 'kitchen' }]);
  assert.is(await within(things.getAttribute(thingId, 'counter'), 3000, 'retrieve attribute'), 2);
  const deleted = await within(things.deleteThing(thingId), 3000, 'delete');
  assert.is(deleted.status, 204);
  const missing = await within(things.getThing(thingId).then(() => 'found', (e: { status: number; error: string }) => `${e.status} ${e.error}`), 3000, 'retrieve after delete');
  assert.is(missing, '404 things:thing.notfound');

  await until(3);
  assert.equal(events, [
    { action: 'created', topic: 'org.eclipse.ditto/fancy-car-1/things/twin/events/created', path: '/', value: { thingId, policyId: thingId, attributes: { counter: 1, location: 'kitchen' } } },
    { action: 'modified', topic: 'org.eclipse.ditto/fancy-car-1/things/twin/events/modified', path: '/attributes/counter', value: 2 },
    { action: 'deleted', topic: 'org.eclipse.ditto/fancy-car-1/things/twin/events/deleted', path: '/', value: undefined },
  ]);
});

test('each session gets its own responses: the first session never sees the second one’s', async (ctx) => {
  const first = client(ctx);
  const second = client(ctx);
  // The client reports a message it cannot match to one of its requests or subscriptions on console.error.
  const unmatched: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => unmatched.push(args);
  try {
    const thingId = 'org.eclipse.ditto:own-1';
    await within(second.getThingsHandle().createThing(new Thing(thingId, undefined, { n: 1 })), 3000, 'create');
    const mine = await within(first.getThingsHandle().getAttribute(thingId, 'n'), 3000, 'first session’s retrieve');
    const theirs = await within(second.getThingsHandle().getAttribute(thingId, 'n'), 3000, 'second session’s retrieve');
    assert.equal([mine, theirs], [1, 1]);
    // One more round trip of each: anything sent to the wrong session has arrived by now.
    await within(Promise.all([first.getThingsHandle().getThing(thingId), second.getThingsHandle().getThing(thingId)]), 3000, 'round trips');
  } finally {
    console.error = original;
  }
  assert.equal(unmatched, []);
});

test('a live message from one client reaches the other client, subscribed with requestMessages()', async (ctx) => {
  const sender = liveClient(ctx);
  const receiver = liveClient(ctx);
  const handle = receiver.getMessagesHandle();
  await within(handle.requestMessages(), 3000, 'START-SEND-MESSAGES:ACK');
  const received = within(new Promise<Seen>((resolve) => handle.subscribeToAllMessages((m) => resolve({ action: m.action, topic: m.topic, path: m.path, value: m.value }))), 3000, 'the message');
  await within(sender.getMessagesHandle().messageToThingWithoutResponse('org.eclipse.ditto:lamp-1', 'switch', 'on', 'text/plain'), 3000, 'sending');
  assert.equal(await received, { action: 'switch', topic: 'org.eclipse.ditto/lamp-1/things/live/messages/switch', path: '/inbox/messages/switch', value: 'on' });
});

test.run();
