import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lineDiff } from '../../../../src/app/testing/integration/diff.js';
import { selectTests } from '../../../../src/app/testing/integration/index.js';
import { jsonReport, junitReport } from '../../../../src/app/testing/integration/report.js';
import { builtRoot } from '../../../support/built.js';
import { repoRoot, runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

// The suite runner of the built library (tremolo/testing) where the build is current (npm test builds first): the
// flows it starts are then the compiled command, where the sources' runner starts the sources
// through tsx (src/app/testing/integration/self.ts), at three times the CPU.
const { runSuite } = (
  builtRoot !== undefined
    ? await import(pathToFileURL(path.join(builtRoot, 'dist/app/testing/index.js')).href)
    : await import('../../../../src/app/testing/index.js')
) as typeof import('../../../../src/app/testing/index.js');

const fixtures = path.join(repoRoot, 'test/fixtures');
const integration = path.join(repoRoot, 'test/integration');
const tmp = tmpDir();
test.after(() => tmp.cleanup());

test('the failing fixture fails with a line diff of expected against actual, and a missing text', async () => {
  const [result] = await runSuite(path.join(fixtures, 'failing'), { timeoutMs: 20_000 });
  assert.is(result!.name, 'failing');
  assert.is(result!.passed, false);
  assert.equal(result!.failures, [
    'out.log differs from expected.json (- expected, + actual):\n    {"n":1}\n  - {"n":2}\n  + {"n":4}\n    {"n":3}',
    'stderr does not contain "never printed"',
  ]);
});

test('tests are found by walking the folder (lib and asset folders are not tests); the folder name is a tag; includes and excludes filter', () => {
  const tree = path.join(fixtures, 'tree');
  assert.equal(selectTests(tree).map((t) => t.name), ['alpha', 'group/beta']);
  assert.equal(selectTests(tree).map((t) => t.tags), [['alpha', 'fast', 'x'], ['beta', 'slow']]);
  assert.equal(selectTests(tree, { includes: ['slow'] }).map((t) => t.name), ['group/beta']);
  assert.equal(selectTests(tree, { includes: ['alpha', 'beta'], excludes: ['x'] }).map((t) => t.name), ['group/beta']);
  assert.ok(selectTests(integration).length >= 3);
});

test('the CLI prints a verdict per test, the diff, and "N passed, N failed"; it exits 1; reports are written', async () => {
  const report = path.join(tmp.dir, 'report.json');
  const junit = path.join(tmp.dir, 'junit.xml');
  const failing = path.join(fixtures, 'failing');
  const r = await runCli(['test', 'integration', failing, '--report', report, '--junit', junit], { timeoutMs: 30_000 });
  assert.is(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines[0], `running 1 test from ${failing}`);
  assert.match(lines[1]!, /^\[1\/1\] FAIL failing \(\d+\.\d s\)$/);
  assert.is(lines.at(-1), '0 passed, 1 failed');
  assert.match(r.stdout, /  - \{"n":2\}\n {6}\+ \{"n":4\}/);
  const json = JSON.parse(readFileSync(report, 'utf8')) as { passed: number; failed: number; tests: { name: string; passed: boolean }[] };
  assert.equal([json.passed, json.failed, json.tests[0]!.name, json.tests[0]!.passed], [0, 1, 'failing', false]);
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /<testsuite name="tremolo integration" tests="1" failures="1"/);
  assert.match(xml, /<failure message="out.log differs from expected.json \(- expected, \+ actual\):">/);
});

test('a test that runs too long is killed and fails, naming the limit', async () => {
  const dir = path.join(tmp.dir, 'slow');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'forever.json5'), `{ connectors: { tick: { type: 'metronome', config: { interval_ms: 1000 } } } }`);
  const [result] = await runSuite(tmp.dir, { timeoutMs: 1500, includes: ['slow'] });
  assert.is(result!.passed, false);
  assert.equal(result!.failures, ['timed out after 1500 ms', 'exit status (killed), expected 0']);
});

test('a before-process whose condition never holds fails the test with its log', async () => {
  const dir = path.join(tmp.dir, 'nobefore');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'flow.json5'), `{ connectors: { n: { type: 'null' } } }`);
  writeFileSync(path.join(dir, 'before.yaml'), `- cmd: sh\n  args: [-c, "echo preparing; sleep 5"]\n  await:\n    file-exists: [never.txt]\n  max-await-secs: 0.3\n`);
  const [result] = await runSuite(tmp.dir, { timeoutMs: 5000, includes: ['nobefore'] });
  assert.equal(result!.failures, ['before-process `sh -c echo preparing; sleep 5` not ready after 0.3 s (file-exists never.txt):\npreparing']);
});

test('a line diff shows changed lines with context and cuts long ones', () => {
  assert.is(lineDiff('a\nb\nc\n', 'a\nx\nc\n'), '    a\n  - b\n  + x\n    c');
  const long = lineDiff(Array.from({ length: 100 }, (_, i) => `e${i}`).join('\n'), Array.from({ length: 100 }, (_, i) => `a${i}`).join('\n'), 10);
  assert.is(long.split('\n').length, 11);
  assert.match(long, /\.\.\. \(190 more lines\)$/);
});

test('reports carry every result', () => {
  const r = { name: 'x<y', dir: '/t', tags: ['t'], passed: false, durationMs: 1234, failures: ['bad & worse'], warnings: [], stdout: '', stderr: 'e' };
  assert.match(jsonReport([r]), /"duration_ms": 1234/);
  assert.match(junitReport([r]), /name="x&lt;y" time="1.234">\n {6}<failure message="bad &amp; worse">/);
});

test.run();
