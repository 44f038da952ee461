import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { serverEchoFlow } from '../../../support/socket-flows.js';
import { TestSocket, until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';

// Stream-socket servers against a peer that opens connections without end (issue 20): the excess
// is closed at once, the log says so, and the connections already open are served throughout.
const tmp = tmpDir();
const test = suite<{ flow?: TestFlow; clients: TestSocket[]; log?: ReturnType<typeof memoryLogger> }>('socket servers: connection limits', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  await ctx.flow?.stop();
  ctx.flow = undefined;
});
test.after(() => tmp.cleanup());

const start = async (ctx: { flow?: TestFlow; log?: ReturnType<typeof memoryLogger> }, kind: string, config: Record<string, unknown>): Promise<string> => {
  ctx.log = memoryLogger('info');
  ctx.flow = await startFlow(serverEchoFlow(kind, config), { log: ctx.log });
  return ctx.flow.address('server');
};
const open = async (ctx: { clients: TestSocket[] }, address: string): Promise<TestSocket> => {
  const c = await TestSocket.connect(address);
  ctx.clients.push(c);
  return c;
};
const echoes = async (c: TestSocket, n: number): Promise<void> => {
  c.send(`{"n":${n}}\n`);
  const lines = await c.waitLines(c.lines.length + 1);
  assert.is(lines[lines.length - 1], `{"n":${n}}`);
};

for (const [kind, config] of [
  ['tcp_server', { url: '127.0.0.1:0' }],
  ['unix_socket_server', { path: path.join(tmp.dir, 'limit.sock') }],
] as const) {
  test(`${kind}: a connection over max_connections is closed at once and logged; the open ones are served, and a place freed is taken again`, async (ctx) => {
    const address = await start(ctx, kind, { ...config, max_connections: 2 });
    const [a, b] = [await open(ctx, address), await open(ctx, address)];
    await echoes(a, 1);
    await echoes(b, 2);
    const extra = await open(ctx, address);
    await extra.waitClosed();
    assert.is(extra.bytes.length, 0);
    await until(() => ctx.log!.lines.some((l) => l.includes('max_connections (2) reached: 1 connection(s) closed at once so far')), () => ctx.log!.lines.join('\n'));
    await echoes(a, 3);
    await a.close();
    await until(() => (ctx.flow!.flow.status().connectors[0]!.connections as number) === 1, () => 'the server to see the close');
    const again = await open(ctx, address);
    await echoes(again, 4);
  });
}

test('tcp_server: a connection over max_connections_per_ip is closed at once, naming the address', async (ctx) => {
  const address = await start(ctx, 'tcp_server', { url: '127.0.0.1:0', max_connections_per_ip: 1 });
  const first = await open(ctx, address);
  const second = await open(ctx, address);
  await second.waitClosed();
  assert.ok(ctx.log!.lines.some((l) => /closed at once: max_connections_per_ip \(1\) reached for 127\.0\.0\.1/.test(l)), ctx.log!.lines.join('\n'));
  await echoes(first, 1);
  await first.close();
  await until(() => (ctx.flow!.flow.status().connectors[0]!.connections as number) === 0, () => 'the server to see the close');
  await echoes(await open(ctx, address), 2);
});

test.run();
