/**
 * Every scaffold as a user gets it: written into a fresh project outside this checkout, whose
 * node_modules links tremolo (this checkout), zod, uvu and tsx as an install would provide them;
 * type-checked with this repository's compiler settings; and its own test run, passing as written.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import JSON5 from 'json5';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scaffold } from '../../../../src/app/scaffold/generate.js';
import type { Scaffold } from '../../../../src/app/scaffold/names.js';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot, runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';
import { declaredTests, runTestFiles, type UvuRun } from '../../../support/uvu-files.js';

const run = promisify(execFile);
const project = tmpDir('tremolo-scaffold-');
const SCAFFOLDS: readonly (readonly [Scaffold, string, string])[] = [
  // what, NAME as typed, the file base it becomes
  ['flow', 'greeter', 'greeter'],
  ['connector', 'my-counter', 'my-counter'],
  ['codec', 'key_values', 'key-values'],
  ['processor', 'frame32', 'frame32'],
  ['operator', 'numbering', 'numbering'],
];
const written: string[] = [];

test.before(() => {
  // What users import as 'tremolo' is the built library (package.json exports), as for them.
  mkdirSync(path.join(project.dir, 'node_modules'));
  // Outside the checkout 'tremolo' does not resolve to itself: link it, as `npm install` would.
  symlinkSync(requireBuilt(), path.join(project.dir, 'node_modules/tremolo'), 'dir');
  for (const dep of ['zod', 'uvu', 'tsx']) symlinkSync(path.join(repoRoot, 'node_modules', dep), path.join(project.dir, 'node_modules', dep), 'dir');
  project.write('package.json', JSON.stringify({ name: 'scaffolded', private: true, type: 'module' }));
  for (const [what, name] of SCAFFOLDS) written.push(...scaffold(what, name, { dir: project.dir }).files);
});
test.after(() => project.cleanup());

test('each scaffold writes its module and its test, kebab-case, where a flow finds modules', () => {
  assert.equal(
    written.map((f) => path.relative(project.dir, f)),
    [
      'flows/greeter.json5',
      'test/greeter.test.ts',
      'connectors/my-counter.ts',
      'test/my-counter.test.ts',
      'connectors/key-values.ts',
      'test/key-values.test.ts',
      'connectors/frame32.ts',
      'test/frame32.test.ts',
      'pipelines/numbering.ts',
      'test/numbering.test.ts',
    ],
  );
});

test('kinds are registered snake_case (connectors, operators) or kebab-case (codecs, processors)', () => {
  const text = (file: string): string => readFileSync(path.join(project.dir, file), 'utf8');
  assert.match(text('connectors/my-counter.ts'), /^ {2}kind: 'my_counter',$/m);
  assert.match(text('connectors/key-values.ts'), /^ {2}name: 'key-values',$/m);
  assert.match(text('connectors/frame32.ts'), /^ {2}name: 'frame32',$/m);
  assert.match(text('pipelines/numbering.ts'), /^ {2}name: 'numbering',$/m);
});

test('the flow points $schema at the flow schema of the tremolo the project has installed', () => {
  assert.match(readFileSync(path.join(project.dir, 'flows/greeter.json5'), 'utf8'), /^ {2}\$schema: '\.\.\/node_modules\/tremolo\/schema\/flow\.schema\.json',/m);
});

test('the scaffolds type-check with the compiler settings of this repository', async () => {
  const { compilerOptions } = JSON5.parse(readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  const config = { compilerOptions: { ...compilerOptions, noEmit: true, typeRoots: [path.join(repoRoot, 'node_modules/@types')] }, include: ['connectors', 'pipelines', 'test'] };
  writeFileSync(path.join(project.dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  const output = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project.dir, timeout: 60_000 }).then(
    () => '',
    (err: { stdout: string; message: string }) => err.stdout || err.message,
  );
  assert.is(output, '');
});

test('the scaffolded modules are found by name from the project folder, and described by schema --use', async () => {
  const r = await runCli(['schema', '--use', 'my-counter', '--use', 'key-values', '--use', 'frame32', '--use', 'numbering'], { cwd: project.dir, env: { TREMOLO_PATH: '' } });
  assert.is(r.code, 0, r.stderr);
  for (const name of ['my_counter', 'key-values', 'frame32', 'numbering']) assert.ok(r.stdout.includes(`"const": "${name}"`), name);
});

// The five scaffolded test files run in one uvu process (test/support/uvu-files.ts), shared by the
// tests below: a process each would cost five starts of a node with tsx and tremolo loaded.
let together: Promise<UvuRun> | undefined;
const runTogether = (): Promise<UvuRun> => (together ??= runTestFiles(project.dir));
const declared = (file: string): number => declaredTests(path.join(project.dir, `test/${file}.test.ts`));

for (const [what, , file] of SCAFFOLDS) {
  test(`the ${what} scaffold's own test passes as written`, async () => {
    const { files, output } = await runTogether();
    const tests = declared(file);
    assert.ok(tests > 0, `test/${file}.test.ts declares no test`);
    assert.equal(files.get(`${file}.test.ts`), { passed: tests, ran: tests }, output);
  });
}

test("the scaffolds' tests, run together, all pass: the total is the sum of the files' tests", async () => {
  const { code, output, files, total, passed, skipped } = await runTogether();
  const sum = SCAFFOLDS.reduce((n, [, , file]) => n + declared(file), 0);
  assert.is(code, 0, output);
  assert.equal([total, passed, skipped], [sum, sum, 0], output);
  assert.equal([...files.keys()].sort(), SCAFFOLDS.map(([, , file]) => `${file}.test.ts`).sort(), output);
});

test.run();
