import { readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { freePort } from '../../../support/ports.js';
import { tmpDir } from '../../../support/tmp.js';
import { PeerServer } from '../../../support/ws-server.js';
import { until } from '../../../support/sockets.js';

const tmp = tmpDir('tremolo-persist-');
const test = suite<{ flow?: TestFlow; peer?: PeerServer }>('ws_client queue.persist', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});
test.after(() => tmp.cleanup());

const clientFlow = (port: number, dir: string, queue: Record<string, unknown> = {}) => ({
  connectors: {
    client: {
      type: 'ws_client',
      codec: 'json',
      config: { url: `ws://127.0.0.1:${port}`, ping_interval_ms: 0 },
      reconnect: { retry: { interval_ms: 20, max_interval_ms: 50, randomized: false } },
      queue: { persist: dir, ...queue },
    },
  },
});

const queued = (flow: TestFlow): number => flow.flow.status().connectors.find((c) => c.alias === 'client')!.queued as number;


test('what a disconnected client holds survives a restart of tremolo and goes first, in order, once', async (ctx) => {
  const port = await freePort();
  const dir = path.join(tmp.dir, 'restart');
  ctx.flow = await startFlow(clientFlow(port, dir));
  for (let n = 1; n <= 5; n++) ctx.flow.send('client', 'in', { n });
  await until(() => queued(ctx.flow!) === 5, () => '5 queued', 5000);
  await ctx.flow.stop();
  ctx.flow = undefined;
  assert.ok(readdirSync(dir).some((f) => f.endsWith('.wal')), 'a segment file is left for the next run');

  // The next run: the server is back; what the last run held goes first, then what comes now.
  ctx.peer = await PeerServer.start(port);
  ctx.flow = await startFlow(clientFlow(port, dir));
  await ctx.flow.waitConnected('client');
  ctx.flow.send('client', 'in', { n: 6 });
  assert.equal((await ctx.peer.waitReceived(6)).map((m) => JSON.parse(m).n), [1, 2, 3, 4, 5, 6]);
  await until(() => queued(ctx.flow!) === 0, () => 'the queue emptied', 5000);
  await sleep(120); // the acknowledged mark is saved every 50 ms
  await ctx.flow.stop();
  ctx.flow = undefined;

  // A third run sends nothing again: every record was acknowledged.
  ctx.flow = await startFlow(clientFlow(port, dir));
  await ctx.flow.waitConnected('client');
  await sleep(200);
  assert.is(ctx.peer.received.length, 6);
});

test('the persisted queue keeps its bound: past max_events an event goes to err', async (ctx) => {
  const port = await freePort();
  ctx.flow = await startFlow(clientFlow(port, path.join(tmp.dir, 'bound'), { max_events: 2 }));
  for (let n = 1; n <= 3; n++) ctx.flow.send('client', 'in', { n });
  const err = await ctx.flow.next('client', 'err');
  assert.is((err.data as { code: string }).code, 'ERR_QUEUE_FULL');
  assert.equal((err.data as { event: unknown }).event, { n: 3 });
  assert.is(queued(ctx.flow), 2);
});

test('an event JSON cannot hold goes to err saying so, and the queue goes on', async (ctx) => {
  const port = await freePort();
  ctx.flow = await startFlow(clientFlow(port, path.join(tmp.dir, 'unstorable')));
  ctx.flow.send('client', 'in', { big: 10n ** 30n });
  ctx.flow.send('client', 'in', { n: 1 });
  const err = await ctx.flow.next('client', 'err');
  assert.is((err.data as { code: string }).code, 'ERR_WRITE_FAILED');
  assert.match((err.data as { error: string }).error, /^client: disconnected, and the event cannot be kept in .*unstorable: Do not know how to serialize a BigInt; event not sent$/);
  await until(() => queued(ctx.flow!) === 1, () => '1 queued', 5000);
});

test.run();
