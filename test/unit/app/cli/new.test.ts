import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-new-');
test.after(() => tmp.cleanup());

/** A fresh project folder per test, inside the temporary one. */
const freshProject = (): string => mkdtempSync(path.join(tmp.dir, 'project-'));

test('new --help prints its usage and exits 0', async () => {
  const r = await runCli(['new', '--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /^Usage: tremolo new flow\|connector\|codec\|processor\|operator NAME \[--dir DIR\]\n/);
});

test('new connector writes the module and its test in the working directory, and says how to go on', async () => {
  const cwd = freshProject();
  const r = await runCli(['new', 'connector', 'my_counter'], { cwd });
  assert.is(r.code, 0, r.stderr);
  assert.is(
    r.stdout,
    [
      'wrote connectors/my-counter.ts',
      'wrote test/my-counter.test.ts',
      'test it: node --import tsx test/my-counter.test.ts',
      "use it: use: ['../connectors/my-counter.ts'] in a flow in flows/, then type: 'my_counter'",
      '',
    ].join('\n'),
  );
  assert.ok(existsSync(path.join(cwd, 'connectors/my-counter.ts')));
  assert.ok(existsSync(path.join(cwd, 'test/my-counter.test.ts')));
});

test('--dir writes into that folder, and the paths shown lead there from the working directory', async () => {
  const cwd = freshProject();
  const r = await runCli(['new', 'operator', 'numbering', '--dir', 'service'], { cwd });
  assert.is(r.code, 0, r.stderr);
  assert.is(
    r.stdout,
    [
      'wrote service/pipelines/numbering.ts',
      'wrote service/test/numbering.test.ts',
      'test it: node --import tsx service/test/numbering.test.ts',
      "use it: use: ['../pipelines/numbering.ts'] in a flow in flows/, then { op: 'numbering' } in a pipeline",
      '',
    ].join('\n'),
  );
});

test('new flow writes a flow and its test, and says how to run it', async () => {
  const cwd = freshProject();
  const r = await runCli(['new', 'flow', 'greeter'], { cwd });
  assert.is(r.code, 0, r.stderr);
  assert.is(
    r.stdout,
    [
      'wrote flows/greeter.json5',
      'wrote test/greeter.test.ts',
      'test it: node --import tsx test/greeter.test.ts',
      'run it: npx tremolo run flows/greeter.json5',
      'note: $schema points at node_modules/tremolo/schema/flow.schema.json, there once tremolo is installed in the project (docs/cli.md: Installing)',
      '',
    ].join('\n'),
  );
});

test('$schema points into the project (where tremolo is or will be installed), never into the tremolo that ran', async () => {
  const cwd = freshProject();
  writeFileSync(path.join(cwd, 'package.json'), '{ "name": "service", "version": "1.0.0" }');
  mkdirSync(path.join(cwd, 'sub'));
  const r = await runCli(['new', 'flow', 'greeter', '--dir', 'sub'], { cwd });
  assert.is(r.code, 0, r.stderr);
  // The project is the folder of the package.json, above --dir: tremolo is installed beside it.
  assert.match(readFileSync(path.join(cwd, 'sub/flows/greeter.json5'), 'utf8'), /^ {2}\$schema: '\.\.\/\.\.\/node_modules\/tremolo\/schema\/flow\.schema\.json',/m);
  assert.match(r.stdout, /^note: \$schema points at node_modules\/tremolo\/schema\/flow\.schema\.json, there once tremolo is installed/m);
  assert.not.match(r.stdout + readFileSync(path.join(cwd, 'sub/flows/greeter.json5'), 'utf8'), new RegExp(repoRoot.replace(/[/.]/g, '\\$&')));
});

test('a file that exists is refused with exit 2, and nothing is written', async () => {
  const cwd = freshProject();
  assert.is((await runCli(['new', 'codec', 'key_values'], { cwd })).code, 0);
  const again = await runCli(['new', 'codec', 'key-values'], { cwd });
  assert.is(again.code, 2);
  assert.is(again.stdout, '');
  assert.is(again.stderr, 'tremolo new: connectors/key-values.ts and test/key-values.test.ts already exist; nothing written\n');
  rmSync(path.join(cwd, 'connectors/key-values.ts'));
  const half = await runCli(['new', 'codec', 'key-values'], { cwd });
  assert.is(half.code, 2);
  assert.is(half.stderr, 'tremolo new: test/key-values.test.ts already exists; nothing written\n');
  assert.not.ok(existsSync(path.join(cwd, 'connectors/key-values.ts')));
});

test('an invalid or built-in name is refused with exit 2, and nothing is written', async () => {
  const cwd = freshProject();
  const invalid = await runCli(['new', 'processor', 'Frame32'], { cwd });
  assert.is(invalid.code, 2);
  assert.is(invalid.stderr, 'tremolo new: invalid name "Frame32": expected lowercase letters and digits, starting with a letter, words joined by "_" or "-" (e.g. my_counter)\n');
  const builtin = await runCli(['new', 'connector', 'ws_server'], { cwd });
  assert.is(builtin.code, 2);
  assert.is(builtin.stderr, 'tremolo new: connector type "ws_server" is built in; choose another name\n');
  assert.not.ok(existsSync(path.join(cwd, 'connectors')));
});

test('an unknown WHAT, or a missing NAME, is a usage error with exit 2', async () => {
  const unknown = await runCli(['new', 'pipeline', 'p']);
  assert.is(unknown.code, 2);
  assert.is(unknown.stderr, 'tremolo new: cannot make "pipeline"; expected one of flow, connector, codec, processor, operator\n');
  const missing = await runCli(['new', 'connector']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^tremolo new: expected WHAT and NAME, received 1 argument\n\nUsage: tremolo new /);
});

test.run();
