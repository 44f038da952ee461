import net from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tmpDir } from '../support/tmp.js';
import { startUnixEcho, type UnixEcho } from '../support/unix-echo.js';
import { TestClient } from '../support/ws.js';
import { assault, NORMAL_MS, runUnderAttack, type UnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { jsonPayloads, msgpackPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

// flows/gateway.json5: browser WebSockets to UNIX-socket and TCP services, one upstream each.
const tmp = tmpDir('tremolo-hostile-gw-');
const test = suite<{ proc?: UnderAttack; url?: string; port?: number; echo?: UnixEcho; tcp?: net.Server }>('hostile input: flows/gateway.json5', {});
test.before(async (ctx) => {
  ctx.echo = await startUnixEcho(path.join(tmp.dir, 'echo'));
  ctx.tcp = net.createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => undefined));
  await new Promise<void>((r) => ctx.tcp!.listen(0, '127.0.0.1', () => r()));
  const { port } = ctx.tcp.address() as net.AddressInfo;
  ctx.proc = await runUnderAttack(
    ['flows/gateway.json5', '--arg', 'url=ws://127.0.0.1:0', '--arg', `docroot=${tmp.dir}`, '--arg', `links={"/tcp": "tcp://127.0.0.1:${port}"}`, '--arg', 'deny=["^/private"]'],
    [/listening on (ws:\/\/127\.0\.0\.1:\d+)/],
  );
  ctx.url = ctx.proc.found[0]!;
  ctx.port = Number(new URL(ctx.url).port);
});
test.after(async (ctx) => {
  await ctx.proc?.stop();
  await ctx.echo?.stop();
  await new Promise((r) => ctx.tcp?.close(r));
  tmp.cleanup();
});

async function relays(url: string, p: string): Promise<void> {
  const c = await TestClient.open(`${url}${p}`, {}, NORMAL_MS);
  try {
    c.send('still here');
    assert.equal(await c.waitFor(1, NORMAL_MS), ['still here']);
  } finally {
    c.ws.terminate();
  }
}

for (const [name, p] of [
  ['a UNIX socket service', '/echo'],
  ['a TCP service', '/tcp'],
] as const) {
  test(`malformed HTTP, hostile handshakes and broken frames on the way to ${name} leave the gateway alive and relaying`, async (ctx) => {
    const port = ctx.port!;
    const payloads = [...jsonPayloads.map((family) => ({ text: true, family })), ...msgpackPayloads.map((family) => ({ text: false, family }))];
    await assault(ctx.proc!, {
      target: `gateway to ${name}`,
      address: port,
      families: [...httpFamilies({ port, path: p }), ...wsFamilies({ port, path: p, payloads, upstream: true })],
      normal: async () => {
        await relays(ctx.url!, '/echo');
        await relays(ctx.url!, '/tcp');
      },
    });
  });
}

test.run();
