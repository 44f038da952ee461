import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli, type RunningCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';
import { NatsServer } from './nats-server.js';
import { until } from '../../../support/sockets.js';
import { ready } from './workers-support.js';

const tmp = tmpDir();
const test = suite<{ cli?: RunningCli; clients: TestClient[] }>('tremolo run --workers: one run, one room', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  if (ctx.cli !== undefined && ctx.cli.process.exitCode === null) ctx.cli.process.kill('SIGKILL');
  await ctx.cli?.done;
});
test.after(() => tmp.cleanup());

test('an exit connector in one worker ends the run: every worker stops and the code is the one asked for', async (ctx) => {
  const ending = tmp.write(
    'ending.json5',
    `{
  connectors: { server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } }, bye: { type: 'exit' } },
  pipelines: { code: { operators: [{ op: 'map', config: { event: '{"exit": 3}' } }] } },
  links: [['server', 'code'], ['code', 'bye']],
}`,
  );
  const cli = (ctx.cli = startCli(['run', ending, '--workers', '2'], { timeoutMs: 180_000 }));
  await until(() => ready(cli).length === 2, () => `two workers ready:\n${cli.stderr()}`, 120_000);
  const [, port] = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(cli.stderr())!;
  const c = await TestClient.open(`ws://127.0.0.1:${port}`, {}, 5000);
  ctx.clients.push(c);
  c.send('stop');
  const result = await cli.done;
  assert.is(result.code, 3, result.stderr);
  assert.match(result.stderr, /an exit connector asked for code 3; stopping every worker/);
  assert.not.match(result.stderr, /died/);
});

test('the chat with --workers 2 and nats is one room: connections spread over both workers each get every other message once', async (ctx) => {
  const nats = await NatsServer.start();
  try {
    const cli = (ctx.cli = startCli(['run', 'flows/chat.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', `nats=${nats.url}`, '--workers', '2'], { timeoutMs: 180_000 }));
    await until(() => ready(cli).length === 2 && (cli.stderr().match(/bus_in\] connected/g) ?? []).length === 2, () => `two workers ready and subscribed:\n${cli.stderr()}`, 120_000);
    const [, port] = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(cli.stderr())!;
    // The primary hands connections to the workers in turn: two each.
    const clients: TestClient[] = [];
    for (let i = 0; i < 4; i++) clients.push(await TestClient.open(`ws://127.0.0.1:${port}`, {}, 5000));
    ctx.clients.push(...clients);
    await sleep(100);
    clients.forEach((c, i) => c.send(`from ${i}`));
    for (const c of clients) await c.waitFor(3, 10_000);
    await sleep(300);
    clients.forEach((c, i) => {
      assert.equal(c.messages.map((m) => m.data).sort(), [0, 1, 2, 3].filter((j) => j !== i).map((j) => `from ${j}`), `client ${i}`);
    });
  } finally {
    await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
    ctx.cli?.process.kill('SIGTERM');
    await ctx.cli?.done;
    await nats.stop();
  }
});

test.run();
