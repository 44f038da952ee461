import dgram from 'node:dgram';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../support/cli.js';
import { httpRequest } from '../support/http-request.js';
import { TestSocket } from '../support/sockets.js';
import { tmpDir } from '../support/tmp.js';
import type { Attack, DatagramAttack } from './attack.js';
import { statusOf } from '../support/raw.js';
import { assault, assaultUdp, NORMAL_MS, runUnderAttack, type UnderAttack } from './harness.js';
import { show } from './attack.js';
import { httpFamilies } from './http-attacks.js';
import { jsonPayloads, linePayloads, msgpackPayloads } from './payloads.js';
import type { Random } from './random.js';
import { asStreamFamily } from './ws-attacks.js';

/**
 * The socket server kinds no shipped flow uses (http_server, tcp_server, udp_server,
 * unix_socket_server, each an echo) and the status API, in one process: `tremolo run --api`.
 */
const tmp = tmpDir('tremolo-hostile-');
const socketPath = path.join(tmp.dir, 'echo.sock');
const flow = tmp.write(
  'servers.json5',
  JSON.stringify({
    connectors: {
      http: { type: 'http_server', codec: 'json', config: { url: 'http://127.0.0.1:0', max_body_size: 4 * 1024 * 1024 } },
      // Credentials and Origin checked before a request becomes an event.
      guarded: {
        type: 'http_server',
        codec: 'json',
        config: { url: 'http://127.0.0.1:0', auth: { basic: { users_file: path.join(repoRoot, 'flows/ditto/users') } }, allowed_origins: ['http://ok.example'] },
      },
      tcp: { type: 'tcp_server', codec: 'json', preprocessors: ['separate'], postprocessors: ['separate'], config: { url: 'tcp://127.0.0.1:0' } },
      udp: { type: 'udp_server', codec: 'json', config: { url: 'udp://127.0.0.1:0' } },
      unix: { type: 'unix_socket_server', codec: 'json', preprocessors: ['separate'], postprocessors: ['separate'], config: { path: socketPath } },
    },
    links: [
      ['http', 'http'],
      ['guarded', 'guarded'],
      ['tcp', 'tcp'],
      ['udp', 'udp'],
      ['unix', 'unix'],
    ],
  }),
);
const basic = `Basic ${Buffer.from('ditto:ditto').toString('base64')}`;

const test = suite<{ proc?: UnderAttack; http?: string; guarded?: string; tcp?: string; udp?: string; api?: string }>('hostile input: socket servers and the status API', {});
test.before(async (ctx) => {
  ctx.proc = await runUnderAttack(
    [flow, '--api', '127.0.0.1:0'],
    [/\[servers\/http\] listening on (\S+)/, /\[servers\/guarded\] listening on (\S+)/, /\[servers\/tcp\] listening on (\S+)/, /\[servers\/udp\] listening on (\S+)/, /status API on (http:\/\/\S+)/],
  );
  [ctx.http, ctx.guarded, ctx.tcp, ctx.udp, ctx.api] = ctx.proc.found;
});
test.after(async (ctx) => {
  await ctx.proc?.stop();
  tmp.cleanup();
});

const portOf = (url: string): number => Number(new URL(url).port);

async function posts(url: string, headers: Record<string, string> = {}): Promise<void> {
  const r = await httpRequest(url, { method: 'POST', body: '{"still":"here"}', headers: { 'content-type': 'application/json', ...headers }, timeoutMs: NORMAL_MS });
  assert.equal([r.status, r.body], [200, '{"still":"here"}']);
}

async function lineEcho(address: string): Promise<void> {
  const s = await TestSocket.connect(address, { timeoutMs: NORMAL_MS });
  try {
    s.send('{"still":"here"}\n');
    assert.equal(await s.waitLines(1, NORMAL_MS), ['{"still":"here"}']);
  } finally {
    s.socket.destroy();
  }
}

test('http_server: malformed requests and hostile bodies get a 4xx, the server goes on', async (ctx) => {
  const port = portOf(ctx.http!);
  const bodies = [
    { contentType: 'application/json', payloads: jsonPayloads },
    { contentType: 'application/msgpack', payloads: msgpackPayloads },
  ];
  await assault(ctx.proc!, { target: 'http_server', address: port, families: httpFamilies({ port, path: '/echo', bodies }), normal: () => posts(ctx.http!) });
});

test('http_server with auth and allowed_origins: hostile credentials and requests are refused, the server goes on', async (ctx) => {
  const port = portOf(ctx.guarded!);
  await assault(ctx.proc!, {
    target: 'http_server with auth',
    address: port,
    families: [...httpFamilies({ port, path: '/echo', headers: { Authorization: basic } }), ...httpFamilies({ port, path: '/echo' })],
    normal: () => posts(ctx.guarded!, { authorization: basic }),
  });
});

test('tcp_server: junk, endless lines and hostile JSON leave it serving', async (ctx) => {
  await assault(ctx.proc!, {
    target: 'tcp_server',
    address: portOf(ctx.tcp!),
    families: [...linePayloads, ...jsonPayloads].map((f) => asStreamFamily(f)),
    normal: () => lineEcho(ctx.tcp!),
  });
});

test('unix_socket_server: junk, endless lines and hostile JSON leave it serving', async (ctx) => {
  await assault(ctx.proc!, {
    target: 'unix_socket_server',
    address: { path: socketPath },
    families: [...linePayloads, ...jsonPayloads].map((f) => asStreamFamily(f)),
    normal: () => lineEcho(socketPath),
  });
});

test('udp_server: junk, oversized and hostile datagrams leave it serving', async (ctx) => {
  const port = portOf(ctx.udp!);
  const families = [
    (rng: Random): DatagramAttack => ({ name: 'random datagrams', datagrams: Array.from({ length: rng.between(1, 40) }, () => rng.bytes(rng.int(1500))) }),
    (rng: Random): DatagramAttack => ({ name: 'datagrams over buf_size', datagrams: Array.from({ length: rng.between(1, 5) }, () => rng.bytes(rng.between(8193, 60_000))) }),
    (rng: Random): DatagramAttack => ({ name: 'an empty datagram', datagrams: Array.from({ length: rng.between(1, 5) }, () => Buffer.alloc(0)) }),
    ...jsonPayloads.map((f) => (rng: Random): DatagramAttack => {
      const p = f(rng);
      return { name: `a datagram of ${p.name}`, datagrams: [p.data.subarray(0, 60_000)] };
    }),
  ];
  await assaultUdp(ctx.proc!, { target: 'udp_server', port, families, normal: () => udpEcho(port) });
});

function udpEcho(port: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo within ${NORMAL_MS} ms`)), NORMAL_MS);
    socket.on('message', (m) => {
      if (m.toString() !== '{"still":"here"}') return;
      clearTimeout(timer);
      resolve();
    });
    socket.send('{"still":"here"}', port, '127.0.0.1');
  }).finally(() => socket.close());
}

test('the status API: malformed paths, bodies and hosts are refused, it goes on answering', async (ctx) => {
  const port = portOf(ctx.api!);
  const families = [
    (rng: Random): Attack => {
      const host = rng.pick(['rebind.example', '127.0.0.1.nip.io', 'localhost.evil.example', 'evil.example:80']);
      return {
        name: `status API: a request for host ${host} (DNS rebinding)`,
        chunks: [`GET /v1/${rng.pick(['status', 'flows', 'flows/servers'])} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`],
        expect: (r) => (statusOf(r.reply) === 403 ? undefined : `expected 403, received ${show(r.reply, 60)}`),
      };
    },
    ...httpFamilies({ port, path: '/v1/flows/servers/connectors/tcp' }),
    ...httpFamilies({ port, path: '/v1/status', bodies: [{ contentType: 'application/json', payloads: jsonPayloads }] }).map((f) => (rng: Random) => {
      const a = f(rng);
      return { ...a, chunks: a.chunks.map((c) => (typeof c === 'string' ? c.replace(/^POST /, 'PATCH ').replace('/v1/status', '/v1/flows/servers') : c)) };
    }),
  ];
  await assault(ctx.proc!, {
    target: 'status API',
    address: port,
    families,
    normal: async () => {
      const r = await httpRequest(`${ctx.api}/v1/flows/servers`, { timeoutMs: NORMAL_MS });
      assert.is(r.status, 200);
      assert.is((JSON.parse(r.body) as { state: string }).state, 'running');
    },
  });
});

test.run();
