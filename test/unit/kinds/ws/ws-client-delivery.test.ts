import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { PeerServer } from '../../../support/ws-server.js';
import { sources } from '../../engine/tx-connectors.js';
import { until } from '../../../support/sockets.js';

const test = suite<{ flow?: TestFlow; peer?: PeerServer }>('ws_client delivery', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});

const file = path.join(import.meta.dirname, 'ws-client-delivery.flow.json5');

const flowTo = (url: string) => ({
  use: ['../../engine/tx-connectors.ts'],
  connectors: {
    src: { type: 'tx_source' },
    client: { type: 'ws_client', codec: 'json', config: { url }, reconnect: { retry: { interval_ms: 20, randomized: false } } },
  },
  links: [['src', 'client']],
});


test('a transactional event is acked once the socket has taken its bytes', async (ctx) => {
  ctx.peer = await PeerServer.start();
  ctx.flow = await startFlow(flowTo(ctx.peer.url), { file });
  await ctx.flow.waitConnected('client');
  const { send, outcomes } = sources.get('src')!;
  send({ n: 1 });
  assert.equal(outcomes, [], 'not before the send callback');
  await until(() => outcomes.length === 1, () => 'ack');
  assert.equal(outcomes, ['ack {"n":1}']);
  assert.equal(await ctx.peer.waitReceived(1), ['{"n":1}']);
});

test('an event written after the server’s close frame arrived waits for the next connection instead of failing', async (ctx) => {
  ctx.peer = await PeerServer.start();
  ctx.flow = await startFlow(flowTo(ctx.peer.url), { file });
  await ctx.flow.waitConnected('client');
  const server = ctx.peer.connections[0]!;
  // The server says goodbye and then reads nothing more: the client stays in CLOSING, its socket open.
  server.close(1001, 'going away');
  (server as unknown as { _socket: Socket })._socket.pause();
  const host = ctx.flow.flow.connector('client');
  await sleep(50);
  const { send, outcomes } = sources.get('src')!;
  send({ n: 1 });
  send({ n: 2 });
  assert.equal(ctx.flow.seen('client', 'err'), []);
  assert.is(host.queued, 2);
  assert.equal(outcomes, []);
  server.terminate();
  await until(() => ctx.peer!.received.length === 2, () => '2 received on the next connection', 3000);
  assert.equal(ctx.peer.received, ['{"n":1}', '{"n":2}']);
  assert.is(ctx.peer.connections.length, 2);
  await until(() => outcomes.length === 2, () => 'acks');
  assert.equal(outcomes, ['ack {"n":1}', 'ack {"n":2}']);
});

test.run();
