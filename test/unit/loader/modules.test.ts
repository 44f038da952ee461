/**
 * Code modules in the user's own project, whatever its package type: `npm init -y` writes
 * "type": "commonjs", and a connector written with import/export (as `tremolo new` writes it)
 * must load there as in an ESM project. The project links tremolo (this checkout's dist/) and
 * zod as an install would.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlow } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { scaffold } from '../../../src/app/scaffold/generate.js';
import { repoRoot } from '../../support/cli.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir('tremolo-modules-');
test.after(() => tmp.cleanup());

/** A project folder with a package.json of this type, tremolo and zod installed (linked). */
function project(name: string, type: 'commonjs' | 'module' | undefined): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repoRoot, path.join(dir, 'node_modules/tremolo'), 'dir');
  symlinkSync(path.join(repoRoot, 'node_modules/zod'), path.join(dir, 'node_modules/zod'), 'dir');
  tmp.write(`${name}/package.json`, JSON.stringify({ name, version: '1.0.0', ...(type === undefined ? {} : { type }) }));
  return dir;
}

const CODEC = (name: string) => `defineCodec({ name: '${name}', create: () => ({ decode: (bytes) => bytes, encode: (value) => value }) })`;

async function problemsOf(dir: string, use: string[], connectors: Record<string, unknown> = {}): Promise<string[]> {
  const { problems } = await checkFlow(path.join(dir, 'flows/uses.json5'), { text: JSON.stringify({ use, connectors }), env: { TREMOLO_PATH: '' } });
  return problems.map(formatProblem).map((p) => p.replace(`${dir}/flows/`, ''));
}

test.before(() => {
  if (!existsSync(path.join(repoRoot, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
});

test('a scaffolded TypeScript connector loads in a CommonJS project (npm init) as in an ESM one', async () => {
  for (const type of ['commonjs', undefined, 'module'] as const) {
    const dir = project(`ts-${type ?? 'untyped'}`, type);
    scaffold('connector', 'my_counter', { dir });
    const problems = await problemsOf(dir, ['../connectors/my-counter.ts'], { c: { type: 'my_counter', config: { interval_ms: 0 } } });
    // Loaded, and its schema checks the config: the one problem is the out-of-range value.
    assert.equal(problems, ['uses.json5:1:103: connectors.c.config.interval_ms: expected a number >= 1, received 0'], String(type));
  }
});

test('JavaScript with import/export, module.exports or export default loads in a CommonJS project', async () => {
  const dir = project('js-commonjs', 'commonjs');
  tmp.write('js-commonjs/esm.js', `import { defineCodec } from 'tremolo';\nexport const one = ${CODEC('one')};\nexport default [${CODEC('two')}];\n`);
  tmp.write('js-commonjs/plain.js', `const { defineCodec } = require('tremolo');\nmodule.exports = { three: ${CODEC('three')} };\n`);
  tmp.write('js-commonjs/default.cts', `import { defineCodec } from 'tremolo';\nexport default { four: ${CODEC('four')} };\n`);
  tmp.write('js-commonjs/esm.mjs', `import { defineCodec } from 'tremolo';\nexport const five = ${CODEC('five')};\n`);
  const { model, problems } = await checkFlow(path.join(dir, 'flows/uses.json5'), {
    text: JSON.stringify({ use: ['../esm.js', '../plain.js', '../default.cts', '../esm.mjs'] }),
    env: { TREMOLO_PATH: '' },
  });
  assert.equal(problems.map(formatProblem), []);
  for (const name of ['one', 'two', 'three', 'four', 'five']) assert.ok(model!.registries.codecs.has(name), name);
});

test('a module that exports no definition is refused with what it must export', async () => {
  const dir = project('nothing', 'commonjs');
  tmp.write('nothing/empty.ts', `export const answer = 42;\nexport default { answer };\n`);
  assert.equal(await problemsOf(dir, ['../empty.ts']), [
    'uses.json5:1:9: use[0]: module "empty.ts" exports no definitions made with defineConnector, defineCodec, defineProcessor, defineOperator or defineServerExtension',
  ]);
});

test.run();
