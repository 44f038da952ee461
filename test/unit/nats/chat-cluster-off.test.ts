import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli, type RunningCli } from '../../support/cli.js';
import { TestClient } from '../../support/ws.js';
import { NatsServer } from './nats-server.js';

interface Ctx {
  nats?: NatsServer;
  instances: RunningCli[];
  clients: TestClient[];
}
const test = suite<Ctx>('chat without the nats arg', { instances: [], clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  for (const i of ctx.instances.splice(0)) {
    i.process.kill('SIGTERM');
    await i.done;
  }
  await ctx.nats?.stop();
});

/** `tremolo run flows/chat.json5 --arg nats=...` on a free port; resolves with its URL once both bus connectors are up. */
async function instance(ctx: Ctx, nats: string | undefined): Promise<string> {
  const args = ['run', 'flows/chat.json5', '--arg', 'url=ws://127.0.0.1:0', ...(nats === undefined ? [] : ['--arg', `nats=${nats}`])];
  const cli = startCli(args, { timeoutMs: 60_000 });
  ctx.instances.push(cli);
  const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 45_000);
  if (nats !== undefined) {
    await cli.waitForLog(/bus_in\] connected/, 45_000);
    await cli.waitForLog(/bus_out\] connected/, 45_000);
  }
  return url!;
}

const join = async (ctx: Ctx, url: string): Promise<TestClient> => {
  const c = await TestClient.open(url);
  ctx.clients.push(c);
  return c;
};

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
