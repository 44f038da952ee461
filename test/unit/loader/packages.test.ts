/**
 * Custom kinds published as an npm package. The example package in examples/ is packed and
 * installed into a temporary project the way npm installs a published one (a copy, with its peer
 * dependencies tremolo and zod linked to this checkout: no network), then named by package name
 * from flows, described by `schema --use` and `doc --use`, and type-checked as TypeScript sees it.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import JSON5 from 'json5';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flowJsonSchema } from '../../../src/app/docs/json-schema.js';
import { checkFlow } from '../../../src/app/load.js';
import { startFlow } from '../../../src/app/testing/index.js';
import { cliRoot, requireBuilt } from '../../support/built.js';
import { repoRoot, runCli } from '../../support/cli.js';
import { tmpDir } from '../../support/tmp.js';

const run = promisify(execFile);
const example = path.join(repoRoot, 'examples/tremolo-example-kinds');
const project = tmpDir('tremolo-packages-');
const installed = path.join(project.dir, 'node_modules/tremolo-example-kinds');
// No TREMOLO_PATH from the environment: messages list the search path.
const env = { TREMOLO_PATH: '' };

type Json = Record<string, unknown>;

test.before(async () => {
  // What users import as 'tremolo' is the built library (package.json exports), as for them.
  project.write('package.json', JSON.stringify({ name: 'uses-example-kinds', private: true, type: 'module', dependencies: { tremolo: `file:${requireBuilt()}`, zod: `file:${path.join(repoRoot, 'node_modules/zod')}` } }));
  const npm = { cwd: project.dir, timeout: 60_000, env: { ...process.env, npm_config_update_notifier: 'false' } };
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', project.dir, example], npm);
  // --ignore-scripts: linking tremolo must not run its prepare (a build of this checkout).
  await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', `./${stdout.trim().split('\n').pop()!}`], npm);
});
test.after(() => project.cleanup());

test('the packed package holds its modules, their types and its README, nothing else', () => {
  assert.equal(readdirSync(installed).sort(), ['README.md', 'countdown.js', 'every-nth.js', 'index.d.ts', 'index.js', 'logfmt.js', 'netstring.js', 'package.json']);
});

test('a flow names the package in use and gets its kinds', async () => {
  const flow = await startFlow(
    {
      use: ['tremolo-example-kinds'],
      connectors: { numbers: { type: 'countdown', config: { from: 5 } } },
      pipelines: { half: { operators: [{ op: 'every_nth', config: { n: 2 } }] } },
      links: [['numbers', 'half']],
    },
    { file: path.join(project.dir, 'inline.flow.json5') },
  );
  try {
    const kept = await flow.collect('half', 'out', 3, { timeout: 2000 });
    assert.equal(
      kept.map((e) => e.data),
      [{ remaining: 4 }, { remaining: 2 }, { remaining: 0 }],
    );
    assert.equal(kept[0]!.meta, { countdown: { from: 5 } });
    const skipped = await flow.collect('half', 'skipped', 3, { timeout: 2000 });
    assert.equal(
      skipped.map((e) => e.data),
      [{ remaining: 5 }, { remaining: 3 }, { remaining: 1 }],
    );
  } finally {
    await flow.stop();
  }
});

test('tremolo run runs a flow of the package from the project, which ends once the countdown has: logfmt lines in netstrings in the file', async () => {
  project.write(
    'countdown.json5',
    `{
  use: ['tremolo-example-kinds'],
  connectors: {
    numbers: { type: 'countdown', config: { from: 5 } },
    out: { type: 'file', codec: 'logfmt', postprocessors: ['netstring'], config: { path: 'out.log', mode: 'truncate' } },
  },
  pipelines: { half: { operators: [{ op: 'every_nth', config: { n: 2 } }] } },
  links: [['numbers', 'half'], ['half', 'out']],
}
`,
  );
  const r = await runCli(['run', 'countdown.json5'], { cwd: project.dir, env });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /\[countdown\] finished: every source has \(numbers\)\n/);
  assert.is(readFileSync(path.join(project.dir, 'out.log'), 'utf8'), '11:remaining=4,11:remaining=2,11:remaining=0,');
});

test('a file of netstrings read in 4-byte chunks decodes through the package processor and codec', async () => {
  const netstring = (text: string): string => `${Buffer.byteLength(text)}:${text},`;
  const input = project.write('in.log', ['remaining=4', 'msg="hello \\"world\\"" ok at=1', 'a="open'].map(netstring).join(''));
  const flow = await startFlow(
    {
      use: ['tremolo-example-kinds'],
      connectors: { input: { type: 'file', codec: 'logfmt', preprocessors: ['netstring'], config: { path: input, mode: 'read', chunk_size: 4 } } },
    },
    { file: path.join(project.dir, 'inline.flow.json5') },
  );
  try {
    const events = await flow.collect('input', 'out', 2, { timeout: 2000 });
    assert.equal(
      events.map((e) => e.data),
      [{ remaining: '4' }, { msg: 'hello "world"', ok: true, at: '1' }],
    );
    const error = (await flow.next('input', 'err', { timeout: 2000 })).data as { code: string; error: string };
    assert.equal([error.code, error.error], ['ERR_CODEC_DECODE', 'input: logfmt: the quoted value of "a" at character 2 is not closed']);
  } finally {
    await flow.stop();
  }
});

test('a config of a package kind is checked by its schema, placed in the flow', async () => {
  const { problems } = await checkFlow(project.write('bad.json5', `{\n  use: ['tremolo-example-kinds'],\n  connectors: { numbers: { type: 'countdown', config: { from: -1 } } },\n}\n`), { env });
  assert.equal(
    problems.map((p) => `${p.line}:${p.column}: ${p.path}: ${p.message}`),
    ['3:63: connectors.numbers.config.from: expected a number >= 0, received -1'],
  );
});

test('tremolo schema --use gives editors the configs of the package kinds, as the loader sees them', async () => {
  const r = await runCli(['schema', '--use', 'tremolo-example-kinds'], { cwd: project.dir, env });
  assert.is(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as Json;
  const { model } = await checkFlow(path.join(project.dir, 'uses.json5'), { text: "{ use: ['tremolo-example-kinds'] }", env });
  assert.equal(printed, flowJsonSchema(model!.registries));

  const kinds = ((printed.properties as Json).connectors as { additionalProperties: { anyOf: Json[] } }).additionalProperties.anyOf;
  const countdown = kinds.find((k) => ((k.properties as Json).type as Json).const === 'countdown');
  const config = (countdown!.properties as Json).config as Json;
  assert.equal(config.required, ['from']);
  assert.equal((config.properties as Json).from, { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the first number; the last is 0' });
  for (const name of ['logfmt', 'netstring', 'every_nth']) assert.ok(r.stdout.includes(`"const": "${name}"`), name);
});

test('tremolo doc --use prints the reference of the package kinds with the built-ins', async () => {
  const r = await runCli(['doc', 'connectors', 'operators', '--use', 'tremolo-example-kinds'], { cwd: project.dir, env });
  assert.is(r.code, 0, r.stderr);
  assert.ok(
    r.stdout.includes(`#### \`countdown\`

Emits \`{ remaining }\` from \`from\` down to 0, \`interval_ms\` apart, then ends its stream.

Codec: none (structured events). Ports: in: —; out: \`out\`, \`err\`.

Metadata: \`meta.countdown = { from }\` on every event.

| option | type | required | default | description |
|---|---|---|---|---|
| \`from\` | integer | yes |  | the first number; the last is 0 |
| \`interval_ms\` | number |  | \`0\` | pause between events; 0 sends them as fast as flow control allows |
`),
    r.stdout,
  );
  assert.ok(
    r.stdout.includes(`#### \`every_nth\`

Lets the \`n\`th event through to \`out\`, then the 2\`n\`th, and so on (counted per operator); the others go to \`skipped\`.

Output ports: \`out\`, \`skipped\`.

| option | type | required | default | description |
|---|---|---|---|---|
| \`n\` | integer | yes |  | let one event in n through |
`),
    r.stdout,
  );
  assert.match(r.stdout, /^#### `ws_server`$/m);
});

test('the kinds of installed packages marked tremolo-kinds are in doc and schema without --use', async () => {
  const [docs, schema] = await Promise.all([runCli(['doc', 'connectors'], { cwd: project.dir, env }), runCli(['schema'], { cwd: project.dir, env })]);
  assert.is(docs.code, 0, docs.stderr);
  assert.match(docs.stdout, /^#### `countdown`$/m);
  assert.is(schema.code, 0, schema.stderr);
  assert.match(schema.stdout, /"const": "countdown"/);
  // Outside the project (no dependency on it) only the built-ins are described.
  const elsewhere = await runCli(['doc', 'connectors'], { cwd: repoRoot, env });
  assert.not.match(elsewhere.stdout, /^#### `countdown`$/m);
});

test('a module --use cannot load is named with the reason, and nothing is printed (exit 1)', async () => {
  const r = await runCli(['doc', '--use', 'tremolo-example-kinds', '--use', 'no-such-kinds'], { cwd: project.dir, env });
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.is(r.stderr, `tremolo doc: --use no-such-kinds: module "no-such-kinds" not found (looked in ${project.dir}, ${cliRoot})\n`);
});

test('TypeScript sees the package through index.d.ts, and its JavaScript type-checks against tremolo', async () => {
  project.write(
    'check.ts',
    `import { countdown, everyNth, logfmt, netstring, type CountdownConfig } from 'tremolo-example-kinds';

const config: CountdownConfig = countdown.config.parse({ from: 3 });
export const names: string[] = [countdown.kind, logfmt.name, netstring.name, everyNth.name, String(config.interval_ms)];
`,
  );
  const sources = ['countdown.js', 'logfmt.js', 'netstring.js', 'every-nth.js'].map((f) => `node_modules/tremolo-example-kinds/${f}`);
  const compilerOptions = { ...readTsconfig().compilerOptions, allowJs: true, checkJs: true, noEmit: true, typeRoots: [path.join(repoRoot, 'node_modules/@types')] };
  writeFileSync(path.join(project.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts', ...sources] }));
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project.dir, timeout: 60_000 }).then(
    () => '',
    (err: { stdout: string }) => err.stdout,
  );
  assert.is(result, '');
});

/** The repository's compiler settings, so the package is held to the same strictness as tremolo. */
function readTsconfig(): { compilerOptions: Json } {
  return JSON5.parse(readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8'));
}

test.run();
