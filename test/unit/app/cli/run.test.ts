import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';

// `tremolo run` and `hash-password`, apart from the usage and schema checks in cli.test.ts so that
// each file stays well inside the runner's time bound on a loaded machine.
const tmp = tmpDir();
test.after(() => tmp.cleanup());

test('run serves the echo flow, prints the bound address, and stops gracefully on SIGTERM with exit 0', async () => {
  const cli = startCli(['run', 'flows/echo.json5', '--arg', 'url=ws://127.0.0.1:0']);
  const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
  const client = await TestClient.open(url!);
  client.send('{"a":1}\n{"b":2}');
  assert.equal(await client.waitFor(2), ['{"a":1}\n', '{"b":2}\n']);
  cli.process.kill('SIGTERM');
  const { code, stderr } = await cli.done;
  assert.is(code, 0);
  assert.match(stderr, /SIGTERM: stopping/);
  assert.match(stderr, /\[echo\] stopped/);
  assert.is((await client.waitClosed()).code, 1001);
});

test('run exits with the code an exit connector asks for', async () => {
  tmp.write('in.json', '{"exit": 3}\n');
  const file = tmp.write(
    'exit.json5',
    `{ use: ['std'], connectors: { in: { from: 'std::read_file' }, exit: { type: 'exit' } }, links: [['in', 'exit']] }`,
  );
  const r = await runCli(['run', file], { cwd: tmp.dir });
  assert.is(r.code, 3);
  assert.match(r.stderr, /exit 3 requested/);
});

test('run refuses a flow that does not load, with its problems, and exits 1', async () => {
  const r = await runCli(['run', 'flows/echo.json5', '--arg', 'nope=1']);
  assert.is(r.code, 1);
  assert.is(r.stderr, 'tremolo run: flows/echo.json5:7:3: args: unknown arg "nope" given; known: url\n');
});

test('run refuses a --max-buffered-bytes that is not a whole number of bytes, with exit 2', async () => {
  const r = await runCli(['run', 'flows/echo.json5', '--max-buffered-bytes', '64MiB']);
  assert.is(r.code, 2);
  assert.is(r.stderr, 'tremolo run: --max-buffered-bytes expects a whole number of bytes above 0, received "64MiB"\n');
});

test('run fails with exit 1 and the reason when a server cannot bind', async () => {
  const first = startCli(['run', 'flows/echo.json5', '--arg', 'url=ws://127.0.0.1:0']);
  const [, url] = await first.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
  try {
    const r = await runCli(['run', 'flows/echo.json5', '--arg', `url=${url}`]);
    assert.is(r.code, 1);
    assert.match(r.stderr, new RegExp(`tremolo run: server: cannot start ws_server: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${url!.split(':')[2]}\\n$`));
  } finally {
    first.process.kill('SIGTERM');
    await first.done;
  }
});

test('hash-password prints a users-file line that the Basic check accepts', async () => {
  const r = await runCli(['hash-password', 'ann'], { input: 's3cret\n' });
  assert.is(r.code, 0);
  const [user, hash] = r.stdout.trim().split(/:(.*)/s) as [string, string];
  assert.is(user, 'ann');
  assert.match(hash, /^\$scrypt\$N=16384,r=8,p=1\$/);
  const { verifyPassword } = await import('../../../../src/sdk/auth/passwords.js');
  assert.ok(await verifyPassword('s3cret', hash));
  assert.not.ok(await verifyPassword('s3cret\n', hash));
});

test.run();
