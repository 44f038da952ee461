import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot } from '../../../support/cli.js';

// Each runner runs the same echo test from test/fixtures/RUNNER/, with the package's root as its
// working directory (where flows/echo.json5 is) and `tremolo/testing` resolved by package name:
// in the copy of the package under test (test/support/built.ts), so a rebuild of dist/ meanwhile
// cannot change what they import. The fixtures are copied into it for that.
const root = requireBuilt();
if (root !== repoRoot) {
  for (const runner of ['node-test', 'vitest', 'jest']) cpSync(path.join(repoRoot, 'test/fixtures', runner), path.join(root, 'test/fixtures', runner), { recursive: true, filter: (f) => !f.includes('node_modules') });
}
const bin = (pkg: string, file: string): string => path.join(path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), file);
const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 150_000, env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' } });

test('the harness works under node:test, imported by the package name from plain JavaScript', () => {
  const r = run(['--test', 'test/fixtures/node-test/']);
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /# pass 1\n/);
  assert.match(r.stdout, /# fail 0\n/);
});

test('the harness works under Vitest', () => {
  const r = run([bin('vitest', 'vitest.mjs'), 'run', '--root', 'test/fixtures/vitest', '--reporter', 'verbose']);
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /✓ echo\.test\.mjs > the echo flow echoes/);
  assert.match(r.stdout, /Tests {2}1 passed \(1\)/);
});

test('the harness works under Jest (ESM)', () => {
  const r = run(['--experimental-vm-modules', bin('jest', 'bin/jest.js'), '--rootDir', 'test/fixtures/jest', '--ci']);
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /✓ the echo flow echoes/);
  assert.match(r.stderr, /Tests: {7}1 passed, 1 total/);
});

test.run();
