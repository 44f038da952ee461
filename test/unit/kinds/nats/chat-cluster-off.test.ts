import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'uvu/assert';
import { instance as startInstance, instancesSuite, join, type Ctx } from './instances.js';
import { NatsServer } from './nats-server.js';

const test = instancesSuite('chat without the nats arg');

const instance = (ctx: Ctx, nats: string | undefined): Promise<string> => startInstance(ctx, 'flows/chat.json5', nats);

test('without the nats arg an instance is a room of its own, as before', async (ctx) => {
  ctx.nats = await NatsServer.start();
  const [a, b] = await Promise.all([instance(ctx, undefined), instance(ctx, ctx.nats.url)]);
  const a1 = await join(ctx, a!);
  const a2 = await join(ctx, a!);
  const b1 = await join(ctx, b!);
  a1.send('only here');
  assert.equal(await a2.waitFor(1, 5000), ['only here']);
  await sleep(200);
  assert.is(b1.messages.length, 0);
  assert.is(a1.messages.length, 0);
});

test.run();
