import { existsSync, readFileSync, statSync, truncateSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-kv-');
test.after(() => tmp.cleanup());
let n = 0;
const freshPath = (): string => path.join(tmp.dir, `store${n++}`, 'data.kv');

const open = (file: string, config: Record<string, unknown> = {}, log = memoryLogger()): Promise<TestFlow> =>
  startFlow({ connectors: { store: { type: 'kv', config: { path: file, ...config } } } }, { log });

async function run(flow: TestFlow, data: unknown): Promise<unknown> {
  flow.send('store', 'in', data);
  return (await flow.next('store', 'out')).data;
}

async function scanAll(flow: TestFlow, expected: number): Promise<[string, unknown][]> {
  flow.send('store', 'in', { scan: {} });
  const events = await flow.collect('store', 'out', expected);
  await flow.expectNone('store', 'out', 20);
  return events.map((e) => [(e.meta.kv as { ok: string }).ok, e.data]);
}

test('state survives a restart of the flow: stop, start again with the same path, it is all there', async () => {
  const file = freshPath();
  let flow = await open(file);
  await run(flow, { put: { key: 'a', value: { n: 1, list: [1, 'two', null] } } });
  await run(flow, { put: { key: 'b', value: 'bee' } });
  await run(flow, { merge: { key: 'a', value: { m: 2 } } });
  await run(flow, { put: { key: 'gone', value: 1 } });
  await run(flow, { delete: { key: 'gone' } });
  await run(flow, { swap: { key: 'b', value: 'B' } });
  await flow.stop();
  flow = await open(file);
  try {
    assert.equal(await scanAll(flow, 2), [
      ['a', { n: 1, list: [1, 'two', null], m: 2 }],
      ['b', 'B'],
    ]);
    await run(flow, { put: { key: 'c', value: 3 } });
  } finally {
    await flow.stop();
  }
  flow = await open(file);
  try {
    assert.equal(await run(flow, { get: { key: 'c' } }), 3);
    assert.equal(await run(flow, { get: { key: 'gone' } }), null);
  } finally {
    await flow.stop();
  }
});

test('the file is readable: a header, then one checksummed JSON record per change', async () => {
  const file = freshPath();
  const flow = await open(file);
  await run(flow, { put: { key: 'k', value: { a: 1 } } });
  await run(flow, { delete: { key: 'k' } });
  await flow.stop();
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.is(lines[0], 'tremolo-kv 1');
  assert.match(lines[1]!, /^[0-9a-f]{8} \{"set":"k","value":\{"a":1\}\}$/);
  assert.match(lines[2]!, /^[0-9a-f]{8} \{"delete":"k"\}$/);
  assert.is(lines[3], '');
});

test('an answer means the change is on disk already', async () => {
  const file = freshPath();
  const flow = await open(file);
  try {
    flow.send('store', 'in', { put: { key: 'durable', value: 'yes' } });
    await flow.next('store', 'out');
    assert.match(readFileSync(file, 'utf8'), /"set":"durable","value":"yes"/);
  } finally {
    await flow.stop();
  }
});

test('answers keep the order of the commands, reads behind pending writes included', async () => {
  const flow = await open(freshPath());
  try {
    flow.send('store', 'in', { put: { key: 'x', value: 1 } });
    flow.send('store', 'in', { get: { key: 'x' } });
    flow.send('store', 'in', { nonsense: true });
    flow.send('store', 'in', { put: { key: 'x', value: 2 } });
    flow.send('store', 'in', { get: { key: 'x' } });
    const out = await flow.collect('store', 'out', 4);
    assert.equal(out.map((e) => [(e.meta.kv as { op: string }).op, e.data]), [['put', 1], ['get', 1], ['put', 2], ['get', 2]]);
    const err = await flow.next('store', 'err');
    assert.ok(err.id > out[1]!.id && err.id < out[2]!.id, 'the refusal leaves between the answers around it');
  } finally {
    await flow.stop();
  }
});

test('a record torn at the end by a crash is dropped at start; the complete ones survive, no garbage', async () => {
  const file = freshPath();
  let flow = await open(file);
  for (let i = 0; i < 5; i++) await run(flow, { put: { key: `k${i}`, value: { i, text: 'x'.repeat(20) } } });
  await flow.stop();
  const whole = readFileSync(file);
  // Cut the last record in its middle, as a crash during the write leaves it.
  truncateSync(file, whole.length - 15);
  const log = memoryLogger();
  flow = await open(file, {}, log);
  try {
    assert.equal(
      (await scanAll(flow, 4)).map(([k]) => k),
      ['k0', 'k1', 'k2', 'k3'],
    );
    assert.ok(log.lines.some((l) => /dropped \d+ bytes of a record torn at the end .*; 4 records kept/.test(l)), log.lines.join('\n'));
    const lastNewline = whole.lastIndexOf(0x0a, whole.length - 2) + 1;
    assert.is(statSync(file).size, lastNewline, 'the torn bytes are gone from the file');
    await run(flow, { put: { key: 'after', value: true } });
  } finally {
    await flow.stop();
  }
  flow = await open(file);
  try {
    assert.equal((await scanAll(flow, 5)).map(([k]) => k), ['after', 'k0', 'k1', 'k2', 'k3']);
  } finally {
    await flow.stop();
  }
});

test('garbage at the end (zeros the file system had not written yet, a bad checksum) is dropped too', async () => {
  for (const tail of [Buffer.alloc(300), Buffer.from('0badc0de {"set":"z","value":1}\n'), Buffer.from('12345678 {"set":"z","va')]) {
    const file = freshPath();
    let flow = await open(file);
    await run(flow, { put: { key: 'a', value: 1 } });
    await flow.stop();
    const size = statSync(file).size;
    appendFileSync(file, tail);
    flow = await open(file);
    try {
      assert.equal(await scanAll(flow, 1), [['a', 1]]);
      assert.is(statSync(file).size, size);
    } finally {
      await flow.stop();
    }
  }
});

test('damage in the middle, with intact records after it, refuses to start and leaves the file alone', async () => {
  const file = freshPath();
  const flow = await open(file);
  for (const key of ['a', 'b', 'c']) await run(flow, { put: { key, value: key } });
  await flow.stop();
  const text = readFileSync(file, 'utf8').replace('"value":"b"', '"value":"B"');
  writeFileSync(file, text);
  const err = (await open(file).catch((e: unknown) => e)) as Error & { code?: string };
  assert.is(err.code, 'ERR_BIND_FAILED');
  const at = text.indexOf('\n', text.indexOf('"a"')) + 1;
  assert.is(
    err.message,
    `store: cannot start kv: ${file}: the record at byte ${at} is damaged and intact records follow it, which no crash while writing explains; the file is left untouched (repair it or move it away)`,
  );
  assert.is(readFileSync(file, 'utf8'), text);
});

test('a file that is not a kv store is refused untouched; a header torn at creation starts afresh', async () => {
  const other = freshPath();
  const dir = path.dirname(other);
  writeFileSync(path.join(tmp.dir, 'notes.txt'), 'my notes\n');
  const notes = path.join(tmp.dir, 'notes.txt');
  const err = (await open(notes).catch((e: unknown) => e)) as Error & { code?: string };
  assert.is(err.code, 'ERR_BIND_FAILED');
  assert.is(err.message, `store: cannot start kv: ${notes} is not a kv store file (its first line is not "tremolo-kv 1"); it is left untouched`);
  assert.is(readFileSync(notes, 'utf8'), 'my notes\n');
  assert.not.ok(existsSync(dir), 'nothing was created for the other store yet');
  writeFileSync(path.join(tmp.dir, 'torn.kv'), 'tremo');
  const flow = await open(path.join(tmp.dir, 'torn.kv'));
  try {
    assert.is(await run(flow, { get: { key: 'a' } }), null);
    assert.is(readFileSync(path.join(tmp.dir, 'torn.kv'), 'utf8'), 'tremolo-kv 1\n');
  } finally {
    await flow.stop();
  }
});

test('a rewrite interrupted by a crash leaves the log whole; its temporary file is removed at start', async () => {
  const file = freshPath();
  let flow = await open(file);
  await run(flow, { put: { key: 'a', value: 1 } });
  await flow.stop();
  writeFileSync(`${file}.compact`, 'tremolo-kv 1\nhalf a snap');
  flow = await open(file);
  try {
    assert.equal(await scanAll(flow, 1), [['a', 1]]);
    assert.not.ok(existsSync(`${file}.compact`));
  } finally {
    await flow.stop();
  }
});

test('a file mostly made of stale records is rewritten to the live data, which survives a restart', async () => {
  const file = freshPath();
  let flow = await open(file, { compact_min_bytes: 2000 });
  for (let i = 0; i < 200; i++) await run(flow, { put: { key: `k${i % 5}`, value: { i, pad: 'p'.repeat(40) } } });
  await run(flow, { delete: { key: 'k4' } });
  await flow.stop();
  const size = statSync(file).size;
  assert.ok(size < 4000, `the log was rewritten: ${size} bytes for 200 puts of ~70 bytes`);
  assert.not.ok(existsSync(`${file}.compact`));
  flow = await open(file);
  try {
    assert.equal(await scanAll(flow, 4), [
      ['k0', { i: 195, pad: 'p'.repeat(40) }],
      ['k1', { i: 196, pad: 'p'.repeat(40) }],
      ['k2', { i: 197, pad: 'p'.repeat(40) }],
      ['k3', { i: 198, pad: 'p'.repeat(40) }],
    ]);
  } finally {
    await flow.stop();
  }
});

test('values JSON cannot carry exactly (bigint, bytes, non-finite numbers) come back as they were', async () => {
  const file = freshPath();
  let flow = await open(file);
  const value = { big: 12345678901234567890n, bytes: Buffer.from([0, 1, 255]), inf: Infinity, list: [1n] };
  await run(flow, { put: { key: 'v', value } });
  await flow.stop();
  flow = await open(file, { fsync: false });
  try {
    assert.equal(await run(flow, { get: { key: 'v' } }), value);
  } finally {
    await flow.stop();
  }
});

test('a value that cannot be stored at all goes to err and changes nothing', async () => {
  const flow = await open(freshPath());
  try {
    flow.send('store', 'in', { put: { key: 'f', value: { run() {} } } });
    const err = await flow.next('store', 'err');
    assert.match((err.data as { error: string }).error, /^store: put on "f": the value cannot be stored: /);
    assert.is(await run(flow, { get: { key: 'f' } }), null);
  } finally {
    await flow.stop();
  }
});

test('many commands at once are written in batches and all answered', async () => {
  const file = freshPath();
  let flow = await open(file);
  for (let i = 0; i < 3000; i++) flow.send('store', 'in', { put: { key: `n${String(i).padStart(4, '0')}`, value: i } });
  const out = await flow.collect('store', 'out', 3000, { timeout: 10_000 });
  assert.equal(out.map((e) => e.data), Array.from({ length: 3000 }, (_, i) => i));
  await flow.stop();
  flow = await open(file);
  try {
    assert.is(await run(flow, { get: { key: 'n2999' } }), 2999);
  } finally {
    await flow.stop();
  }
});

test.run();
