import type { RunningCli } from '../../../support/cli.js';
import { TestClient } from '../../../support/ws.js';

/** What the --workers tests share: a client that asks once, the primary's "ready" lines, a bounded wait. */
export const ask = async (ctx: { clients: TestClient[] }, url: string): Promise<string> => {
  const c = await TestClient.open(url, {}, 5000);
  ctx.clients.push(c);
  c.send('who?');
  const [answer] = await c.waitFor(1, 5000);
  return answer!;
};

/** Every `worker N (pid P) ready` line so far, as [N, P]. */
export const ready = (cli: RunningCli): [number, number][] => [...cli.stderr().matchAll(/worker (\d+) \(pid (\d+)\) ready/g)].map((m) => [Number(m[1]), Number(m[2])]);


