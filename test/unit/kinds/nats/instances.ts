import { suite, type Test } from 'uvu';
import { startCli, type RunningCli } from '../../../support/cli.js';
import type WebSocket from 'ws';
import { TestClient } from '../../../support/ws.js';
import type { NatsServer } from './nats-server.js';

export interface Ctx {
  nats?: NatsServer;
  instances: RunningCli[];
  clients: TestClient[];
}

/** A suite whose tests start tremolo instances, clients and a nats-server, all stopped after each. */
export function instancesSuite(name: string): Test<Ctx> {
  const test = suite<Ctx>(name, { instances: [], clients: [] });
  test.after.each(async (ctx) => {
    await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
    for (const i of ctx.instances.splice(0)) {
      i.process.kill('SIGTERM');
      await i.done;
    }
    await ctx.nats?.stop();
  });
  return test;
}

/**
 * `tremolo run FLOW --arg nats=...` (no nats arg when `nats` is undefined) on a free port (the args
 * `free` say how: `url=ws://127.0.0.1:0` by default); resolves
 * with its URL once it listens and, with a bus, once both bus connectors are up.
 */
export async function instance(ctx: Ctx, flow: string, nats: string | undefined, free: readonly string[] = ['url=ws://127.0.0.1:0']): Promise<string> {
  const args = ['run', flow, ...free.flatMap((a) => ['--arg', a]), ...(nats === undefined ? [] : ['--arg', `nats=${nats}`])];
  const cli = startCli(args, { timeoutMs: 180_000 });
  ctx.instances.push(cli);
  const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 120_000);
  if (nats !== undefined) {
    await cli.waitForLog(/bus_in\] connected/, 120_000);
    await cli.waitForLog(/bus_out\] connected/, 120_000);
  }
  return url!;
}

/** A client of `url`, closed after the test. */
export async function join(ctx: Ctx, url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
  const c = await TestClient.open(url, options);
  ctx.clients.push(c);
  return c;
}
