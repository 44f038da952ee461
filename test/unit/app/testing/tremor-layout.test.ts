import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pathToFileURL } from 'node:url';
import { fromTremor } from '../../../../src/app/testing/integration/tremor-cli.js';
import { builtRoot } from '../../../support/built.js';
import { tmpDir } from '../../../support/tmp.js';

// The suite runner of the built library (tremolo/testing) where the build is current (npm test builds first): the
// flows and `tremor server run` it starts are then the compiled command, about 0.8 s of CPU each.
// The sources' runner starts the sources through tsx, about 2.5 s each (src/app/testing/integration/self.ts).
const { runSuite } = (
  builtRoot !== undefined
    ? await import(pathToFileURL(path.join(builtRoot, 'dist/app/testing/index.js')).href)
    : await import('../../../../src/app/testing/index.js')
) as typeof import('../../../../src/app/testing/index.js');

const tmp = tmpDir('tremolo-tremor-layout-');
test.after(() => tmp.cleanup());

const ECHO = `{ connectors: { io: { type: 'stdio', codec: 'string', preprocessors: ['separate'], postprocessors: ['separate'] } },
  pipelines: { p: {} }, links: [['io', 'p'], ['p', 'io']] }`;

function folder(name: string, files: Record<string, string>): void {
  const dir = path.join(tmp.dir, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

test("Tremor's server command line is read as tremolo's: -l, --debug-connectors and -n are dropped, -p names the pid file", () => {
  assert.equal(fromTremor(['-l', 'logger.yaml', 'server', 'run', '-p', '../before.pid', '--debug-connectors', '-n', 'config.troy']), {
    args: ['run', 'config.troy'],
    pidFile: '../before.pid',
  });
  assert.equal(fromTremor(['server', 'run', '--pid=x.pid', '--api-host', '127.0.0.1:9898', '--recursion-limit', '64', 'a.troy', 'b.troy']), {
    args: ['run', '--api', '127.0.0.1:9898', 'a.troy', 'b.troy'],
    pidFile: 'x.pid',
  });
  assert.equal(fromTremor(['run', '--bogus', 'f.troy']), { args: ['run', '--bogus', 'f.troy'], pidFile: undefined });
});

test('the flow reads the stdin file and its output lands in fg.out.log and fg.err.log; STDOUT is stdout; contains are trimmed; unknown keys warn', async () => {
  folder('layout', {
    'flow.json5': ECHO,
    stdin: 'event for stdout\nsecond\n',
    'assert.yaml': `status: 0
name: layout
asserts:
  - source: STDOUT
    contains:
      - |
          event for stdout
  - source: fg.out.log
    equals_file: expected.txt
  - source: fg.err.log
    containts:
      - anything
`,
    'expected.txt': 'event for stdout\nsecond\n',
  });
  const [result] = await runSuite(tmp.dir, { timeoutMs: 20_000, includes: ['layout'] });
  assert.equal(result!.failures, []);
  assert.equal(result!.warnings, ['assert on fg.err.log: unknown key "containts" ignored; expected one of: contains, doesnt_contain, equals_file, equals_file_binary']);
  assert.match(readFileSync(path.join(tmp.dir, 'layout/fg.err.log'), 'utf8'), /\[flow\] running/);
});

test('before.yaml indented with tabs reads as Tremor reads it; status ["0"] waits for the process itself to exit 0; its output is logged', async () => {
  folder('setup', {
    'flow.json5': `{ connectors: { n: { type: 'null' } } }`,
    'before.yaml': '- {\n\t\t"dir": ".",\n\t\t"cmd": "sh",\n\t\t"args": ["-c", "sleep 0.2; echo made > made.txt; echo done"],\n\t\t"await": {"status": [0]}\n\t}\n',
    'assert.yaml': 'status: 0\nasserts:\n  - source: made.txt\n    contains: [made]\n  - source: before.out.0.log\n    equals_file: done.txt\n',
    'done.txt': 'done\n',
  });
  const [result] = await runSuite(tmp.dir, { timeoutMs: 20_000, includes: ['setup'] });
  assert.equal(result!.failures, []);
});

test('a before-process that must exit 0 and exits otherwise fails the test, naming the status', async () => {
  folder('badsetup', {
    'flow.json5': `{ connectors: { n: { type: 'null' } } }`,
    'before.yaml': '- cmd: sh\n  args: [-c, "echo broken; exit 3"]\n  await:\n    status: ["0"]\n  max-await-secs: 5\n',
  });
  const [result] = await runSuite(tmp.dir, { timeoutMs: 20_000, includes: ['badsetup'] });
  assert.equal(result!.failures, ['before-process `sh -c echo broken; exit 3` exited with 3:\nbroken']);
});

test("tremor server run -p writes the pid file, so an after script can stop the server before the asserts read what it wrote", async () => {
  folder('pid', {
    'flow.json5': `{ connectors: { n: { type: 'null' } } }`,
    'before/server.json5': `{ connectors: { tick: { type: 'metronome', config: { interval_ms: 10 } }, f: { type: 'file', codec: 'json', postprocessors: ['separate'], config: { path: '../ticks.log', mode: 'truncate' } } },
  pipelines: { p: {} }, links: [['tick', 'p'], ['p', 'f']] }`,
    'before.yaml': '- dir: ./before\n  cmd: tremor\n  args: [-l, logger.yaml, server, run, -p, ../before.pid, --debug-connectors, -n, server.json5]\n  await:\n    file-exists: [../ticks.log]\n',
    'after.yaml': '- cmd: sh\n  args: [-c, "kill -TERM $(cat before.pid) && rm before.pid"]\n',
    'assert.yaml': 'status: 0\nasserts:\n  - source: ticks.log\n    contains: [metronome]\n',
  });
  const [result] = await runSuite(tmp.dir, { timeoutMs: 20_000, includes: ['pid'] });
  assert.equal(result!.failures, []);
  assert.not.ok(existsSync(path.join(tmp.dir, 'pid/before.pid')));
});

test.run();
