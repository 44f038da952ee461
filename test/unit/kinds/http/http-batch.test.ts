import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { HttpPeer } from '../../../support/http-peer.js';
import { freePort } from '../../../support/ports.js';

/**
 * A bare TCP server that reads one HTTP/1.1 request off the wire as it came (head and framing),
 * and answers with a chunked response echoing the body it decoded, one chunk per chunk received.
 */
class WirePeer {
  readonly requests: { raw: string; chunks: string[] }[] = [];
  readonly #sockets = new Set<net.Socket>();
  #waiters: (() => void)[] = [];

  private constructor(readonly server: net.Server) {}

  static async start(): Promise<WirePeer> {
    const server = net.createServer();
    const peer = new WirePeer(server);
    server.on('connection', (socket) => peer.#serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}/`;
  }

  async waitRequests(n: number, timeoutMs = 3000): Promise<{ raw: string; chunks: string[] }[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < n) {
      if (Date.now() > deadline) throw new Error(`${this.requests.length} of ${n} requests within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.requests;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }

  #serve(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (;;) {
        const at = text.indexOf('\r\n\r\n');
        if (at < 0) return;
        const head = text.slice(0, at);
        const chunked = /\r\ntransfer-encoding: *chunked/i.test(head);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        const chunks: string[] = [];
        let rest = text.slice(at + 4);
        if (chunked) {
          for (;;) {
            const line = rest.indexOf('\r\n');
            if (line < 0) return;
            const size = parseInt(rest.slice(0, line), 16);
            if (rest.length < line + 2 + size + 2) return;
            if (size === 0) {
              rest = rest.slice(line + 4);
              break;
            }
            chunks.push(rest.slice(line + 2, line + 2 + size));
            rest = rest.slice(line + 2 + size + 2);
          }
        } else {
          const n = Number(length?.[1] ?? 0);
          if (rest.length < n) return;
          if (n > 0) chunks.push(rest.slice(0, n));
          rest = rest.slice(n);
        }
        const raw = text.slice(0, text.length - rest.length);
        text = rest;
        this.requests.push({ raw, chunks });
        this.#waiters.splice(0).forEach((w) => w());
        const body = chunks.map((c) => `${Buffer.byteLength(c, 'latin1').toString(16)}\r\n${c}\r\n`).join('');
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n${body}0\r\n\r\n`);
      }
    });
  }
}

const test = suite<{ flow?: TestFlow; wire?: WirePeer; peer?: HttpPeer }>('http_client batches');
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.wire?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.wire = undefined;
  ctx.peer = undefined;
});

/** A pipeline `p` batching `count` events into the http_client `client` configured by `config`. */
const batching = (config: object, count = 5): object => ({
  connectors: { client: { type: 'http_client', config } },
  pipelines: { p: { operators: [{ op: 'batch', config: { count } }] } },
  links: [['p', 'client']],
});

test('a batch goes out as one chunked request, each event encoded by the */* codec in a chunk of its own', async (ctx) => {
  ctx.wire = await WirePeer.start();
  ctx.flow = await startFlow(batching({ url: ctx.wire.url, headers: { 'transfer-encoding': ['chunked'] }, mime_mapping: { 'text/plain': 'string', '*/*': 'string' } }));
  for (let n = 1; n <= 10; n++) ctx.flow.send('p', 'in', n);
  const [first, second] = await ctx.wire.waitRequests(2);
  assert.equal(first!.chunks, ['1', '2', '3', '4', '5']);
  assert.equal(second!.chunks, ['6', '7', '8', '9', '10']);
  assert.match(first!.raw, /^POST \/ HTTP\/1\.1\r\n/);
  assert.match(first!.raw, /\r\ntransfer-encoding: chunked\r\n/i);
  // Labelled as Tremor labels a body with no Content-Type: the type mime_mapping gives its */* codec.
  assert.match(first!.raw, /\r\ncontent-type: text\/plain; charset=utf-8\r\n/i);
  assert.not.match(first!.raw, /content-length/i);
  assert.ok(first!.raw.endsWith('1\r\n1\r\n1\r\n2\r\n1\r\n3\r\n1\r\n4\r\n1\r\n5\r\n0\r\n\r\n'), first!.raw);
  // One response per batch, decoded by the codec of its type: the body the server read, as a string.
  const responses = await ctx.flow.collect('client', 'out', 2, { timeout: 3000 });
  assert.equal(responses.map((r) => r.data), ['12345', '678910']);
  assert.equal(responses.map((r) => (r.meta.http_client as { response: { headers: object } }).response.headers['transfer-encoding' as never]), ['chunked', 'chunked']);
});

test('a batch without transfer-encoding is one request whose body is its events encoded in turn, under one content-length', async (ctx) => {
  ctx.wire = await WirePeer.start();
  ctx.flow = await startFlow({
    connectors: { client: { type: 'http_client', codec: 'json', postprocessors: ['separate'], config: { url: ctx.wire.url } } },
    pipelines: { p: { operators: [{ op: 'batch', config: { count: 3 } }] } },
    links: [['p', 'client']],
  });
  ctx.flow.send('p', 'in', { n: 1 });
  ctx.flow.send('p', 'in', 'two');
  ctx.flow.send('p', 'in', [3]);
  const [request] = await ctx.wire.waitRequests(1);
  assert.equal(request!.chunks, ['{"n":1}\n"two"\n[3]\n']);
  assert.match(request!.raw, /\r\ncontent-length: 18\r\n/i);
  assert.match(request!.raw, /\r\ncontent-type: application\/json\r\n/i);
  assert.not.match(request!.raw, /transfer-encoding/i);
});

test('a batch is asked for as its first event asks: its method, url, headers and correlation', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await startFlow(batching({ url: ctx.peer.url, mime_mapping: { 'text/plain': 'string', '*/*': 'string' } }, 2));
  ctx.flow.send('p', 'in', 'a', { http_client: { request: { method: 'PUT', url: '/first', headers: { 'x-which': 'first' } }, correlation: 'c1' } });
  ctx.flow.send('p', 'in', 'b', { http_client: { request: { method: 'DELETE', url: '/second', headers: { 'x-which': 'second' } }, correlation: 'c2' } });
  const [request] = await ctx.peer.waitRequests(1);
  assert.is(request!.method, 'PUT');
  assert.is(request!.url, '/first');
  assert.is(request!.headers['x-which'], 'first');
  assert.is(request!.body, 'ab');
  const response = await ctx.flow.next('client', 'out', { timeout: 3000 });
  assert.is((response.meta.http_client as { correlation: unknown }).correlation, 'c1');
});

test('metadata a pipeline sets on the batch itself applies to the request', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await startFlow({
    connectors: { client: { type: 'http_client', codec: 'string', config: { url: ctx.peer.url } } },
    pipelines: {
      p: {
        operators: [
          { op: 'batch', config: { count: 2 } },
          { op: 'map', config: { meta: '{"http_client": {"request": {"url": "/batched"}}}' } },
        ],
      },
    },
    links: [['p', 'client']],
  });
  ctx.flow.send('p', 'in', 'x', { http_client: { request: { url: '/own' } } });
  ctx.flow.send('p', 'in', 'y');
  const [request] = await ctx.peer.waitRequests(1);
  assert.is(request!.url, '/batched');
  assert.is(request!.body, 'xy');
});

test('an event of a batch the codec cannot encode goes to err with the reason, and no request goes out', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await startFlow(batching({ url: ctx.peer.url, headers: { 'content-type': 'text/csv' } }, 2));
  ctx.flow.send('p', 'in', ['a', 1]);
  ctx.flow.send('p', 'in', 'not a record');
  const err = await ctx.flow.next('client', 'err', { timeout: 3000 });
  assert.equal(err.data, {
    code: 'ERR_CODEC_ENCODE',
    error: 'client: cannot encode the body as text/csv: csv: expected an array of fields, got "not a record"',
    connector: 'client',
    event: 'not a record',
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.is(ctx.peer.requests.length, 0);
});

test.run();

const server = suite<{ flow?: TestFlow }>('http_server batches');
server.after.each(async (ctx) => {
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

server('each answer of a batch reaches the request it answers, chunked when the flow asks for it', async (ctx) => {
  ctx.flow = await startFlow({
    connectors: { api: { type: 'http_server', codec: 'string', config: { url: 'http://127.0.0.1:0' } } },
    pipelines: {
      p: {
        operators: [
          { op: 'map', config: { event: '"echo " + event', meta: '{"http_server": {"request_id": $.http_server.request_id, "response": {"headers": {"transfer-encoding": "chunked"}}}}' } },
          { op: 'batch', config: { count: 2 } },
        ],
      },
    },
    links: [['api', 'p'], ['p', 'api']],
  });
  const url = ctx.flow.address('api');
  const ask = async (body: string): Promise<[string, string | null, string | null]> => {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, signal: AbortSignal.timeout(3000) });
    return [await res.text(), res.headers.get('transfer-encoding'), res.headers.get('content-length')];
  };
  assert.equal(await Promise.all([ask('a'), ask('b')]), [
    ['echo a', 'chunked', null],
    ['echo b', 'chunked', null],
  ]);
});

server.run();

const loop = suite<{ flow?: TestFlow }>('http batches, client to server');
loop.after.each(async (ctx) => {
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

loop('batches sent chunked to an http_server that echoes them chunked come back as the text of each body, as in Tremor\'s http-chunked test', async (ctx) => {
  const strings = { 'text/plain': 'string', '*/*': 'string' };
  const url = `http://127.0.0.1:${await freePort()}/`;
  ctx.flow = await startFlow({
    connectors: {
      server: { type: 'http_server', config: { url, mime_mapping: strings } },
      client: { type: 'http_client', config: { url, headers: { 'transfer-encoding': ['chunked'] }, mime_mapping: strings, header_lists: true } },
    },
    pipelines: {
      echo: { operators: [{ op: 'map', config: { meta: '{"http_server": {"request_id": $.http_server.request_id, "response": {"status": 200, "headers": {"transfer-encoding": "chunked"}}}}' } }] },
      p: { operators: [{ op: 'batch', config: { count: 5 } }] },
    },
    links: [['server', 'echo'], ['echo', 'server'], ['p', 'client']],
  });
  for (let n = 1; n <= 10; n++) ctx.flow.send('p', 'in', n);
  const requests = await ctx.flow.collect('server', 'out', 2, { timeout: 3000 });
  assert.equal(requests.map((r) => r.data), ['12345', '678910']);
  const responses = await ctx.flow.collect('client', 'out', 2, { timeout: 3000 });
  assert.equal(responses.map((r) => [r.data, (r.meta.http_client as { response: { headers: Record<string, unknown> } }).response.headers['transfer-encoding']]), [
    ['12345', ['chunked']],
    ['678910', ['chunked']],
  ]);
});

loop.run();
