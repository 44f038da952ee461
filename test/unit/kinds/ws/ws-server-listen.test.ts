import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reusePortMissing } from '../../../../src/sdk/io/socket-options.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { freePort } from '../../../support/ports.js';
import { TestClient } from '../../../support/ws.js';

const echo = (port: number, socketOptions: Record<string, boolean>, log = memoryLogger('warn')) =>
  startFlow({ connectors: { s: { type: 'ws_server', codec: 'string', config: { url: `ws://127.0.0.1:${port}`, socket_options: socketOptions } } }, links: [['s', 's']] }, { log });

async function echoes(url: string): Promise<void> {
  const c = await TestClient.open(url);
  c.send('ping');
  assert.equal(await c.waitFor(1), ['ping']);
  await c.close();
}

test('SO_REUSEPORT: two flows listen on one port where the platform has it; elsewhere a warning says why and the server listens without it', async () => {
  const port = await freePort();
  const log = memoryLogger('warn');
  const flows: TestFlow[] = [];
  try {
    flows.push(await echo(port, { SO_REUSEPORT: true }, log));
    if (reusePortMissing === undefined) {
      flows.push(await echo(port, { SO_REUSEPORT: true }));
      assert.is(flows[1]!.address('s'), `ws://127.0.0.1:${port}`);
      assert.equal(log.lines, []);
    } else {
      assert.is(log.lines.length, 1);
      assert.ok(log.lines[0]!.endsWith(`WARN  [inline/s] socket_options.SO_REUSEPORT: ${reusePortMissing}; listening without it, so no other process can listen on this port`), log.lines[0]);
      assert.match(reusePortMissing, /^Node\.js \S+ has no SO_REUSEPORT \(it needs >= 22\.12, or >= 23\.1\)$|^Node\.js has no SO_REUSEPORT on \w+ \(only on Linux, FreeBSD, Solaris and AIX\)$/);
      const err = await echo(port, { SO_REUSEPORT: true }).catch((e: Error) => e);
      assert.match((err as Error).message, /^s: cannot start ws_server: .*EADDRINUSE/);
    }
    await echoes(`ws://127.0.0.1:${port}`);
  } finally {
    for (const f of flows) await f.stop();
  }
});

test('without SO_REUSEPORT a port in use is refused at start with the bind error, and no warning', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  const log = memoryLogger('warn');
  try {
    const err = await echo(port, {}, log).catch((e: Error) => e);
    assert.match((err as Error).message, new RegExp(`^s: cannot start ws_server: .*EADDRINUSE.*127\\.0\\.0\\.1:${port}`));
    assert.equal(log.lines, []);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

test.run();
