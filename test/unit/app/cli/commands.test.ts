/**
 * The command table: every command is loaded only when it runs, so `tremolo --version` and
 * `--help` load neither the runtime nor any library. Measured on the installed path (bin/ →
 * dist/, bundled by scripts/build.ts, each command a chunk of its own) by a module hook that
 * records every module Node.js loads; the times are in `npm run bench -- startup`, not here.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mainHelp } from '../../../../src/app/cli/cli.js';
import { COMMANDS } from '../../../../src/app/cli/commands.js';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot, runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

const run = promisify(execFile);
const tmp = tmpDir('tremolo-commands-');
test.after(() => tmp.cleanup());

const register = tmp.write('register.mjs', `import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n`);
tmp.write(
  'hooks.mjs',
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_LOG, url + '\\n');
  return next(url, context);
}
`,
);

/** The modules `tremolo ARGS` loads from the installed path, relative to the package. */
async function modulesLoaded(args: string[], name: string): Promise<string[]> {
  const built = requireBuilt();
  const log = tmp.write(`${name}.log`, '');
  await run(process.execPath, ['--import', register, path.join(built, 'bin/tremolo.js'), ...args], {
    cwd: repoRoot,
    timeout: 60_000,
    env: { ...process.env, LOADED_LOG: log },
  }).catch((err: { code?: number }) => {
    if (typeof err.code !== 'number') throw err;
  });
  // The package's own modules, and its dependencies: linked into a copy of the package under
  // test (test/support/built.ts), they load from the checkout's node_modules.
  const roots = [`file://${built}/`, `file://${repoRoot}/`];
  return readFileSync(log, 'utf8')
    .split('\n')
    .flatMap((url) => {
      const root = roots.find((r) => url.startsWith(r));
      return root === undefined ? [] : [url.slice(root.length)];
    });
}

/** The bytes of the package's own modules among `loaded`. */
const ownBytes = (loaded: readonly string[]): number => loaded.filter((m) => m.startsWith('dist/')).reduce((n, m) => n + statSync(path.join(requireBuilt(), m)).size, 0);
/** The file a command is bundled into (scripts/build.ts): `dist/chunks/NAME-HASH.js`. */
const commandChunk = (name: string): RegExp => new RegExp(`^dist/chunks/${name}-[A-Z0-9]+\\.js$`);

test('--version and --help load the command table and the help, not the runtime nor any library', async () => {
  const [version, help] = await Promise.all([modulesLoaded(['--version'], 'version'), modulesLoaded(['--help'], 'help')]);
  for (const loaded of [version, help]) {
    assert.ok(loaded.includes('dist/app/cli/bin.js'), loaded.join('\n'));
    assert.equal(loaded.filter((m) => m.startsWith('node_modules/')), []);
    assert.equal(loaded.filter((m) => Object.keys(COMMANDS).some((name) => commandChunk(name).test(m))), []);
    // The runtime is over a megabyte; the command table and the help are tens of kilobytes.
    assert.ok(ownBytes(loaded) < 100_000, `${ownBytes(loaded)} bytes:\n${loaded.join('\n')}`);
    assert.ok(loaded.length <= 12, loaded.join('\n'));
  }
});

test('a command\'s --help is printed without loading the command', async () => {
  const loaded = await modulesLoaded(['run', '--help'], 'run-help');
  assert.not.ok(loaded.some((m) => commandChunk('run').test(m)), loaded.join('\n'));
  assert.equal(loaded.filter((m) => m.startsWith('node_modules/')), []);
  assert.ok(ownBytes(loaded) < 100_000, `${ownBytes(loaded)} bytes:\n${loaded.join('\n')}`);
});

test('a command loads what it needs when it runs (the hook sees libraries and the runtime)', async () => {
  const loaded = await modulesLoaded(['validate', 'flows/echo.json5'], 'validate');
  assert.ok(loaded.some((m) => commandChunk('validate').test(m)), loaded.join('\n'));
  assert.ok(ownBytes(loaded) > 1_000_000, `${ownBytes(loaded)} bytes:\n${loaded.join('\n')}`);
  // The libraries bundled in are inside those bytes; the others load from node_modules.
  assert.ok(loaded.some((m) => m.startsWith('node_modules/msgpackr/')), loaded.join('\n'));
  assert.not.ok(loaded.some((m) => commandChunk('run').test(m)), loaded.join('\n'));
});

test('every command of the table loads into a function, has its help, and is listed by --help', async () => {
  const help = mainHelp();
  for (const [name, spec] of Object.entries(COMMANDS)) {
    assert.type(await spec.load(), 'function', name);
    assert.match(spec.help ?? '', new RegExp(`^Usage: tremolo ${name}\\b`), name);
    assert.ok(help.includes(`\n  tremolo ${spec.synopsis.split('\n')[0]}\n`), name);
    assert.match(help, new RegExp(`\\n  ${name} +${spec.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`), name);
  }
});

test('a mistyped command, option, value, section or scaffold is answered with the nearest one', async () => {
  const [command, option, value, section, scaffold] = await Promise.all([
    runCli(['rnu', 'flows/echo.json5']),
    runCli(['validate', '--args', 'x=1', 'flows/echo.json5']),
    runCli(['run', 'flows/echo.json5', '--log-format', 'jsno']),
    runCli(['doc', 'conectors']),
    runCli(['new', 'conector', 'x']),
  ]);
  assert.equal(
    [command, option, value, section, scaffold].map((r) => [r.code, r.stdout, r.stderr]),
    [
      [2, '', 'tremolo: unknown command "rnu"; did you mean "run"? commands: run, validate, convert, graph, schema, doc, new, test, hash-password, completion\n'],
      [2, '', 'tremolo validate: unknown option "--args"; did you mean "--arg"? options: --arg, --help\n'],
      [2, '', 'tremolo run: --log-format expects one of text, json, received "jsno"; did you mean "json"?\n'],
      [2, '', 'tremolo doc: unknown section or name "conectors"; did you mean "connectors"? sections: connectors, codecs, processors, operators, functions, errors; or the name of a connector kind, codec, processor or operator (tremolo doc ws_server)\n'],
      [2, '', 'tremolo new: cannot make "conector"; did you mean "connector"? expected one of flow, connector, codec, processor, operator\n'],
    ],
  );
});

test('tremolo help COMMAND prints the help of that command', async () => {
  const [help, direct] = await Promise.all([runCli(['help', 'validate']), runCli(['validate', '-h'])]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage: tremolo validate FLOW\.\.\./);
  assert.is(help.stdout, direct.stdout);
});

test.run();
