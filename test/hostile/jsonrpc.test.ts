import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestClient } from '../support/ws.js';
import { assault, attackWsServer, NORMAL_MS, type WsUnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { jsonRpcPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

// flows/jsonrpc.json5: JSON-RPC 2.0 over a ws_server, methods from pipelines/users-rpc.ts.
const test = suite<WsUnderAttack>('hostile input: flows/jsonrpc.json5', {});
attackWsServer(test, ['flows/jsonrpc.json5', '--arg', 'url=ws://127.0.0.1:0']);

async function calls(url: string): Promise<void> {
  const c = await TestClient.open(url, {}, NORMAL_MS);
  try {
    c.send('{"jsonrpc":"2.0","id":"normal","method":"users"}');
    const [answer] = await c.waitFor(1, NORMAL_MS);
    const reply = JSON.parse(answer!) as { id: string; result: string[] };
    assert.is(reply.id, 'normal');
    assert.ok(reply.result.includes('admin'), answer);
  } finally {
    c.ws.terminate();
  }
}

test('malformed HTTP, broken frames and hostile JSON-RPC leave the server alive and answering', async (ctx) => {
  const port = ctx.port!;
  await assault(ctx.proc!, {
    target: 'jsonrpc ws_server',
    address: port,
    families: [...httpFamilies({ port, path: '/' }), ...wsFamilies({ port, path: '/', payloads: jsonRpcPayloads.map((family) => ({ text: true, family })) })],
    normal: () => calls(ctx.url!),
  });
});

test.run();
