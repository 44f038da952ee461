import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestClient } from '../support/ws.js';
import { assault, attackWsServer, NORMAL_MS, type WsUnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { jsonPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

// flows/echo.json5 (ws_server, json codec, separate) in its own process.
const test = suite<WsUnderAttack>('hostile input: flows/echo.json5', {});
attackWsServer(test, ['flows/echo.json5', '--arg', 'url=ws://127.0.0.1:0']);

async function echoes(url: string): Promise<void> {
  const c = await TestClient.open(url, {}, NORMAL_MS);
  try {
    c.send('{"still":"here"}');
    assert.equal(await c.waitFor(1, NORMAL_MS), ['{"still":"here"}\n']);
  } finally {
    c.ws.terminate();
  }
}

test('malformed HTTP, broken frames and hostile JSON leave the echo alive and serving', async (ctx) => {
  const port = ctx.port!;
  await assault(ctx.proc!, {
    target: 'echo ws_server',
    address: port,
    families: [...httpFamilies({ port, path: '/' }), ...wsFamilies({ port, path: '/', payloads: jsonPayloads.map((family) => ({ text: true, family })) })],
    normal: () => echoes(ctx.url!),
  });
});

test.run();
