import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEvent } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { HttpPeer } from '../../../support/http-peer.js';
import { httpRegistries } from '../../../support/with-http.js';

// http_client against a server that answers with more than anyone asked for (issue 20).
const test = suite<{ flow?: TestFlow; server?: net.Server; peer?: HttpPeer }>('http_client: hostile servers', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  if (ctx.server !== undefined) await new Promise((r) => ctx.server!.close(r));
  Object.assign(ctx, { flow: undefined, server: undefined, peer: undefined });
});

/** A raw server that answers every request with `head`, then writes 64 KiB (chunked: framed) until the client hangs up. */
async function endless(ctx: { server?: net.Server }, head: string): Promise<{ url: string; hungUp: Promise<void> }> {
  const chunked = head.includes('chunked');
  let hungUp!: () => void;
  const done = new Promise<void>((r) => (hungUp = r));
  ctx.server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('close', () => hungUp());
    socket.once('data', () => {
      socket.write(head);
      const data = Buffer.alloc(64 * 1024, 0x61);
      const chunk = chunked ? Buffer.concat([Buffer.from('10000\r\n'), data, Buffer.from('\r\n')]) : data;
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
  });
  await new Promise<void>((r) => ctx.server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(ctx.server.address() as net.AddressInfo).port}/big`, hungUp: done };
}

const start = (url: string, config: Record<string, unknown> = {}): Promise<TestFlow> =>
  startFlow({ connectors: { client: { type: 'http_client', codec: 'string', config: { url, method: 'GET', ...config } } } }, { registries: httpRegistries() });

for (const [name, head] of [
  ['a body without end', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ['a Content-Length over the limit', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 99999999999\r\n\r\n'],
] as const) {
  test(`a response with ${name} is cut off at max_body_size and the request fails to err; the next request is served`, async (ctx) => {
    const bad = await endless(ctx, head);
    ctx.peer = await HttpPeer.start();
    ctx.flow = await start(bad.url, { max_body_size: 256 * 1024 });
    ctx.flow.send('client', 'in', 'please');
    const err = await ctx.flow.next('client', 'err', { timeout: 5000 });
    assert.equal(err.data, {
      error: `client: GET ${bad.url} failed: the response body is over max_body_size (262144 bytes); cut off`,
      code: 'ERR_PROCESSOR_MAX_LENGTH',
      connector: 'client',
      stream: 0,
    });
    await bad.hungUp;
    await ctx.flow.expectNone('client', 'out', 20);
    ctx.flow.flow.port('client', 'in', 'in').next(createEvent('', { http_client: { request: { url: `${ctx.peer.url}/ok` } } }, []));
    const ok = await ctx.flow.next('client', 'out', { timeout: 5000 });
    assert.equal(ok.data, { method: 'GET', url: '/ok', body: '' });
  });
}

test.run();
