import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli, type RunningCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';
import { until } from '../../../support/sockets.js';
import { ask, ready } from './workers-support.js';

const tmp = tmpDir();
// Each reply names the worker that served it.
const flow = tmp.write(
  'who.json5',
  `{
  args: { url: 'ws://127.0.0.1:0' },
  connectors: { server: { type: 'ws_server', codec: 'string', config: { url: '\${args.url}' } } },
  pipelines: { who: { operators: [{ op: 'map', config: { event: '"worker \${env:TREMOLO_WORKER:-none}"' } }] } },
  links: [['server', 'who'], ['who', 'server']],
}`,
);

const test = suite<{ cli?: RunningCli; clients: TestClient[] }>('tremolo run --workers', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  if (ctx.cli !== undefined && ctx.cli.process.exitCode === null) ctx.cli.process.kill('SIGKILL');
  await ctx.cli?.done;
});
test.after(() => tmp.cleanup());

test('two workers serve one port; a worker killed is restarted; SIGTERM stops both gracefully and exits 0', async (ctx) => {
  const cli = (ctx.cli = startCli(['run', flow, '--workers', '2'], { timeoutMs: 180_000 }));
  await until(() => ready(cli).length === 2, () => `two workers ready:\n${cli.stderr()}`, 120_000);
  const ports = [...cli.stderr().matchAll(/listening on ws:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
  assert.is(ports.length, 2, 'each worker binds');
  assert.is(ports[0], ports[1], 'port 0 is one port shared by the workers');
  const url = `ws://127.0.0.1:${ports[0]}`;

  const answers = new Set<string>();
  for (let i = 0; i < 6 && answers.size < 2; i++) answers.add(await ask(ctx, url));
  assert.equal([...answers].sort(), ['worker 1', 'worker 2']);

  const [, victim] = ready(cli).find(([n]) => n === 1)!;
  process.kill(victim, 'SIGKILL');
  await until(() => /worker 1 \(pid \d+\) died \(signal SIGKILL\) after \d+ ms; restarting in 100 ms/.test(cli.stderr()), () => 'the death to be logged', 10_000);
  // Meanwhile the other worker serves.
  assert.is(await ask(ctx, url), 'worker 2');
  await until(() => ready(cli).length === 3, () => `worker 1 to be back:\n${cli.stderr()}`, 120_000);
  const [n, pid] = ready(cli)[2]!;
  assert.is(n, 1);
  assert.is.not(pid, victim);

  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  cli.process.kill('SIGTERM');
  const result = await cli.done;
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stderr, /SIGTERM: stopping 2 workers/);
  assert.match(result.stderr, /worker 1 \(pid \d+\) stopped \(code 0\)/);
  assert.match(result.stderr, /worker 2 \(pid \d+\) stopped \(code 0\)/);
});

test('a flow with problems is reported once and no worker starts', async (ctx) => {
  const bad = tmp.write('bad.json5', `{ connectors: { a: { type: 'ws_server', codec: 'yson', config: { url: 'ws://127.0.0.1:0' } } } }`);
  const cli = (ctx.cli = startCli(['run', bad, '--workers', '2'], { timeoutMs: 60_000 }));
  const result = await cli.done;
  assert.is(result.code, 1);
  assert.is(result.stderr.split('unknown codec "yson"').length - 1, 1, result.stderr);
  assert.not.match(result.stderr, /starting 2 workers/);
});

test('--workers takes a whole number or auto', async (ctx) => {
  const cli = (ctx.cli = startCli(['run', flow, '--workers', '0'], { timeoutMs: 60_000 }));
  const result = await cli.done;
  assert.is(result.code, 2);
  assert.match(result.stderr, '--workers expects a whole number of at least 1 or "auto", received "0"');
});

test.run();
