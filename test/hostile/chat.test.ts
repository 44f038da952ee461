import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { httpRequest } from '../support/http-request.js';
import { TestClient } from '../support/ws.js';
import { assault, attackWsServer, NORMAL_MS, type WsUnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { chatPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

// flows/chat.json5 with ouistiti's commands: a ws_server that also serves the chat page.
const test = suite<WsUnderAttack>('hostile input: flows/chat.json5', {});
attackWsServer(test, ['flows/chat.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', 'commands=true']);

/** A browser's visit: the page, then a connection that says hello and is welcomed. */
async function chats(url: string): Promise<void> {
  const page = await httpRequest(url.replace('ws://', 'http://'), { timeoutMs: NORMAL_MS });
  assert.is(page.status, 200);
  const c = await TestClient.open(url, {}, NORMAL_MS);
  try {
    c.send('WSHello visitor');
    const [welcome] = await c.waitFor(1, NORMAL_MS);
    assert.match(welcome!, /^WSWelcome visitor\d*$/);
  } finally {
    c.ws.terminate();
  }
}

test('malformed HTTP for its page, broken frames and hostile chat commands leave the room alive and serving', async (ctx) => {
  const port = ctx.port!;
  await assault(ctx.proc!, {
    target: 'chat ws_server',
    address: port,
    families: [
      ...httpFamilies({ port, path: '/' }),
      ...httpFamilies({ port, path: '/index.html' }),
      ...wsFamilies({ port, path: '/', payloads: chatPayloads.map((family) => ({ text: true, family })) }),
    ],
    normal: () => chats(ctx.url!),
  });
});

test.run();
