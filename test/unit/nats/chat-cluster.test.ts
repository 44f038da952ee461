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
const test = suite<Ctx>('chat across instances through NATS', { instances: [], clients: [] });
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
