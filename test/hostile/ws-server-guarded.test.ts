import path from 'node:path';
import { SignJWT } from 'jose';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../support/cli.js';
import { tmpDir } from '../support/tmp.js';
import { TestClient } from '../support/ws.js';
import { assault, attackWsServer, NORMAL_MS, type WsUnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { dittoPayloads, jsonPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

/**
 * A ws_server with every handshake and session guard on (Basic and JWT auth, allowed origins,
 * connection limits, a rate limit, subscriptions), on any path: what the shipped flows use in
 * parts, here all at once, so that the handshake meets every hostile target and header.
 */
const secret = 'hostile-suite-secret-of-32-bytes!!';
const tmp = tmpDir('tremolo-hostile-guarded-');
const flow = tmp.write(
  'guarded.json5',
  JSON.stringify({
    use: ['ditto'],
    connectors: {
      ws: {
        type: 'ws_server',
        codec: 'string',
        extensions: ['ditto_subscriptions'],
        config: {
          url: 'ws://127.0.0.1:0',
          // Many of the logins below fail on purpose, many at once: with the default throttle (10 checks, one
          // more every 6 s) whether a later good login got a 429 would depend on how fast this
          // machine hashes. The throttle has tests of its own (test/unit/connectors/auth-throttle.test.ts).
          auth: { basic: { users_file: path.join(repoRoot, 'flows/ditto/users'), throttle: { burst: 100_000, refill_ms: 1 } }, jwt: { secret } },
          allowed_origins: ['http://ok.example'],
          max_connections_per_ip: 200,
          rate_limit: { messages_per_s: 500, action: 'drop' },
          max_message_size: 4 * 1024 * 1024,
        },
      },
    },
    links: [['ws', 'ws']],
  }),
);
const basic = `Basic ${Buffer.from('ditto:ditto').toString('base64')}`;

const test = suite<WsUnderAttack>('hostile input: a guarded ws_server', {});
attackWsServer(test, [flow], () => tmp.cleanup());

async function echoes(url: string): Promise<void> {
  const c = await TestClient.open(`${url}/any/path`, { headers: { authorization: basic } }, NORMAL_MS);
  try {
    c.send('still here');
    assert.equal(await c.waitFor(1, NORMAL_MS), ['still here']);
  } finally {
    c.ws.terminate();
  }
}

test('hostile handshakes, credentials, frames and control messages leave the guarded server alive and serving', async (ctx) => {
  const port = ctx.port!;
  // Frames through the JWT path too: a token in the query, as browsers send one.
  const token = await new SignJWT({ sub: 'hostile' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
  const payloads = [...dittoPayloads, ...jsonPayloads].map((family) => ({ text: true, family }));
  await assault(ctx.proc!, {
    target: 'guarded ws_server',
    address: port,
    families: [
      ...httpFamilies({ port, path: '/' }),
      ...httpFamilies({ port, path: '/', headers: { Authorization: basic } }),
      ...wsFamilies({ port, path: '/x', headers: { Authorization: basic }, payloads }),
      ...httpFamilies({ port, path: '/y?access_token=a.b.c' }),
      ...wsFamilies({ port, path: `/y?access_token=${token}` }),
    ],
    normal: () => echoes(ctx.url!),
  });
});

test.run();
