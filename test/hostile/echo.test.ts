import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TestClient } from '../support/ws.js';
import { assault, NORMAL_MS, runUnderAttack, type UnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { jsonPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

// flows/echo.json5 (ws_server, json codec, separate) in its own process.
const test = suite<{ proc?: UnderAttack; url?: string; port?: number }>('hostile input: flows/echo.json5', {});
test.before(async (ctx) => {
  ctx.proc = await runUnderAttack(['flows/echo.json5', '--arg', 'url=ws://127.0.0.1:0'], [/listening on (ws:\/\/127\.0\.0\.1:\d+)/]);
  ctx.url = ctx.proc.found[0]!;
  ctx.port = Number(new URL(ctx.url).port);
});
test.after(async (ctx) => {
  await ctx.proc?.stop();
});

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
