import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ASSETS, assetsDir, readAsset } from '../../../../src/app/ops/graph/assets.js';
import { escapeXml } from '../../../../src/app/ops/graph/svg.js';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot, runCli } from '../../../support/cli.js';

const sources = path.join(repoRoot, 'src/app/ops/graph/assets/');

test('the page’s files are found from the package root, run from the sources or bundled into dist/', async () => {
  assert.is(fileURLToPath(assetsDir()), sources);
  // The built command (here the copy of the package under test: test/support/built.ts) runs
  // bundled chunks in dist/chunks/, far from src/: its drawing embeds the stylesheet it found.
  const drawn = await runCli(['graph', 'flows/echo.json5']);
  assert.is(drawn.code, 0, drawn.stderr);
  assert.ok(drawn.stdout.includes(`<style>${escapeXml(readAsset('graph.css'))}</style>`), drawn.stdout.slice(0, 2000));
  for (const name of Object.keys(ASSETS) as (keyof typeof ASSETS)[]) assert.ok(readAsset(name).length > 0, name);
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
