import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestClient } from '../support/ws.js';
import { assault, attackWsServer, NORMAL_MS, type WsUnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { dittoPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

// flows/ditto.json5: Ditto's WebSocket binding on /ws/2 with Basic and JWT auth and subscriptions.
const test = suite<WsUnderAttack>('hostile input: flows/ditto.json5', {});
attackWsServer(test, ['flows/ditto.json5', '--arg', 'url=ws://127.0.0.1:0']);

const basic = `Basic ${Buffer.from('ditto:ditto').toString('base64')}`;

/** A Ditto session: a subscription acknowledged, a command answered with its correlation-id. */
async function serves(url: string): Promise<void> {
  const c = await TestClient.open(`${url}/ws/2`, { headers: { authorization: basic } }, NORMAL_MS);
  try {
    c.send('START-SEND-EVENTS?filter=eq(attributes/a,1)');
    assert.equal(await c.waitFor(1, NORMAL_MS), ['START-SEND-EVENTS:ACK']);
    c.send(JSON.stringify({ topic: 'org.example/normal/things/twin/commands/retrieve', path: '/', headers: { 'correlation-id': 'normal-1' } }));
    const [, answer] = await c.waitFor(2, NORMAL_MS);
    assert.is((JSON.parse(answer!) as { headers: Record<string, string> }).headers['correlation-id'], 'normal-1');
  } finally {
    c.ws.terminate();
  }
}

test('malformed HTTP, hostile handshakes, broken frames and hostile Ditto messages leave it alive and serving', async (ctx) => {
  const port = ctx.port!;
  await assault(ctx.proc!, {
    target: 'ditto ws_server',
    address: port,
    families: [
      ...httpFamilies({ port, path: '/ws/2' }),
      ...wsFamilies({ port, path: '/ws/2', headers: { Authorization: basic }, payloads: dittoPayloads.map((family) => ({ text: true, family })) }),
    ],
    normal: () => serves(ctx.url!),
  });
});

test.run();
