import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../../support/cli.js';

test('the harness works under node:test, imported by the package name from plain JavaScript', () => {
  const r = spawnSync(process.execPath, ['--test', 'test/fixtures/node-test/'], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /# pass 1\n/);
  assert.match(r.stdout, /# fail 0\n/);
});

test.run();
