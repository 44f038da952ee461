import { readFileSync } from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword } from '../../../src/sdk/auth/passwords.js';
import { memoryLogger } from '../../../src/sdk/logger.js';
import { startFlow, type StartOptions, type TestFlow } from '../../../src/app/testing/index.js';
import { makeCertificate } from '../../../test/support/certs.js';
import { repoRoot } from '../../../test/support/cli.js';
import { freePort } from '../../../test/support/ports.js';
import { pkg, WireClient } from '../../../test/support/thingsdb-wire.js';
import { tmpDir } from '../../../test/support/tmp.js';

const FLOW = path.join(repoRoot, 'flows/thingsdb-endpoint.json5');

async function withEndpoint(options: StartOptions, body: (flow: TestFlow) => Promise<void>): Promise<void> {
  const flow = await startFlow(FLOW, options);
  try {
    await body(flow);
  } finally {
    await flow.stop();
  }
}

async function login(url: string, auth: unknown, options: { ca?: Buffer } = {}): Promise<unknown> {
  const c = await WireClient.open(url, options);
  try {
    return await c.ask(1, 33, auth);
  } finally {
    await c.close();
  }
}

const OK = { id: 1, type: 17, value: undefined };
const REFUSED = { id: 1, type: 19, value: { error_code: -56, error_msg: 'invalid username or password' } };

test('THINGSDB_WS_PORT is the port it listens on', async () => {
  const port = await freePort();
  await withEndpoint({ env: { THINGSDB_WS_PORT: String(port) } }, async (flow) => {
    assert.is(flow.address('ws'), `ws://127.0.0.1:${port}`);
    assert.equal(await login(flow.address('ws'), ['admin', 'pass']), OK);
  });
});

test('with THINGSDB_WS_CERT_FILE and THINGSDB_WS_KEY_FILE both set it serves wss://', async () => {
  const tmp = tmpDir();
  try {
    const { cert, key } = makeCertificate(tmp.dir);
    await withEndpoint({ env: { THINGSDB_WS_PORT: '0', THINGSDB_WS_CERT_FILE: cert, THINGSDB_WS_KEY_FILE: key } }, async (flow) => {
      assert.match(flow.address('ws'), /^wss:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(await login(flow.address('ws').replace('127.0.0.1', 'localhost'), ['admin', 'pass'], { ca: readFileSync(cert) }), OK);
    });
  } finally {
    tmp.cleanup();
  }
});

for (const [only, variable, warning] of [
  ['a certificate', 'THINGSDB_WS_CERT_FILE', 'tls: a certificate file but no private key file; serving plain ws://'],
  ['a key', 'THINGSDB_WS_KEY_FILE', 'tls: a private key file but no certificate file; serving plain ws://'],
] as const) {
  test(`with only ${only} given it warns and serves plain ws://, as ThingsDB does`, async () => {
    const log = memoryLogger('info');
    await withEndpoint({ env: { THINGSDB_WS_PORT: '0', [variable]: '/nonexistent/file.pem' }, log }, async (flow) => {
      assert.match(flow.address('ws'), /^ws:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(log.lines.some((l) => l.includes('WARN') && l.endsWith(warning)), log.lines.join('\n'));
      assert.equal(await login(flow.address('ws'), ['admin', 'pass']), OK);
    });
  });
}

test('a client that asks for the thingsdb-protocol subprotocol gets it, one that asks for none is served too; meta.ws_server.protocol tells which', async () => {
  await withEndpoint({ args: { port: 0 } }, async (flow) => {
    for (const protocols of [['thingsdb-protocol'], []]) {
      const c = await WireClient.open(flow.address('ws'), { protocols });
      try {
        assert.is(c.ws.protocol, protocols[0] ?? '');
        assert.equal(await c.ask(1, 32), { id: 1, type: 16, value: undefined });
        const seen = await flow.next('ws', 'out');
        assert.is((seen.meta.ws_server as { protocol: string }).protocol, protocols[0] ?? '');
      } finally {
        await c.close();
      }
    }
  });
});

test('users from a users file log in with scrypt or bcrypt hashes, and admin / pass no longer does', async () => {
  const tmp = tmpDir();
  try {
    const file = tmp.write('users', `# ThingsDB users\nann:${await hashPassword('s3cret')}\nbob:${bcrypt.hashSync('hunter2', 4)}\n`);
    await withEndpoint({ args: { port: 0, users_file: file } }, async (flow) => {
      const url = flow.address('ws');
      assert.equal(await login(url, ['ann', 's3cret']), OK);
      assert.equal(await login(url, ['bob', 'hunter2']), OK);
      assert.equal(await login(url, ['ann', 'hunter2']), REFUSED);
      assert.equal(await login(url, ['admin', 'pass']), REFUSED);
    });
  } finally {
    tmp.cleanup();
  }
});

test('a users file with a password in plain text is refused when the flow starts', async () => {
  const tmp = tmpDir();
  try {
    const file = tmp.write('users', 'ann:s3cret\n');
    try {
      await startFlow(FLOW, { args: { port: 0, users_file: file } });
      assert.unreachable('the flow started');
    } catch (err) {
      assert.is((err as Error).message, `users file ${JSON.stringify(file)} line 1: the password of "ann" is not a scrypt or bcrypt hash (make one with \`tremolo hash-password\`)`);
    }
  } finally {
    tmp.cleanup();
  }
});

test('users given as args replace admin / pass, and a token logs in as its user', async () => {
  await withEndpoint({ args: { port: 0, users: { ann: 'pw' }, tokens: { 'Fai6NmH7QYxA6WLYPdtgcy': 'ann' } } }, async (flow) => {
    const url = flow.address('ws');
    assert.equal(await login(url, ['ann', 'pw']), OK);
    assert.equal(await login(url, ['admin', 'pass']), REFUSED);
    assert.equal(await login(url, 'Fai6NmH7QYxA6WLYPdtgcy'), OK);
  });
});

test('a QUERY sent right behind an AUTH whose hash takes time to check is answered after it, in order', async () => {
  const tmp = tmpDir();
  try {
    const file = tmp.write('users', `ann:${await hashPassword('s3cret')}\n`);
    await withEndpoint({ args: { port: 0, users_file: file } }, async (flow) => {
      const c = await WireClient.open(flow.address('ws'));
      try {
        c.send(pkg(1, 33, ['ann', 's3cret']));
        c.send(pkg(2, 34, ['@t', '1 + 1;']));
        assert.equal(await c.next(), OK);
        assert.equal(await c.next(), { id: 2, type: 18, value: 2 });
      } finally {
        await c.close();
      }
    });
  } finally {
    tmp.cleanup();
  }
});

test.run();
