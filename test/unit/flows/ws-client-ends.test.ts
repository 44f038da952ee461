import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startCli } from '../../support/cli.js';
import { freePort } from '../../support/ports.js';
import { pythonWsPeer } from '../../support/python-peers.js';

// How the terminal client ends besides the end of stdin: one-shot, and giving up. Apart from
// ws-client.test.ts so that each file stays well inside the runner's time bound.

test('one-shot (messages=1): the end of stdin does not close before the reply, which a server answering later still gets through', async () => {
  // It answers 300 ms later, from a task: a close sent at the end of stdin would lose the answer.
  const peer = await pythonWsPeer('slow');
  try {
    const r = await runCli(['run', 'flows/ws-client.json5', '--arg', `url=${peer.url}`, '--arg', 'messages=1'], { input: '{"id":1}\n' });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, '{"id":1}\n');
    assert.equal(await peer.script.lines.next('the message'), { received: '{"id":1}' });
    assert.equal(await peer.script.lines.next('the close'), { closed: 1000 });
  } finally {
    await peer.stop();
  }
});

test('a client that gave up reconnecting exits 69 with the reason, though stdin is still open', async () => {
  const port = await freePort();
  const cli = startCli(['run', 'flows/ws-client.json5', '--arg', `url=ws://127.0.0.1:${port}`, '--arg', 'retry_interval_ms=20', '--arg', 'max_retries=2']);
  // stdin stays open, as a terminal's does: what it feeds, the client alone, will take nothing.
  const { code, stdout, stderr } = await cli.done;
  assert.is(code, 69, stderr);
  assert.is(stdout, '');
  assert.match(stderr, /\[ws-client\] finished: every source has \(client, console, which feeds only client\)\n/);
  assert.match(stderr, /ERROR client: connect attempt 2 failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); max retries exceeded \(2\), staying disconnected; stopping with exit status 69\n/);
});

test('piped stdin while the server is away: the line waits, and a client that gives up reports it as not sent and exits 69', async () => {
  const port = await freePort();
  const r = await runCli(['run', 'flows/ws-client.json5', '--arg', `url=ws://127.0.0.1:${port}`, '--arg', 'retry_interval_ms=20', '--arg', 'max_retries=2'], { input: 'lost\n' });
  assert.is(r.code, 69, r.stderr);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /WARN {2}\[ws-client\/client\] client: not connected \(gave up reconnecting\); event not sent\n/);
});

test.run();
