import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import type { Meta } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-kv-tremor-');
test.after(() => tmp.cleanup());
let n = 0;

const tremor = (config: Record<string, unknown> = {}): Promise<TestFlow> =>
  startFlow({ connectors: { store: { type: 'kv', config: { replies: 'tremor', ...config } } } });

async function ask(flow: TestFlow, data: unknown, meta: Meta, port = 'out'): Promise<{ data: unknown; meta: Meta }> {
  flow.send('store', 'in', data, meta);
  const event = await flow.next('store', port);
  return { data: event.data, meta: event.meta };
}

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

test('replies: tremor gives keys back as bytes and carries only the command’s correlation', async () => {
  const flow = await tremor();
  try {
    const put = await ask(flow, 'exit', { kv: { put: 'exit' }, correlation: 19, file: { path: 'in.json' } });
    assert.equal(put, { data: 'exit', meta: { correlation: 19, kv: { op: 'put', ok: bytes('exit') } } });
    assert.ok(put.meta.kv !== null && (put.meta.kv as { ok: unknown }).ok instanceof Uint8Array);
    assert.equal(await ask(flow, null, { kv: { get: 'exit' } }), { data: 'exit', meta: { kv: { op: 'get', ok: bytes('exit') } } });
  } finally {
    await flow.stop();
  }
});

test('a key given as UTF-8 bytes is the string it holds, in either form', async () => {
  const flow = await startFlow({ connectors: { store: { type: 'kv' } } });
  try {
    assert.equal(await ask(flow, 1, { kv: { put: bytes('k') } }), { data: 1, meta: { kv: { op: 'put', ok: 'k' } } });
    assert.equal((await ask(flow, { get: { key: bytes('k') } }, {})).data, 1);
    const bad = await ask(flow, 1, { kv: { get: Buffer.from([0xff]) } }, 'err');
    assert.match((bad.data as { error: string }).error, /^store: expected meta\.kv = \{"get": "\.\.\."\}; the key must be a string, received /);
  } finally {
    await flow.stop();
  }
});

test('a failed cas with replies: tremor is a null event on err with Tremor’s words in meta.error and the key as bytes', async () => {
  const flow = await tremor();
  try {
    await ask(flow, 'ketchup', { kv: { put: 'heinz' } });
    const failed = await ask(flow, 'ketchup', { kv: { cas: 'heinz', old: 'gies' }, correlation: '"ketchup"' }, 'err');
    assert.equal(failed, {
      data: null,
      meta: { correlation: '"ketchup"', error: 'CAS error: expected ketchup but found ketchup.', kv: { op: 'cas', key: bytes('heinz') } },
    });
    const absent = await ask(flow, { a: 1 }, { kv: { cas: 'nothing', old: 1 } }, 'err');
    assert.is(absent.meta.error, 'CAS error: expected {"a":1} but found null.');
    const notCommand = await ask(flow, 'x', {}, 'err');
    assert.equal(notCommand.data, null);
    assert.is(notCommand.meta.kv, null);
    assert.match(String(notCommand.meta.error), /^expected a kv command \(get, put, swap, merge, delete, cas, scan\)/);
  } finally {
    await flow.stop();
  }
});

test('the default replies keep tremolo’s cas error, naming the expected and the found value', async () => {
  const flow = await startFlow({ connectors: { store: { type: 'kv' } } });
  try {
    await ask(flow, 'ketchup', { kv: { put: 'heinz' } });
    const failed = await ask(flow, 'ketchup', { kv: { cas: 'heinz', old: 'gies' } }, 'err');
    assert.is((failed.data as { error: string }).error, 'store: cas on "heinz" failed: expected "gies", found "ketchup"');
    assert.equal(failed.meta, { kv: { op: 'cas', key: 'heinz' } });
  } finally {
    await flow.stop();
  }
});

test('dir: the store is kept in a folder, created when absent, and survives a restart', async () => {
  const dir = path.join(tmp.dir, `db${n++}`, 'data');
  let flow = await tremor({ dir });
  try {
    await ask(flow, 'badger', { kv: { put: 'snot' } });
  } finally {
    await flow.stop();
  }
  assert.ok(existsSync(path.join(dir, 'tremolo-kv.log')));
  flow = await tremor({ dir });
  try {
    assert.is((await ask(flow, null, { kv: { get: 'snot' } })).data, 'badger');
  } finally {
    await flow.stop();
  }
});

test('path naming a folder is refused at start, saying to give it as dir', async () => {
  const dir = path.join(tmp.dir, `folder${n++}`);
  mkdirSync(dir, { recursive: true });
  const failure = await startFlow({ connectors: { store: { type: 'kv', config: { path: dir } } } }).then(
    (flow) => flow.stop().then(() => 'started'),
    (err: Error) => err.message,
  );
  assert.match(failure, `store: path ${JSON.stringify(dir)} is a folder; expected a file, or the folder as dir (Tremor's path)`);
});

test('config: path and dir together, and an unknown replies form, are refused at load time', async () => {
  const { problems } = await checkFlowObject({ connectors: { store: { type: 'kv', config: { path: 'a', dir: 'b' } } } }, { file: '/tmp/k.json5' });
  assert.equal(problems.map(formatProblem), ['/tmp/k.json5:7:16: connectors.store.config.dir: give either path (a file) or dir (a folder), not both']);
  const other = await checkFlowObject({ connectors: { store: { type: 'kv', config: { replies: 'sled' } } } }, { file: '/tmp/k.json5' });
  assert.equal(other.problems.map(formatProblem), ["/tmp/k.json5:6:20: connectors.store.config.replies: expected one of \"tremolo\", \"tremor\", received \"sled\""]);
});

test.run();
