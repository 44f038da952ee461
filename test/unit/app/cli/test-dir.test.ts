import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

// `tremolo test` without a folder: where it looks, and what it says when there is nothing there.
const tmp = tmpDir();
test.after(() => tmp.cleanup());

/** A test folder copying in.json to out.log: it ends on its own once the file is read, no exit connector. */
function copyTest(root: string): void {
  const dir = path.join(tmp.dir, root, 'copy');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'copy.json5'), `{ use: ['std'], connectors: { in: { from: 'std::read_file' }, out: { from: 'std::write_file' } }, links: [['in', 'out']] }`);
  writeFileSync(path.join(dir, 'in.json'), '{"b":1,"a":2}\n');
  writeFileSync(path.join(dir, 'expected.json'), '{"a":2,"b":1}\n');
  writeFileSync(path.join(dir, 'assert.yaml'), 'status: 0\nasserts:\n  - source: out.log\n    equals_file: expected.json\n');
}

test('with no folder and neither layout there, it says where it looked and exits 2, with no stack trace', async () => {
  const empty = path.join(tmp.dir, 'empty');
  mkdirSync(empty);
  const r = await runCli(['test'], { cwd: empty });
  assert.is(r.code, 2);
  assert.is(r.stderr, `tremolo test: no tests/integration or test/integration folder in ${empty}; name the folder of the tests: tremolo test DIR\n`);
});

test('a folder that is not there is named, exit 2', async () => {
  const r = await runCli(['test', 'integration', 'nope'], { cwd: tmp.dir });
  assert.is(r.code, 2);
  assert.is(r.stderr, `tremolo test: no folder "nope" in ${tmp.dir}\n`);
});

test("with no folder it finds tremolo's test/integration, and a file-to-file test passes without an exit connector", async () => {
  copyTest('ours/test/integration');
  const r = await runCli(['test'], { cwd: path.join(tmp.dir, 'ours') });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^running 1 test from test\/integration\n\[1\/1\] ok {3}copy \(/);
  assert.match(r.stdout, /\n1 passed, 0 failed\n$/);
});

test("with no folder it finds Tremor's tests/integration", async () => {
  copyTest('tremors/tests/integration');
  const r = await runCli(['test'], { cwd: path.join(tmp.dir, 'tremors') });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^running 1 test from tests\/integration\n/);
});

test.run();
