import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { freePort } from '../../../support/ports.js';
import { until } from '../../../support/sockets.js';
import { PeerServer } from '../../../support/ws-server.js';

const test = suite<{ flow?: TestFlow; peer?: PeerServer }>('ws_client', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});

const clientFlow = (url: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}) => ({
  connectors: {
    client: {
      type: 'ws_client',
      codec: 'json',
      config: { url, ...config },
      reconnect: { retry: { interval_ms: 100, growth_rate: 2, randomized: false, max_retries: 20 } },
      ...extra,
    },
  },
});

/** The waits between consecutive attempts, in ms. */
const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

/** Each measured wait is at least the policy's and late by no more than scheduling noise. */
function assertWaits(measured: number[], expected: number[]): void {
  assert.is(measured.length >= expected.length, true, `expected at least ${expected.length} waits, measured ${JSON.stringify(measured)}`);
  expected.forEach((want, i) => {
    const got = measured[i]!;
    assert.ok(got >= want - 5 && got <= want + 150, `wait ${i + 1}: expected ~${want} ms, measured ${got.toFixed(1)} ms (all: ${measured.map((m) => m.toFixed(0)).join(', ')})`);
  });
}

test('a server that starts late is reached after waits that grow by the policy', async (ctx) => {
  const port = await freePort();
  ctx.flow = await startFlow(clientFlow(`ws://127.0.0.1:${port}`));
  const host = ctx.flow.flow.connector('client');
  // Attempts at 0, 100, 300 fail; the server starts then, before the next, due 400 ms later
  // (waiting for the third attempt, not 500 ms: a loaded machine fires timers late).
  await until(() => host.attemptTimes.length >= 3, () => `3 attempts (have ${host.attemptTimes.length})`, 30_000);
  ctx.peer = await PeerServer.start(port);
  await ctx.flow.waitConnected('client', { timeout: 2000 });
  assert.is(host.attemptTimes.length, 4);
  assertWaits(gaps(host.attemptTimes), [100, 200, 400]);
});

test('after the server restarts the client reconnects at once, then backs off, and sends what waited', async (ctx) => {
  ctx.peer = await PeerServer.start();
  ctx.flow = await startFlow(clientFlow(ctx.peer.url));
  await ctx.flow.waitConnected('client');
  await sleep(120); // connected longer than interval_ms: a loss starts the policy over
  const host = ctx.flow.flow.connector('client');
  const before = host.attemptTimes.length;
  await ctx.peer.stop();
  // Attempts right away, +100, +200 (at ~300) fail; the next is due 400 ms after the third.
  await until(() => host.attemptTimes.length - before >= 3, () => `3 attempts after the restart (have ${host.attemptTimes.length - before})`, 30_000);
  ctx.flow.send('client', 'in', { while: 'down' });
  await ctx.peer.restart();
  await ctx.flow.waitConnected('client', { timeout: 2000 });
  const attempts = host.attemptTimes.slice(before);
  assert.is(attempts.length, 4);
  assertWaits(gaps(attempts), [100, 200, 400]);
  assert.equal(await ctx.peer.waitReceived(1), ['{"while":"down"}']);
});

test('a client that only receives notices the server closing and reconnects (Tremor only noticed on write)', async (ctx) => {
  ctx.peer = await PeerServer.start();
  ctx.flow = await startFlow(clientFlow(ctx.peer.url));
  await ctx.flow.waitConnected('client');
  await sleep(120);
  ctx.peer.connections[0]!.close(1000, 'bye');
  await sleep(50);
  await ctx.flow.waitConnected('client');
  assert.is(ctx.peer.connections.length, 2);
  ctx.peer.connections[1]!.send('{"hello":"again"}');
  const event = await ctx.flow.next('client', 'out');
  assert.equal(event.data, { hello: 'again' });
});

test('received frames carry meta.ws_client with tls and peer, and the binary flag', async (ctx) => {
  ctx.peer = await PeerServer.start();
  ctx.flow = await startFlow(clientFlow(ctx.peer.url, { codec: 'binary' }));
  await ctx.flow.waitConnected('client');
  ctx.peer.connections[0]!.send(Buffer.from([1, 2, 3]), { binary: true });
  const event = await ctx.flow.next('client', 'out');
  assert.equal(event.meta.ws_client, { tls: false, peer: { host: '127.0.0.1', port: ctx.peer.port }, binary: true });
  assert.equal([...(event.data as Buffer)], [1, 2, 3]);
});

test('handshake headers and subprotocols are sent', async (ctx) => {
  ctx.peer = await PeerServer.start(0, { handleProtocols: (protocols) => [...protocols][0] ?? false });
  ctx.flow = await startFlow(clientFlow(ctx.peer.url, {}, { headers: { Authorization: 'Bearer t0k3n' }, protocols: ['thingsdb-protocol'] }));
  await ctx.flow.waitConnected('client');
  assert.is(ctx.peer.headers[0]!.authorization, 'Bearer t0k3n');
  assert.is(ctx.peer.connections[0]!.protocol, 'thingsdb-protocol');
});

test('while disconnected events wait in a bounded queue; past the bound they go to err; the rest arrive in order', async (ctx) => {
  const port = await freePort();
  ctx.flow = await startFlow(clientFlow(`ws://127.0.0.1:${port}`, { queue: { max_events: 3 } }));
  for (let n = 1; n <= 5; n++) ctx.flow.send('client', 'in', { n });
  const errors = await ctx.flow.collect('client', 'err', 2);
  assert.equal(
    errors.map((e) => e.data),
    [4, 5].map((n) => ({
      error: 'client: disconnected and the send queue is full (queue.max_events = 3); event not sent',
      code: 'ERR_QUEUE_FULL',
      connector: 'client',
      event: { n },
    })),
  );
  ctx.peer = await PeerServer.start(port);
  assert.equal(await ctx.peer.waitReceived(3), ['{"n":1}', '{"n":2}', '{"n":3}']);
});

test('after max_retries it stays disconnected, says so in the log, and fails what it held', async (ctx) => {
  const port = await freePort();
  const log = memoryLogger('warn');
  ctx.flow = await startFlow(
    clientFlow(`ws://127.0.0.1:${port}`, { reconnect: { retry: { interval_ms: 20, growth_rate: 1, max_retries: 3, randomized: false } } }),
    { log },
  );
  ctx.flow.send('client', 'in', { held: 1 });
  const err = await ctx.flow.next('client', 'err', { timeout: 2000 });
  assert.is((err.data as { code: string }).code, 'ERR_NOT_CONNECTED');
  assert.is(ctx.flow.flow.connector('client').connectivity, 'failed');
  assert.is(ctx.flow.flow.connector('client').attemptTimes.length, 3);
  assert.ok(
    log.lines.some((l) => /ERROR \[inline\/client\] connect attempt 3 failed \(.*\); max retries exceeded \(3\), staying disconnected$/.test(l)),
    log.lines.join('\n'),
  );
  ctx.flow.send('client', 'in', { later: 1 });
  const err2 = await ctx.flow.next('client', 'err');
  assert.is((err2.data as { error: string }).error, 'client: not connected (gave up reconnecting); event not sent');
});

test('a server that stops answering pings is detected and the client reconnects', async (ctx) => {
  ctx.peer = await PeerServer.start(0, { autoPong: false });
  ctx.flow = await startFlow(clientFlow(ctx.peer.url, {}, { ping_interval_ms: 30, pong_timeout_ms: 60 }));
  await ctx.flow.waitConnected('client');
  const deadline = performance.now() + 2000;
  while (ctx.peer.connections.length < 2 && performance.now() < deadline) await sleep(10);
  assert.ok(ctx.peer.connections.length >= 2, `expected a reconnect, saw ${ctx.peer.connections.length} connection(s)`);
});

test('reconnect "none" does not retry a failed first connect', async (ctx) => {
  const port = await freePort();
  ctx.flow = await startFlow(clientFlow(`ws://127.0.0.1:${port}`, { reconnect: 'none' }));
  await sleep(150);
  const host = ctx.flow.flow.connector('client');
  assert.is(host.connectivity, 'failed');
  assert.is(host.attemptTimes.length, 1);
});

test.run();
