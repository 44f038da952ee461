import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ASSETS, assetsDir, readAsset } from '../../../../src/app/ops/graph/assets.js';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot } from '../../../support/cli.js';

const sources = path.join(repoRoot, 'src/app/ops/graph/assets/');

test('the page’s files are found next to the sources, and from dist/ (which the compiler does not copy them to)', async () => {
  assert.is(fileURLToPath(assetsDir()), sources);
  // dist/ is what `npm test` builds first, and what the installed command runs (here the copy of
  // the package under test: test/support/built.ts).
  const root = requireBuilt();
  const built = (await import(pathToFileURL(path.join(root, 'dist/app/ops/graph/assets.js')).href)) as typeof import('../../../../src/app/ops/graph/assets.js');
  assert.is(fileURLToPath(built.assetsDir()), path.join(root, 'src/app/ops/graph/assets/'));
  for (const name of Object.keys(ASSETS) as (keyof typeof ASSETS)[]) assert.is(built.readAsset(name), readAsset(name), name);
});

test('the package ships them, a few KB in all', async () => {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: requireBuilt(), timeout: 60_000 });
  const files = new Map((JSON.parse(stdout) as [{ files: { path: string; size: number }[] }])[0].files.map((f) => [f.path, f.size]));
  const shipped = Object.keys(ASSETS).map((name) => files.get(`src/app/ops/graph/assets/${name}`));
  assert.ok(shipped.every((size) => size !== undefined && size > 0), `shipped: ${JSON.stringify(shipped)}`);
  const total = shipped.reduce((a, b) => a! + b!, 0)!;
  assert.ok(total < 32 * 1024, `${total} bytes`);
});

test.run();
