import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliCommand, runCli, startCli } from '../../support/cli.js';
import { freePort } from '../../support/ports.js';
import { inTerminal, pythonWsPeer } from '../../support/python-peers.js';
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

test('piped stdin: each line goes out, each reply prints as one line, no blank one, and at the end of the input it closes with 1000 and exits 0', async () => {
  // Python's websockets, answering each message with it and a newline, as tremolo's echo flow does.
  const peer = await pythonWsPeer('lines');
  try {
    const r = await runCli(['run', 'flows/ws-client.json5', '--arg', `url=${peer.url}`], { input: '{"a":1}\nsecond line\n' });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, '{"a":1}\nsecond line\n');
    assert.equal(await peer.script.lines.next('a message'), { received: '{"a":1}' });
    assert.equal(await peer.script.lines.next('a message'), { received: 'second line' });
    assert.equal(await peer.script.lines.next('the close'), { closed: 1000 });
    assert.match(r.stderr, /INFO {2}\[ws-client\] finished: every source has \(console, client\)\n/);
    assert.match(r.stderr, /INFO {2}\[ws-client\] stopped\n$/);
  } finally {
    await peer.stop();
  }
});

test('in a terminal, Ctrl-D closes the connection and exits 0 once the reply to what was typed is printed', async () => {
  const peer = await pythonWsPeer('echo');
  try {
    const run = await inTerminal(cliCommand(['run', 'flows/ws-client.json5', '--arg', `url=${peer.url}`]), '[ws-client/client] connected', '{"typed":1}', '{"typed":1}');
    assert.is(run.step, undefined, run.output);
    assert.is(run.status, 0, run.output);
    // The terminal does not echo: the line on the output is the server's answer, once.
    assert.is(run.output.split('\r\n').filter((l) => l === '{"typed":1}').length, 1, run.output);
    assert.equal(await peer.script.lines.next('the message'), { received: '{"typed":1}' });
    assert.equal(await peer.script.lines.next('the close'), { closed: 1000 });
  } finally {
    await peer.stop();
  }
});

test.run();
