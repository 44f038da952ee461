import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlow, loadFlow } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import type { RuntimeError } from '../../../src/sdk/errors.js';
import { runCli } from '../../support/cli.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

const SECRET = 'hunter2-from-the-environment';
const env = { TREMOLO_TEST_SECRET: SECRET, TREMOLO_TEST_PW: 'pa$$w0rd', TREMOLO_TEST_ONE: '1' };

async function problemsOf(name: string, text: string): Promise<string[]> {
  const { problems } = await checkFlow(tmp.write(name, text), { env });
  return problems.map((p) => formatProblem(p).replace(`${tmp.dir}/`, ''));
}

test('a validation error quoting a value from ${env:...} shows *** instead, whole or inside a longer string', async () => {
  assert.equal(
    await problemsOf(
      'whole.json5',
      `{
  connectors: {
    a: { type: 'ws_server', codec: 'json', config: { url: '127.0.0.1:0', backlog: '\${env:TREMOLO_TEST_SECRET}' } },
    b: { type: 'ws_server', codec: 'json', config: { url: 'not a url \${env:TREMOLO_TEST_SECRET} at all' } },
  },
}`,
    ),
    [
      'whole.json5:3:83: connectors.a.config.backlog: expected a number, received "***"',
      'whole.json5:4:59: connectors.b.config.url: expected ws://host:port, wss://host:port or host:port, received "not a url *** at all"',
    ],
  );
});

test('a value from the environment stays hidden when it reaches a config through an arg, and through a definition in a module', async () => {
  const problems = await problemsOf(
    'by-arg.json5',
    `{
  use: ['thingsdb'],
  args: { secret: '\${env:TREMOLO_TEST_SECRET}' },
  connectors: {
    a: { type: 'ws_server', codec: 'json', config: { url: '127.0.0.1:0', backlog: '\${args.secret}' } },
    b: { from: 'thingsdb::client', args: { url: 'http://u:\${env:TREMOLO_TEST_PW}@example.com:1', retry_interval_ms: '\${args.secret}' } },
  },
}`,
  );
  assert.equal(problems, [
    'by-arg.json5:5:83: connectors.a.config.backlog: expected a number, received "***"',
    'packages/thingsdb/thingsdb.json5:29:22: connectors.client.config.url: expected a ws:// or wss:// url, received "http://u:***@example.com:1"',
    'packages/thingsdb/thingsdb.json5:32:24: connectors.client.reconnect.retry.interval_ms: expected a number, received "***"',
  ]);
});

test('a quote cut short shows no start of the secret either', async () => {
  const problems = await problemsOf('cut.json5', `{ connectors: { a: { type: 'ws_server', codec: 'json', config: { url: '127.0.0.1:0', backlog: '${'x'.repeat(70)}\${env:TREMOLO_TEST_SECRET}' } } } }`);
  assert.equal(problems, [`cut.json5:1:95: connectors.a.config.backlog: expected a number, received "${'x'.repeat(70)}***…`]);
});

test('only the place that used a value from the environment is redacted: elsewhere the same characters read as written', async () => {
  const problems = await problemsOf(
    'short.json5',
    `{
  connectors: {
    a: { type: 'ws_server', codec: 'json', config: { url: '127.0.0.\${env:TREMOLO_TEST_ONE}:1', backlog: -1 } },
    b: { type: 'ws_client', codec: 'json', config: { url: 'tcp://10.1.1.1:1' } },
  },
}`,
  );
  assert.equal(problems, [
    'short.json5:3:105: connectors.a.config.backlog: expected a number > 0, received -1',
    'short.json5:4:59: connectors.b.config.url: expected a ws:// or wss:// url, received "tcp://10.1.1.1:1"',
  ]);
});

test('a url password written in the file itself is not quoted back either', async () => {
  assert.equal(await problemsOf('literal.json5', `{ connectors: { c: { type: 'ws_client', codec: 'json', config: { url: 'http://bob:pa55@example.com:1' } } } }`), [
    'literal.json5:1:71: connectors.c.config.url: expected a ws:// or wss:// url, received "http://bob:***@example.com:1"',
  ]);
});

test('the error loadFlow throws, and tremolo validate, show no secret', async () => {
  const file = tmp.write('thrown.json5', `{ connectors: { a: { type: 'ws_server', codec: 'json', config: { url: '127.0.0.1:0', backlog: '\${env:TREMOLO_TEST_SECRET}' } } } }`);
  const err = (await loadFlow(file, { env }).catch((e: unknown) => e)) as RuntimeError;
  assert.is(err.code, 'ERR_CONFIG_INVALID');
  assert.not.match(err.message, SECRET);
  assert.match(err.message, 'expected a number, received "***"');
  const { code, stdout, stderr } = await runCli(['validate', file], { cwd: tmp.dir, env });
  assert.is(code, 1);
  assert.match(stdout + stderr, 'connectors.a.config.backlog: expected a number, received "***"');
  assert.not.match(stdout + stderr, SECRET);
});

test.run();
