import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

const writer = (file: string, mode: string) => ({
  connectors: { out: { type: 'file', codec: 'string', postprocessors: ['separate'], config: { path: file, mode } } },
});

async function writeLines(file: string, mode: string, lines: string[]): Promise<void> {
  const flow = await startFlow(writer(file, mode));
  for (const line of lines) flow.send('out', 'in', line);
  await flow.stop(); // a graceful stop flushes what was written
}

test('read mode emits each line, with meta.file.path, and ends its stream', async () => {
  const file = tmp.write('lines.txt', 'one\ntwo\nthree');
  const flow = await startFlow({
    connectors: { in: { type: 'file', codec: 'string', preprocessors: ['separate'], config: { path: file, mode: 'read', chunk_size: 4 } } },
  });
  try {
    const events = await flow.collect('in', 'out', 3);
    assert.equal(events.map((e) => e.data), ['one', 'two', 'three']);
    assert.equal(events[0]!.meta, { file: { path: file } });
  } finally {
    await flow.stop();
  }
});

test('a file that cannot be read is an err event naming it', async () => {
  const file = path.join(tmp.dir, 'absent.txt');
  const flow = await startFlow({ connectors: { in: { type: 'file', codec: 'string', config: { path: file, mode: 'read' } } } });
  try {
    const err = await flow.next('in', 'err');
    assert.is((err.data as { code: string }).code, 'ERR_FLOW_READ');
    assert.match((err.data as { error: string }).error, `in: cannot read "${file}": ENOENT`);
  } finally {
    await flow.stop();
  }
});

test('truncate empties the file first, append adds to it, overwrite writes over it from the start', async () => {
  const file = path.join(tmp.dir, 'modes.txt');
  writeFileSync(file, 'old content that is long\n');
  await writeLines(file, 'truncate', ['a', 'b']);
  assert.is(readFileSync(file, 'utf8'), 'a\nb\n');
  await writeLines(file, 'append', ['c']);
  assert.is(readFileSync(file, 'utf8'), 'a\nb\nc\n');
  await writeLines(file, 'overwrite', ['X']);
  assert.is(readFileSync(file, 'utf8'), 'X\nb\nc\n');
  const fresh = path.join(tmp.dir, 'fresh.txt');
  await writeLines(fresh, 'overwrite', ['new']);
  assert.is(readFileSync(fresh, 'utf8'), 'new\n');
});

test('writing to a file opened for reading fails to err', async () => {
  const file = tmp.write('ro.txt', '');
  const flow = await startFlow({ connectors: { f: { type: 'file', codec: 'string', config: { path: file, mode: 'read' } } } });
  try {
    flow.send('f', 'in', 'x');
    const err = await flow.next('f', 'err');
    assert.is((err.data as { error: string }).error, `f: file ${JSON.stringify(file)} is opened in read mode; nothing can be written to it`);
  } finally {
    await flow.stop();
  }
});

test('a file that cannot be opened for writing fails the deployment with the reason', async () => {
  const file = path.join(tmp.dir, 'no-such-dir', 'x.txt');
  const err = await startFlow(writer(file, 'truncate')).catch((e: Error & { code?: string }) => e);
  assert.is((err as { code?: string }).code, 'ERR_BIND_FAILED');
  assert.match((err as Error).message, /^out: cannot start file: ENOENT: no such file or directory/);
});

test.run();
