import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import type { Meta } from '../../../../src/sdk/event.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { TestClient } from '../../../support/ws.js';

interface Ctx {
  flow?: TestFlow;
  clients: TestClient[];
}
const test = suite<Ctx>('kv', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close().catch(() => c.ws.terminate())));
  await ctx.flow?.stop();
  ctx.flow = undefined;
});

const memory = { connectors: { store: { type: 'kv' } } };

/** Sends a command and returns what comes out of `port` for it. */
async function ask(flow: TestFlow, data: unknown, meta: Meta = {}, port = 'out'): Promise<{ data: unknown; meta: Meta }> {
  flow.send('store', 'in', data, meta);
  const event = await flow.next('store', port);
  return { data: event.data, meta: event.meta };
}

test('put, get, swap, delete in the event form, each answered with Tremor’s result and meta.kv = { op, ok }', async (ctx) => {
  const flow = (ctx.flow = await startFlow(memory));
  assert.equal(await ask(flow, { get: { key: 'a' } }), { data: null, meta: { kv: { op: 'get', ok: 'a' } } });
  assert.equal(await ask(flow, { put: { key: 'a', value: { n: 1 } } }), { data: { n: 1 }, meta: { kv: { op: 'put', ok: 'a' } } });
  assert.equal(await ask(flow, { get: { key: 'a' } }), { data: { n: 1 }, meta: { kv: { op: 'get', ok: 'a' } } });
  assert.equal(await ask(flow, { swap: { key: 'a', value: 'two' } }), { data: { n: 1 }, meta: { kv: { op: 'swap', ok: 'a' } } });
  assert.equal(await ask(flow, { swap: { key: 'b', value: 2 } }), { data: null, meta: { kv: { op: 'swap', ok: 'b' } } });
  assert.equal(await ask(flow, { get: { key: 'a' } }), { data: 'two', meta: { kv: { op: 'get', ok: 'a' } } });
  assert.equal(await ask(flow, { delete: { key: 'a' } }), { data: 'two', meta: { kv: { op: 'delete', ok: 'a' } } });
  assert.equal(await ask(flow, { delete: { key: 'a' } }), { data: null, meta: { kv: { op: 'delete', ok: 'a' } } });
  assert.equal(await ask(flow, { get: { key: 'a' } }), { data: null, meta: { kv: { op: 'get', ok: 'a' } } });
  assert.equal(await ask(flow, { put: { key: 'n', value: null } }), { data: null, meta: { kv: { op: 'put', ok: 'n' } } });
  assert.equal(flow.seen('store', 'err'), []);
});

test('Tremor’s form: the command in meta.kv, the value as the event', async (ctx) => {
  const flow = (ctx.flow = await startFlow(memory));
  assert.equal(await ask(flow, 'badger', { kv: { put: 'snot' } }), { data: 'badger', meta: { kv: { op: 'put', ok: 'snot' } } });
  assert.equal(await ask(flow, null, { kv: { get: 'snot' } }), { data: 'badger', meta: { kv: { op: 'get', ok: 'snot' } } });
  assert.equal(await ask(flow, 'ketchup', { kv: { swap: 'snot' } }), { data: 'badger', meta: { kv: { op: 'swap', ok: 'snot' } } });
  assert.equal(await ask(flow, { b: 1 }, { kv: { merge: 'm' } }), { data: { b: 1 }, meta: { kv: { op: 'merge', ok: 'm' } } });
  assert.equal(await ask(flow, 'heinz', { kv: { cas: 'snot', old: 'ketchup' } }), { data: null, meta: { kv: { op: 'cas', ok: 'snot' } } });
  assert.equal(await ask(flow, 'first', { kv: { cas: 'fresh' } }), { data: null, meta: { kv: { op: 'cas', ok: 'fresh' } } });
  assert.equal(await ask(flow, null, { kv: { delete: 'snot' } }), { data: 'heinz', meta: { kv: { op: 'delete', ok: 'snot' } } });
  flow.send('store', 'in', null, { kv: { scan: '' } });
  assert.equal((await flow.collect('store', 'out', 2)).map((e) => [e.data, e.meta]), [
    ['first', { kv: { op: 'scan', ok: 'fresh' } }],
    [{ b: 1 }, { kv: { op: 'scan', ok: 'm' } }],
  ]);
});

test('the command’s metadata comes along: correlation and the rest, meta.kv replaced', async (ctx) => {
  const flow = (ctx.flow = await startFlow(memory));
  const meta = { correlation: { id: 'c-1' }, ws_server: { peer: { host: '127.0.0.1', port: 5 } } };
  assert.equal((await ask(flow, { put: { key: 'k', value: 1 } }, meta)).meta, { ...meta, kv: { op: 'put', ok: 'k' } });
  assert.equal((await ask(flow, 1, { correlation: 9, kv: { get: 'k' } })).meta, { correlation: 9, kv: { op: 'get', ok: 'k' } });
  // A reply's meta.kv carried into the next command (a pipeline chaining commands) is no command.
  assert.equal((await ask(flow, { get: { key: 'k' } }, { kv: { op: 'put', ok: 'k' } })).meta, { kv: { op: 'get', ok: 'k' } });
  const refused = await ask(flow, { get: { key: 5 } }, { correlation: 'x' }, 'err');
  assert.equal(refused.meta, { correlation: 'x', kv: { op: 'get', key: null } });
});

test('cas: applies only when the stored value deeply equals "old" (absent "old": the key must be absent)', async (ctx) => {
  const flow = (ctx.flow = await startFlow(memory));
  assert.equal((await ask(flow, { cas: { key: 'c', value: { v: 1, w: [1] } } })).data, null);
  assert.equal((await ask(flow, { cas: { key: 'c', old: { w: [1], v: 1 }, value: 2 } })).data, null, 'key order does not matter');
  assert.equal((await ask(flow, { get: { key: 'c' } })).data, 2);
  const stale = await ask(flow, { cas: { key: 'c', old: 1, value: 3 } }, { correlation: 4 }, 'err');
  assert.equal(stale, {
    data: { error: 'store: cas on "c" failed: expected 1, found 2', code: 'ERR_WRITE_FAILED', connector: 'store', event: { cas: { key: 'c', old: 1, value: 3 } } },
    meta: { correlation: 4, kv: { op: 'cas', key: 'c' } },
  });
  const taken = await ask(flow, { cas: { key: 'c', value: 3 } }, {}, 'err');
  assert.is((taken.data as { error: string }).error, 'store: cas on "c" failed: expected no value, found 2');
  const absent = await ask(flow, { cas: { key: 'z', old: null, value: 3 } }, {}, 'err');
  assert.is((absent.data as { error: string }).error, 'store: cas on "z" failed: expected null, found no value');
  assert.equal((await ask(flow, { put: { key: 'z', value: null } })).data, null);
  assert.equal((await ask(flow, { cas: { key: 'z', old: null, value: 'set' } })).data, null, 'a stored null is not an absent key');
  assert.equal((await ask(flow, { get: { key: 'c' } })).data, 2, 'a failed cas changes nothing');
});

test('scan: one event per entry in key order, start included, end excluded; UTF-8 byte order', async (ctx) => {
  const flow = (ctx.flow = await startFlow(memory));
  for (const key of ['b', 'a', 'ab', 'c', '\uffff', '😀', 'B']) flow.send('store', 'in', { put: { key, value: key.length } });
  await flow.collect('store', 'out', 7);
  const keys = async (scan: unknown, n: number): Promise<unknown[]> => {
    flow.send('store', 'in', { scan });
    const got = (await flow.collect('store', 'out', n)).map((e) => (e.meta.kv as { ok: string }).ok);
    await flow.expectNone('store', 'out', 20);
    return got;
  };
  assert.equal(await keys({}, 7), ['B', 'a', 'ab', 'b', 'c', '\uffff', '😀']);
  assert.equal(await keys({ start: 'a', end: 'c' }, 3), ['a', 'ab', 'b']);
  assert.equal(await keys({ start: 'ab' }, 5), ['ab', 'b', 'c', '\uffff', '😀']);
  assert.equal(await keys({ end: 'a' }, 1), ['B']);
  flow.send('store', 'in', { scan: { start: 'x', end: 'y' } });
  await flow.expectNone('store', 'out', 30);
});

test('a bad command goes to err naming what was expected, and the store goes on', async (ctx) => {
  const flow = (ctx.flow = await startFlow(memory));
  const error = async (data: unknown, meta: Meta = {}): Promise<string> => ((await ask(flow, data, meta, 'err')).data as { error: string }).error;
  const expected =
    'expected a kv command (get, put, swap, merge, delete, cas, scan) in the event, such as {"get": {"key": "..."}} or {"put": {"key": "...", "value": ...}}, or in meta.kv as in Tremor, such as {"get": "..."}';
  assert.is(await error({ fetch: { key: 'a' } }), `store: ${expected}; received {"fetch":{"key":"a"}}`);
  assert.is(await error('get a'), `store: ${expected}; received "get a"`);
  assert.is(await error(null, { kv: { op: 'get' } }), `store: ${expected}; received null`);
  assert.is(await error(1, { kv: { get: 'a', put: 'b' } }), 'store: expected one kv command, received get and put together in meta.kv = {"get":"a","put":"b"}');
  assert.is(await error({ get: { key: 'a' }, put: { key: 'a', value: 1 } }), 'store: expected one kv command, received get and put together in {"get":{"key":"a"},"put":{"key":"a","value":1}}');
  assert.is(await error({ get: 'a' }), 'store: expected {"get": {"key": "..."}}, received {"get":"a"}');
  assert.is(await error({ get: { key: 'a' }, id: 1 }), 'store: expected {"get": {"key": "..."}}, received {"get":{"key":"a"},"id":1}: "id" beside "get"');
  assert.is(await error({ put: { key: 'a' } }), 'store: expected {"put": {"key": "...", "value": ...}}; "value" missing in {"key":"a"}');
  assert.is(await error({ put: { key: 'a', valeu: 1 } }), 'store: expected {"put": {"key": "...", "value": ...}}; unknown "valeu" in {"key":"a","valeu":1}');
  assert.is(await error({ delete: { key: 7 } }), 'store: expected {"delete": {"key": "..."}}; "key" must be a string, received 7');
  assert.is(await error({ scan: { start: 1 } }), 'store: expected {"scan": {"start": "...", "end": "..."}} (both optional, end excluded); "start" must be a string, received 1');
  assert.is(await error(1, { kv: { put: 5 } }), 'store: expected meta.kv = {"put": "..."} with the value as the event; the key must be a string, received 5');
  assert.is(await error(1, { kv: { put: 'a', old: 1 } }), 'store: expected meta.kv = {"put": "..."} with the value as the event; unknown "old" in meta.kv = {"put":"a","old":1}');
  assert.is(await error(1, { kv: { scan: 'a', end: 2 } }), 'store: expected meta.kv = {"scan": "start", "end": "..."} (end optional, excluded); "end" must be a string, received 2');
  const bad = await ask(flow, { get: { key: 5 } }, {}, 'err');
  assert.equal(bad.data, {
    error: 'store: expected {"get": {"key": "..."}}; "key" must be a string, received 5',
    code: 'ERR_WRITE_FAILED',
    connector: 'store',
    event: { get: { key: 5 } },
  });
  assert.equal(bad.meta, { kv: { op: 'get', key: null } });
  assert.equal((await ask(flow, { put: { key: 'ok', value: 1 } })).data, 1);
});

test('config: unknown keys and bad types are refused at load time', async () => {
  const { problems } = await checkFlowObject({ connectors: { store: { type: 'kv', config: { path: 5, fsinc: true } } } }, { file: '/tmp/k.json5' });
  assert.equal(problems.map(formatProblem), [
    '/tmp/k.json5:6:17: connectors.store.config.path: expected a string, received 5',
    '/tmp/k.json5:7:9: connectors.store.config.fsinc: unknown key "fsinc"; expected one of: compact_min_bytes, dir, fsync, path, replies',
  ]);
});

test('each reply carries the origins of its command: over ws_server, a client gets its own answers only', async (ctx) => {
  const flow = (ctx.flow = await startFlow(
    {
      use: ['./probe-connector.ts'],
      connectors: {
        ws: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } },
        store: { type: 'kv' },
        probe: { type: 'probe' },
      },
      links: [['ws', 'store'], ['store', 'ws'], ['store/err', 'ws']],
    },
    { file: path.resolve(import.meta.dirname, '../../../support/inline.json5') },
  ));
  const a = await TestClient.open(flow.address('ws'));
  const b = await TestClient.open(flow.address('ws'));
  ctx.clients.push(a, b);
  a.send('{"put": {"key": "from", "value": "a"}}');
  const command = await flow.next('ws', 'out');
  const answer = await flow.next('store', 'out');
  assert.equal(answer.origins, command.origins, 'the reply carries exactly the command’s origins');
  assert.equal(await a.waitFor(1), ['"a"']);
  b.send('{"get": {"key": "from"}}');
  b.send('{"get": {"key": 5}}');
  await b.waitFor(2);
  assert.equal(JSON.parse(b.messages[0]!.data), 'a');
  assert.match(JSON.parse(b.messages[1]!.data).error, /"key" must be a string/);
  a.send('{"get": {"key": "from"}}');
  await a.waitFor(2);
  assert.is(a.messages.length, 2);
  assert.is(b.messages.length, 2);
  // One reply stream per connection, reused, and ended with the connection it answers.
  const store = flow.flow.connector('store').id;
  const kvEnds = (): number => flow.seen('probe', 'out').filter((e) => (e.data as { ended: { connector: number } }).ended.connector === store).length;
  assert.is(kvEnds(), 0);
  await a.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(kvEnds(), 1);
  await b.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(kvEnds(), 2);
});

test.run();
