import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'uvu/assert';
import { instance as startInstance, instancesSuite, join, type Ctx } from './instances.js';
import { NatsServer } from './nats-server.js';

const test = instancesSuite('chat across instances through NATS');

const instance = (ctx: Ctx, nats: string | undefined): Promise<string> => startInstance(ctx, 'flows/chat.json5', nats);

test('a message from a client on one instance reaches every client of the other instances exactly once, and never its sender', async (ctx) => {
  ctx.nats = await NatsServer.start();
  const [a, b, c] = await Promise.all([instance(ctx, ctx.nats.url), instance(ctx, ctx.nats.url), instance(ctx, ctx.nats.url)]);
  const a1 = await join(ctx, a!);
  const a2 = await join(ctx, a!);
  const b1 = await join(ctx, b!);
  const c1 = await join(ctx, c!);
  const everyone = [a1, a2, b1, c1];

  a1.send('hello from a1');
  for (const other of [a2, b1, c1]) assert.equal(await other.waitFor(1, 5000), ['hello from a1']);

  // Then everyone talks at once: 25 messages each.
  for (let i = 0; i < 25; i++) everyone.forEach((client, who) => client.send(`m ${who} ${i}`));
  for (const client of everyone) await client.waitFor(client === a1 ? 75 : 76, 10_000);
  await sleep(300);
  everyone.forEach((client, who) => {
    const got = client.messages.map((m) => m.data).filter((t) => t.startsWith('m '));
    const expected = everyone.flatMap((_, from) => (from === who ? [] : Array.from({ length: 25 }, (_, i) => `m ${from} ${i}`)));
    assert.equal([...got].sort(), [...expected].sort(), `client ${who}: each other client's message once, none of its own`);
    // Order is kept per sender.
    for (let from = 0; from < everyone.length; from++) {
      const seq = got.filter((t) => t.startsWith(`m ${from} `));
      assert.equal(seq, [...seq].sort((x, y) => Number(x.split(' ')[2]) - Number(y.split(' ')[2])), `client ${who}: messages of ${from} in order`);
    }
  });
  assert.equal(a1.messages.length, 75);
});

test.run();
