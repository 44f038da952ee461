import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli, type RunningCli } from '../../../support/cli.js';
import { TestClient } from '../../../support/ws.js';
import { freePort } from '../../../support/ports.js';
import { NatsServer } from './nats-server.js';

interface Ctx {
  nats?: NatsServer;
  instances: RunningCli[];
  clients: TestClient[];
}
const test = suite<Ctx>('chat: an instance started before the bus', { instances: [], clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  for (const i of ctx.instances.splice(0)) {
    i.process.kill('SIGTERM');
    await i.done;
  }
  await ctx.nats?.stop();
});

test('an instance started while nats-server is down keeps serving its own room, and joins the others once the bus is up', async (ctx) => {
  const port = await freePort();
  const nats = `nats://127.0.0.1:${port}`;
  const early = startCli(['run', 'flows/chat.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', `nats=${nats}`], { timeoutMs: 180_000 });
  ctx.instances.push(early);
  const [, a] = await early.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 120_000);
  await early.waitForLog(/bus_in\] connect attempt 2 failed/, 120_000);
  const a1 = await TestClient.open(a!);
  const a2 = await TestClient.open(a!);
  ctx.clients.push(a1, a2);
  a1.send('alone');
  assert.equal(await a2.waitFor(1, 5000), ['alone']);

  ctx.nats = await NatsServer.start([], port);
  await early.waitForLog(/bus_in\] connected/, 120_000);
  await early.waitForLog(/bus_out\] connected/, 120_000);
  const late = startCli(['run', 'flows/chat.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', `nats=${nats}`], { timeoutMs: 180_000 });
  ctx.instances.push(late);
  const [, b] = await late.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 120_000);
  await late.waitForLog(/bus_in\] connected/, 120_000);
  const b1 = await TestClient.open(b!);
  ctx.clients.push(b1);
  a1.send('together');
  assert.equal(await b1.waitFor(1, 5000), ['together']);
  b1.send('hello a');
  assert.equal(await a1.waitFor(1, 5000), ['hello a']);
  assert.equal(await a2.waitFor(3, 5000), ['alone', 'together', 'hello a']);
});

test.run();
