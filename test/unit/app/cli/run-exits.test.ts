import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

// How `tremolo run` ends when nobody stops it: flows whose sources are all finite end on their own
// (docs/exits-and-client.md). Each runs the CLI as a process, as a user does.
const tmp = tmpDir();
test.after(() => tmp.cleanup());

const STOPPED = /INFO {2}\[\w[\w-]*\] stopped\n$/;

test('a file-to-file flow exits 0 once its file is read, every line written, with "stopped" last on stderr', async () => {
  const dir = path.join(tmp.dir);
  tmp.write('in.json', '{"b":1,"a":2}\n[1,2]\n"last"\n');
  const flow = tmp.write('copy.json5', `{ use: ['std'], connectors: { in: { from: 'std::read_file' }, out: { from: 'std::write_file' } }, links: [['in', 'out']] }`);
  const r = await runCli(['run', flow], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.is(readFileSync(path.join(dir, 'out.log'), 'utf8'), '{"a":2,"b":1}\n[1,2]\n"last"\n');
  assert.match(r.stderr, /INFO {2}\[copy\] finished: every source has \(in\)\n/);
  assert.match(r.stderr, STOPPED);
});

test('a flow whose input file cannot be read exits 1, the reason last before the stop', async () => {
  const flow = tmp.write('missing.json5', `{ use: ['std'], connectors: { in: { from: 'std::read_file', args: { file: 'nowhere.json' } }, out: { from: 'std::write_file' } }, links: [['in', 'out']] }`);
  const r = await runCli(['run', flow], { cwd: tmp.dir });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /ERROR in: cannot read "nowhere\.json": ENOENT: no such file or directory, open 'nowhere\.json'; stopping with exit status 1\n/);
  assert.match(r.stderr, STOPPED);
});

test('an exit asked for with a delay keeps its code though the file has ended meanwhile', async () => {
  tmp.write('exit3.json', '{"exit":3,"delay":300}\n{"n":1}\n');
  const flow = tmp.write('exit3.json5', `{ use: ['std'], connectors: { in: { from: 'std::read_file', args: { file: 'exit3.json' } }, exit: { type: 'exit' } }, links: [['in', 'exit']] }`);
  const r = await runCli(['run', flow], { cwd: tmp.dir });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /exit 3 requested, in 300 ms/);
  assert.not.match(r.stderr, /finished: every source has/);
});

test.run();
