import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli } from '../../support/cli.js';
import { freePort } from '../../support/ports.js';
import { PeerServer } from '../../support/ws-server.js';

test('the terminal client sends stdin lines as frames, prints frames received, and waits for a late server', async () => {
  const port = await freePort();
  const cli = startCli(['run', 'flows/ws-client.json5', '--arg', `url=ws://127.0.0.1:${port}`, '--arg', 'retry_interval_ms=50', '--log-level', 'debug']);
  let peer: PeerServer | undefined;
  try {
    await cli.waitForLog(/connect attempt 2 failed/);
    peer = await PeerServer.start(port);
    await cli.waitForLog(/\[ws-client\/client\] connected/);
    cli.process.stdin!.write('hello\nworld\n');
    assert.equal(await peer.waitReceived(2), ['hello', 'world']);
    peer.connections[0]!.send('from the server');
    const deadline = performance.now() + 3000;
    while (!cli.stdout().includes('from the server\n') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.is(cli.stdout(), 'from the server\n');
  } finally {
    cli.process.kill('SIGTERM');
    const { code } = await cli.done;
    await peer?.stop();
    assert.is(code, 0);
  }
});

test.run();
