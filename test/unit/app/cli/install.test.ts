/**
 * tremolo as a newcomer installs it (docs/cli.md, "Installing"): the package packed with
 * `npm pack`, installed into a project made by `npm init -y` (so CommonJS) with the README's
 * command, then used there: `npx tremolo --version`, `tremolo new` for a flow and a TypeScript
 * connector, their scaffolded tests, and the flow served and called. The dependencies come from
 * npm's cache when it has them (`--prefer-offline`), as on a machine that installed before.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';
import { declaredTests, runTestFiles } from '../../../support/uvu-files.js';

const run = promisify(execFile);
const tmp = tmpDir('tremolo-install-');
const project = path.join(tmp.dir, 'project');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', TREMOLO_PATH: '' };
let tarball = '';

test.before(async () => {
  // The package as just built (a copy that a rebuild meanwhile cannot change: test/support/built.ts).
  const built = requireBuilt();
  mkdirSync(project);
  const [packed] = await Promise.all([
    // --ignore-scripts: `prepare` would rebuild dist/ under the tests running beside this one.
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp.dir, built], { cwd: tmp.dir, env, timeout: 60_000 }),
    run('npm', ['init', '-y'], { cwd: project, env, timeout: 60_000 }),
  ]);
  tarball = path.join(tmp.dir, packed.stdout.trim().split('\n').pop()!);
  // The guide's two commands (npm install TARBALL zod; npm install -D uvu tsx) in one, to save
  // an npm start-up on a busy machine: the same packages land in node_modules.
  await run('npm', ['install', '--prefer-offline', tarball, 'zod', 'uvu', 'tsx'], { cwd: project, env, timeout: 100_000 });
});
test.after(() => tmp.cleanup());

test('the package holds the built library, the command, the schema and the shipped flows, not the tests', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball], { timeout: 30_000 });
  const files = stdout.split('\n').map((f) => f.replace(/^package\//, ''));
  for (const f of ['package.json', 'bin/tremolo.js', 'dist/app/cli/bin.js', 'dist/index.js', 'dist/index.d.ts', 'dist/app/testing/index.js', 'schema/flow.schema.json', 'flows/echo.json5', 'connectors/std.json5']) {
    assert.ok(files.includes(f), f);
  }
  assert.equal(files.filter((f) => /^(test|bench|examples|node_modules|\.ci)\//.test(f)), []);
  // tremolo's own TypeScript modules, compiled, and their sources (for a flow that names them).
  for (const f of ['dist/packages/thingsdb/thingsdb.js', 'dist/packages/ditto/ditto.js', 'dist/pipelines/chat.js', 'dist/connectors/sequence.js', 'packages/thingsdb/thingsdb.ts', 'pipelines/chat.ts']) {
    assert.ok(files.includes(f), f);
  }
  assert.equal(files.filter((f) => /^(dist\/)?packages\/[^/]+\/test\//.test(f)), []);
});

test('the installed library loads tremolo’s own TypeScript modules as their compiled JavaScript', async () => {
  const installed = path.join(project, 'node_modules/tremolo');
  const load = async (file: string): Promise<Record<string, unknown>> => (await import(pathToFileURL(path.join(installed, file)).href)) as Record<string, unknown>;
  const tremolo = (await load('dist/index.js')) as unknown as typeof import('../../../../src/index.js');
  const { model, problems } = await tremolo.checkFlow(path.join(project, 'uses.json5'), { text: "{ use: ['chat', 'thingsdb'] }", env: { TREMOLO_PATH: '' } });
  assert.equal(problems, []);
  // npm gives every file of the tarball one time: the compiled files count as current.
  assert.is(model!.registries.operators.get('chat'), (await load('dist/pipelines/chat.js')).default);
  assert.is(model!.registries.processors.get('thingsdb'), (await load('dist/packages/thingsdb/thingsdb.js')).thingsdb);
});

test('npx tremolo runs the installed command in the project, without fetching anything', async () => {
  // --no: npx must find tremolo in node_modules/.bin, never install it into its cache.
  const { stdout } = await run('npx', ['--no', '--', 'tremolo', '--version'], { cwd: project, env, timeout: 60_000 });
  assert.is(stdout, `tremolo ${pkg.version}\n`);
  assert.is(JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')).type, 'commonjs');
});

test('in that CommonJS project, tremolo new writes a flow and a TypeScript connector whose own tests pass', async () => {
  // The installed bin itself: npx finding it is the test above, and each npx costs an npm start-up.
  const tremolo = path.join(project, 'node_modules/.bin/tremolo');
  await Promise.all([
    run(tremolo, ['new', 'flow', 'greeter'], { cwd: project, env, timeout: 60_000 }),
    run(tremolo, ['new', 'connector', 'my_counter'], { cwd: project, env, timeout: 60_000 }),
  ]);
  const flow = readFileSync(path.join(project, 'flows/greeter.json5'), 'utf8');
  const schema = /\$schema: '([^']+)'/.exec(flow)![1]!;
  assert.is(schema, '../node_modules/tremolo/schema/flow.schema.json');
  assert.ok(existsSync(path.join(project, 'flows', schema)), 'the $schema file exists');
  // Both test files in one process, through uvu's command as `npx uvu test` runs them there
  // (test/support/uvu-files.ts): a process each costs a second start of tsx and tremolo.
  const { code, output, files, total, passed, skipped } = await runTestFiles(project, { env });
  const tests = ['greeter.test.ts', 'my-counter.test.ts'].map((f) => [f, declaredTests(path.join(project, 'test', f))] as const);
  for (const [file, declared] of tests) {
    assert.ok(declared > 0, `${file} declares no test`);
    assert.equal(files.get(file), { passed: declared, ran: declared }, `${file}\n${output}`);
  }
  const sum = tests.reduce((n, [, declared]) => n + declared, 0);
  assert.equal([code, total, passed, skipped], [0, sum, sum, 0], output);
});

test('the installed command serves the scaffolded flow, and stops on SIGTERM with exit 0', async () => {
  // A service runs the bin itself: npx does not pass SIGTERM on to it (docs/cli.md).
  const child = spawn(path.join(project, 'node_modules/.bin/tremolo'), ['run', 'flows/greeter.json5', '--arg', 'url=http://127.0.0.1:0', '--arg', 'greeting=hi'], { cwd: project, env });
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`exited before listening:\n${stderr}`)));
    });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Ann"}' });
    assert.is(response.status, 200);
    assert.equal(await response.json(), { greeting: 'hi, Ann' });
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await exited, 0, stderr);
  clearTimeout(timer);
});

test.run();
