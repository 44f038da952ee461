import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../../../src/app/cli/commands.js';
import { parse } from '../../../src/app/cli/options.js';
import { checkFlow } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { startCli } from '../../support/cli.js';
import { blocks, markdownFiles, root, type Block } from './markdown.js';

/**
 * Every code block of README.md, CONTRIBUTING.md and docs/ that is a flow (json5 or troy) loads and
 * validates as written, unless the line before it says otherwise:
 *   <!-- fragment -->       part of a flow (a connector, an operator), not checked on its own;
 *   <!-- file: PATH -->     the block is the file PATH of the repository, word for word (any language);
 *   <!-- invalid: NAME -->  a flow with mistakes: `tremolo validate NAME` must print exactly what the
 *                           next block shows after its `$ tremolo validate NAME` line.
 * `tremolo ...` lines of sh blocks must name a command and options it has.
 */
const all: Block[] = markdownFiles().flatMap(blocks);
const where = (b: Block): string => `${b.file}:${b.line}`;
const isFlow = (b: Block): boolean => b.lang === 'json5' || b.lang === 'troy';

/** `${env:NAME}` without a default must be set for a flow to load; the examples get a stand-in. */
function envFor(text: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const m of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g)) env[m[1]!] ??= 'example';
  return env;
}

test('every marker is one the docs tests know', () => {
  const bad = all.filter((b) => b.marker !== undefined && !/^(fragment|file: \S+|invalid: \S+)$/.test(b.marker) && !b.marker.startsWith('reference:'));
  assert.equal(bad.map((b) => `${where(b)}: <!-- ${b.marker} -->`), []);
});

test('every json5 and troy block that is a flow validates as written', async () => {
  const flows = all.filter((b) => isFlow(b) && b.marker === undefined);
  assert.ok(flows.length >= 8, `only ${flows.length} flow blocks found`);
  const failures: string[] = [];
  for (const b of flows) {
    const file = path.join(root, `docs-example.${b.lang === 'troy' ? 'troy' : 'json5'}`);
    const { problems } = await checkFlow(file, { text: b.text, env: envFor(b.text) });
    if (problems.length > 0) failures.push(`${where(b)}:\n  ${problems.map(formatProblem).join('\n  ')}`);
  }
  assert.equal(failures, []);
});

test('a block marked with a file is that file, and a flow file there validates', async () => {
  const files = all.filter((b) => b.marker?.startsWith('file: '));
  assert.ok(files.length >= 2);
  for (const b of files) {
    const rel = b.marker!.slice('file: '.length);
    assert.ok(existsSync(path.join(root, rel)), `${where(b)}: ${rel} does not exist`);
    assert.fixture(b.text, readFileSync(path.join(root, rel), 'utf8'), `${where(b)} differs from ${rel}`);
    if (isFlow(b)) {
      const { problems } = await checkFlow(path.join(root, rel), { env: envFor(b.text) });
      assert.equal(problems.map(formatProblem), [], rel);
    }
  }
});

test('a block marked invalid gets exactly the problems the next block shows', async () => {
  const invalid = all.filter((b) => b.marker?.startsWith('invalid: '));
  assert.ok(invalid.length >= 1);
  for (const b of invalid) {
    const name = b.marker!.slice('invalid: '.length);
    const shown = all[all.indexOf(b) + 1];
    assert.ok(shown !== undefined && shown.file === b.file, `${where(b)}: no block shows its output`);
    const [command, ...expected] = shown!.text.trimEnd().split('\n');
    assert.is(command, `$ tremolo validate ${name}`, where(shown!));
    const dir = mkdtempSync(path.join(tmpdir(), 'tremolo-docs-'));
    try {
      writeFileSync(path.join(dir, name), b.text);
      const r = await startCli(['validate', name], { cwd: dir }).done;
      assert.is(r.code, 1, where(b));
      assert.fixture(r.stderr, `${expected.join('\n')}\n`, `${where(shown!)}: the output shown is not what tremolo validate prints`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

/** Words of a shell line, quotes removed; stops at a comment, a pipe, a redirection or `&`. */
function words(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote = '';
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== '') {
      if (c === quote) quote = '';
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(word);
      word = '';
      started = false;
    } else if ('|<>&;#'.includes(c) && !started) break;
    else {
      word += c;
      started = true;
    }
  }
  if (started) out.push(word);
  return out;
}

test('every tremolo command line in an sh block names a command and its options, and the shipped flows it runs exist', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const b of all.filter((x) => x.lang === 'sh')) {
    for (const line of b.text.split('\n')) {
      const argv = words(line.replace(/^\$ /, ''));
      const at = argv.findIndex((w) => w === 'tremolo' || w === 'bin/tremolo.js');
      if (at < 0 || (at > 0 && !['npx', 'node'].includes(argv[at - 1]!))) continue;
      const [command, ...rest] = argv.slice(at + 1);
      if (command === undefined || command === 'help' || command.startsWith('-')) continue;
      checked++;
      const spec = COMMANDS[command];
      if (spec === undefined) {
        problems.push(`${where(b)}: unknown command in ${JSON.stringify(line)}`);
        continue;
      }
      try {
        parse(rest, spec.options);
      } catch (err) {
        problems.push(`${where(b)}: ${(err as Error).message} in ${JSON.stringify(line)}`);
      }
      for (const w of rest) if (/^flows\/[\w.-]+\.json5$/.test(w) && !existsSync(path.join(root, w))) problems.push(`${where(b)}: ${w} does not exist`);
    }
  }
  assert.ok(checked >= 10, `only ${checked} command lines found`);
  assert.equal(problems, []);
});

test.run();
