import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli, type RunningCli } from '../../support/cli.js';
import { TestClient } from '../../support/ws.js';
import { basic } from '../ditto/ditto-session.js';
import { NatsServer } from './nats-server.js';

interface Ctx {
  nats?: NatsServer;
  instances: RunningCli[];
  clients: TestClient[];
}
const test = suite<Ctx>('Ditto across instances through NATS', { instances: [], clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  for (const i of ctx.instances.splice(0)) {
    i.process.kill('SIGTERM');
    await i.done;
  }
  await ctx.nats?.stop();
});

/** `tremolo run flows/ditto.json5 --arg nats=...` on a free port; its URL once both bus connectors are up. */
async function instance(ctx: Ctx, nats: string): Promise<string> {
  const cli = startCli(['run', 'flows/ditto.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', `nats=${nats}`], { timeoutMs: 60_000 });
  ctx.instances.push(cli);
  const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 45_000);
  await cli.waitForLog(/bus_in\] connected/, 45_000);
  await cli.waitForLog(/bus_out\] connected/, 45_000);
  return url!;
}

const session = async (ctx: Ctx, url: string): Promise<TestClient> => {
  const c = await TestClient.open(`${url}/ws/2`, { headers: { authorization: basic('ditto', 'ditto') } });
  ctx.clients.push(c);
  return c;
};
const command = (thing: string, action: string, path: string, value: unknown, correlation: string): string =>
  JSON.stringify({ topic: `${thing.replace(':', '/')}/things/twin/commands/${action}`, headers: { 'correlation-id': correlation }, path, value });

test('a twin event made on one instance reaches the subscribers of another, with their namespace and filter applied, and none twice', async (ctx) => {
  ctx.nats = await NatsServer.start();
  const [a, b] = await Promise.all([instance(ctx, ctx.nats.url), instance(ctx, ctx.nats.url)]);
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
