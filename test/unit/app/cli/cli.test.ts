import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flowJsonSchema } from '../../../../src/app/docs/json-schema.js';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot, runCli } from '../../../support/cli.js';
import { knownCodecs } from '../../../support/known.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

test('--help prints the usage and exits 0; no command prints it and exits 2', async () => {
  const help = await runCli(['--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^tremolo: run stream-processing flows/);
  assert.match(help.stdout, /tremolo run FLOW\.\.\. \[--arg NAME=VALUE\]/);
  const none = await runCli([]);
  assert.is(none.code, 2);
});

test('each command has its own --help', async () => {
  const commands = ['run', 'validate', 'convert', 'schema', 'doc', 'test', 'hash-password', 'new', 'completion'];
  const results = await Promise.all(commands.map((cmd) => runCli([cmd, '--help'])));
  commands.forEach((cmd, i) => {
    assert.is(results[i]!.code, 0, cmd);
    assert.match(results[i]!.stdout, new RegExp(`^Usage: tremolo ${cmd}`));
  });
});

test('the installed bin prints the version', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(requireBuilt(), 'bin/tremolo.js'), '--version']);
  assert.is(stdout, `tremolo ${pkg.version}\n`);
});

test('an unknown command or option is a usage error with exit 2', async () => {
  const cmd = await runCli(['launch']);
  assert.is(cmd.code, 2);
  assert.is(cmd.stderr, 'tremolo: unknown command "launch"; commands: run, validate, convert, graph, schema, doc, new, test, hash-password, completion\n');
  const opt = await runCli(['run', '--colour', 'x.json5']);
  assert.is(opt.code, 2);
  assert.is(
    opt.stderr,
    'tremolo run: unknown option "--colour"; options: --arg, --map-address, --log-level, --log-format, --drain-timeout, --max-buffered-bytes, --api, --api-allow-host, --status, --watch, --workers, --help\n',
  );
});

test('validate says ok for good flows and exits 0', async () => {
  const r = await runCli(['validate', 'flows/echo.json5']);
  assert.is(r.code, 0);
  assert.is(r.stdout, 'flows/echo.json5: ok\n');
});

test('validate prints every problem of a bad flow and exits 1', async () => {
  const file = tmp.write('bad.json5', `{\n  connectors: {\n    a: { type: 'ws_server', codec: 'yson', config: { url: 'ws://127.0.0.1:0' } },\n    b: { type: 'metronome', config: {} },\n  },\n}\n`);
  const r = await runCli(['validate', file], { cwd: tmp.dir });
  assert.is(r.code, 1);
  assert.is(
    r.stderr,
    [
      `bad.json5:3:36: connectors.a.codec: unknown codec "yson"; did you mean "json"? known: ${knownCodecs()}`,
      'bad.json5:4:37: connectors.b.config: expected exactly one of "interval" (nanoseconds) or "interval_ms"',
      '1 of 1 flow invalid',
      '',
    ].join('\n'),
  );
});

test('schema prints the JSON Schema derived from the zod schemas, the one committed in schema/', async () => {
  const r = await runCli(['schema']);
  assert.is(r.code, 0);
  const printed = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(printed, flowJsonSchema());
  assert.is(printed.$schema, 'http://json-schema.org/draft-07/schema#');
  const committed = JSON.parse(readFileSync(path.join(repoRoot, 'schema/flow.schema.json'), 'utf8')) as unknown;
  assert.equal(committed, printed, 'schema/flow.schema.json is stale: run `npx tremolo schema > schema/flow.schema.json`');
});

test.run();
