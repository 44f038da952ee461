import * as assert from 'uvu/assert';
import type { TestClient } from '../../../test/support/ws.js';
import { basic } from './ditto-session.js';
import { instance, instancesSuite, join, type Ctx } from '../../../test/unit/kinds/nats/instances.js';
import { NatsServer } from '../../../test/unit/kinds/nats/nats-server.js';

const test = instancesSuite('Ditto across instances through NATS');

const session = (ctx: Ctx, url: string) => join(ctx, `${url}/ws/2`, { headers: { authorization: basic('ditto', 'ditto') } });
const command = (thing: string, action: string, path: string, value: unknown, correlation: string): string =>
  JSON.stringify({ topic: `${thing.replace(':', '/')}/things/twin/commands/${action}`, headers: { 'correlation-id': correlation }, path, value });

test('a twin event made on one instance reaches the subscribers of another, with their namespace and filter applied, and none twice', async (ctx) => {
  ctx.nats = await NatsServer.start();
  const [a, b] = await Promise.all([instance(ctx, 'flows/ditto.json5', ctx.nats.url), instance(ctx, 'flows/ditto.json5', ctx.nats.url)]);
  const maker = await session(ctx, a);
  const local = await session(ctx, a);
  const filtered = await session(ctx, b);
  const everything = await session(ctx, b);
  local.send('START-SEND-EVENTS');
  filtered.send(`START-SEND-EVENTS?namespaces=org.a&filter=${encodeURIComponent('gt(attributes/counter,42)')}`);
  everything.send('START-SEND-EVENTS');
  for (const s of [local, filtered, everything]) assert.equal(await s.waitFor(1, 5000), ['START-SEND-EVENTS:ACK']);

  maker.send(command('org.b:x', 'create', '/', { attributes: { counter: 50 } }, 'c1'));
  maker.send(command('org.a:y', 'create', '/', { attributes: { counter: 10 } }, 'c2'));
  maker.send(command('org.a:z', 'create', '/', { attributes: { counter: 99 } }, 'c3'));
  const answers = (await maker.waitFor(3, 5000)).map((m) => JSON.parse(m) as { status: number });
  assert.equal(answers.map((r) => r.status), [201, 201, 201]);

  const topics = async (s: TestClient, n: number): Promise<string[]> => (await s.waitFor(1 + n, 5000)).slice(1).map((m) => (JSON.parse(m) as { topic: string }).topic);
  const created = (thing: string): string => `${thing.replace(':', '/')}/things/twin/events/created`;
  assert.equal(await topics(local, 3), [created('org.b:x'), created('org.a:y'), created('org.a:z')]);
  assert.equal(await topics(everything, 3), [created('org.b:x'), created('org.a:y'), created('org.a:z')]);
  assert.equal(await topics(filtered, 1), [created('org.a:z')]);
  // Nothing more arrives: no event twice (the bus does not echo back to its publisher), none to the maker.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal([local.messages.length, everything.messages.length, filtered.messages.length, maker.messages.length], [4, 4, 2, 3]);
});

test.run();
