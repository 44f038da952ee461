import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { operatorReference } from '../../../src/app/docs/reference.js';
import { FUNCTION_GROUPS, FUNCTION_NOTES } from '../../../src/app/docs/reference-functions.js';
import { GENERATED, referencePages } from '../../../src/app/docs/reference-pages.js';
import { ERROR_CODES } from '../../../src/sdk/errors.js';
import { builtins } from '../../../src/app/builtins/registries.js';
import { startCli } from '../../support/cli.js';

// The built CLI under test (test/support/built.ts), as bin/tremolo.js runs it.
const runCli = (args: readonly string[]) => startCli(args).done;

const root = path.resolve(import.meta.dirname, '../../..');
const refDir = path.join(root, 'docs/reference');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));

test('docs/reference holds exactly the generated pages (run `node bin/tremolo.js doc --update docs/reference` when it does not)', () => {
  const pages = referencePages();
  for (const p of pages) {
    const file = path.join(refDir, p.path);
    assert.ok(existsSync(file), `docs/reference/${p.path} is missing`);
    assert.fixture(readFileSync(file, 'utf8'), p.text, `docs/reference/${p.path} is stale`);
  }
  const expected = new Set(pages.map((p) => path.join(refDir, p.path)));
  assert.equal(filesUnder(refDir).filter((f) => !expected.has(f)).map((f) => path.relative(root, f)), [], 'pages of names that no longer exist');
});

test('every built-in connector kind, codec, processor and operator has its page', () => {
  const regs = builtins();
  const paths = new Set(referencePages().map((p) => p.path));
  for (const kind of regs.connectors.names()) assert.ok(paths.has(`connectors/${kind}.md`), kind);
  for (const name of regs.codecs.names()) assert.ok(paths.has(`codecs/${name}.md`), name);
  for (const name of regs.processors.names()) assert.ok(paths.has(`processors/${name}.md`), name);
  for (const name of regs.operators.names()) assert.ok(paths.has(`operators/${name}.md`), name);
});

test('every error code has its row on the error page', () => {
  const errors = referencePages().find((p) => p.path === 'errors.md')!.text;
  for (const code of Object.keys(ERROR_CODES)) assert.is(errors.split(`| \`${code}\` |`).length - 1, 1, code);
});

test('every expression function has a description on the functions page', () => {
  const names = FUNCTION_GROUPS.flatMap(([, specs]) => specs.map((s) => s.name));
  assert.equal(names.filter((n) => FUNCTION_NOTES[n] === undefined), []);
  assert.equal(Object.keys(FUNCTION_NOTES).filter((n) => !names.includes(n)), [], 'descriptions of functions that do not exist');
  const page = referencePages().find((p) => p.path === 'functions.md')!.text;
  assert.match(page, '| `substr(s, start, end?)` | `string::substr` | the code points from `start`');
});

test('the operator reference lists output ports, or says the config names them', () => {
  const ref = operatorReference();
  const section = (name: string): string => ref.slice(ref.indexOf(`#### \`${name}\``)).split('\n#### ')[0]!;
  assert.match(section('dedupe'), 'Output ports: `out`, `duplicate`.');
  assert.match(section('filter'), 'Output ports: `out`.');
  assert.match(section('route'), 'Output ports: named by its config.');
});

test('tremolo doc NAME prints the page of one kind, without the generated-file comment', async () => {
  const r = await runCli(['doc', 'ws_server']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, readFileSync(path.join(refDir, 'connectors/ws_server.md'), 'utf8').slice(GENERATED.length + 2));
  assert.match(r.stdout, /^# `ws_server` connector\n/);
  assert.match(r.stdout, '| `max_message_size` |');
});

test('tremolo doc answers a mistyped name with the nearest one and the sections', async () => {
  const r = await runCli(['doc', 'ws_servr']);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.is(
    r.stderr,
    'tremolo doc: unknown section or name "ws_servr"; did you mean "ws_server"? sections: connectors, codecs, processors, operators, functions, errors; or the name of a connector kind, codec, processor or operator (tremolo doc ws_server)\n',
  );
});

test('tremolo doc --update DIR writes every page, then reports it up to date, and removes a generated page of a kind that is gone', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tremolo-doc-'));
  try {
    const stale = path.join(dir, 'connectors/gone.md');
    const own = path.join(dir, 'connectors/notes.md');
    const pages = referencePages();
    const first = await runCli(['doc', '--update', dir]);
    assert.is(first.code, 0, first.stderr);
    assert.is(first.stdout, `${dir}: ${pages.length} pages written (${pages.length} pages)\n`);
    writeFileSync(stale, `${GENERATED}\n\n# \`gone\` connector\n`);
    writeFileSync(own, '# my own notes\n');
    const second = await runCli(['doc', '--update', dir]);
    assert.is(second.stdout, `${dir}: 1 removed (${pages.length} pages)\n`);
    assert.not.ok(existsSync(stale));
    assert.ok(existsSync(own), 'a file the command did not write is kept');
    const third = await runCli(['doc', '--update', dir]);
    assert.is(third.stdout, `${dir}: up to date (${pages.length} pages)\n`);
    assert.is(readFileSync(path.join(dir, 'connectors/ws_server.md'), 'utf8'), readFileSync(path.join(refDir, 'connectors/ws_server.md'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tremolo doc --update FILE fills the reference markers of a Markdown file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tremolo-doc-'));
  try {
    const file = path.join(dir, 'notes.md');
    writeFileSync(file, '# Notes\n\n<!-- reference:errors -->\nSTALE-TEXT\n<!-- /reference:errors -->\n');
    const r = await runCli(['doc', '--update', file]);
    assert.is(r.stdout, `${file}: updated\n`);
    const text = readFileSync(file, 'utf8');
    assert.match(text, '<!-- reference:errors -->\n| code | meaning |');
    assert.match(text, '| `ERR_FLOW_PARSE` |');
    assert.not.match(text, 'STALE-TEXT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
