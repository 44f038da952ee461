import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { batch } from '../../../../src/kinds/operators/batch.js';
import { startFlow } from '../../../../src/app/testing/index.js';
import { runOperator } from './support.js';
import { origin, settled, subscribed, virtualTime } from './virtual-time.js';

const issues = (config: unknown): [PropertyKey[], string][] =>
  batch.config.safeParse(config).error?.issues.map((i) => [i.path, i.message]) ?? [];

test('a batch leaves as one event holding the data of count events, in order', () => {
  const h = runOperator(batch, { count: 3 });
  for (let n = 1; n <= 7; n++) h.push(n);
  assert.equal(h.data(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(h.ports.out![0]!.meta, {});
});

test('completing the input sends the partial batch, then completes', () => {
  const h = runOperator(batch, { count: 3 });
  for (let n = 1; n <= 4; n++) h.push(n);
  h.input.complete();
  assert.equal(h.data(), [[1, 2, 3], [4]]);
  assert.ok(h.completed.value);
});

test('completing with nothing held sends nothing', () => {
  const h = runOperator(batch, { count: 3 });
  h.input.complete();
  assert.equal(h.data(), []);
  assert.ok(h.completed.value);
});

test('a batch leaves timeout_ms after its first event when it is not full by then', () => {
  const time = virtualTime();
  const h = runOperator(batch, { count: 10, timeout_ms: 100 }, { scheduler: time.scheduler });
  time.at(0, () => h.push('a'));
  time.at(50, () => h.push('b'));
  time.at(150, () => h.push('c'));
  time.runTo(99);
  assert.equal(h.data(), []);
  time.runTo(100);
  assert.equal(h.data(), [['a', 'b']]);
  time.runTo(249);
  assert.equal(h.data(), [['a', 'b']]);
  time.runTo(250);
  assert.equal(h.data(), [['a', 'b'], ['c']]);
  assert.is(time.pending, 0);
});

test('a batch that fills up cancels its timeout; the next one times from its own first event', () => {
  const time = virtualTime();
  const h = runOperator(batch, { count: 2, timeout_ms: 100 }, { scheduler: time.scheduler });
  time.at(0, () => h.push(1));
  time.at(10, () => h.push(2));
  time.at(60, () => h.push(3));
  time.runTo(159);
  assert.equal(h.data(), [[1, 2]]);
  time.runTo(160);
  assert.equal(h.data(), [[1, 2], [3]]);
});

test('timeout_ms alone batches whatever arrives in the time', () => {
  const time = virtualTime();
  const h = runOperator(batch, { timeout_ms: 20 }, { scheduler: time.scheduler });
  time.at(5, () => [1, 2, 3].forEach((n) => h.push(n)));
  time.at(30, () => h.push(4));
  time.runTo(100);
  assert.equal(h.data(), [[1, 2, 3], [4]]);
});

test('a batch carries the origins of all its events, each once, across streams and connectors', () => {
  const h = runOperator(batch, { count: 5 });
  h.push(1, {}, [origin(1, 0)]);
  h.push(2, {}, [origin(1, 1)]);
  h.push(3, {}, [origin(2, 0), origin(1, 0)]);
  h.push(4, {}, [origin(1, 1)]);
  h.push(5, {}, [origin(1, 0)]);
  assert.equal(h.ports.out![0]!.origins, [origin(1, 0), origin(1, 1), origin(2, 0)]);
});

test('a batch is marked one, keeping each event\'s metadata and origins beside its data, and the next batch starts empty', () => {
  const h = runOperator(batch, { count: 2 });
  h.push('a', { ws_server: { peer: 1 } }, [origin(1, 0)]);
  h.push('b', { ws_server: { peer: 2 } }, [origin(1, 1)]);
  h.push('c', {}, [origin(2, 0)]);
  h.input.complete();
  const [first, second] = h.ports.out!;
  assert.equal(first!.batch, [
    { meta: { ws_server: { peer: 1 } }, origins: [origin(1, 0)] },
    { meta: { ws_server: { peer: 2 } }, origins: [origin(1, 1)] },
  ]);
  assert.equal(second!.data, ['c']);
  assert.equal(second!.batch, [{ meta: {}, origins: [origin(2, 0)] }]);
});

test('a batch takes the earliest ingest time of its events and settles every one of them', () => {
  const h = runOperator(batch, { count: 3 });
  const log: string[] = [];
  const first = settled('a', log);
  h.input.next(settled('b', log));
  h.input.next({ ...first, ingestNs: 1n });
  h.input.next(settled('c', log));
  const out = h.ports.out![0]!;
  assert.is(out.ingestNs, 1n);
  out.settle!.ack();
  assert.equal(log, ['ack b', 'ack a', 'ack c']);
});

test('events of a stream sharing one origins array, interleaved with others, count their origins once and keep the earliest ingest time', () => {
  const h = runOperator(batch, { count: 6 });
  const a = Object.freeze([origin(1, 0)]);
  const b = Object.freeze([origin(1, 1)]);
  const send = (data: number, origins: readonly ReturnType<typeof origin>[], ingestNs: bigint) =>
    h.input.next({ data, meta: {}, origins, ingestNs, id: data });
  send(1, a, 50n);
  send(2, b, 60n);
  send(3, a, 70n);
  send(4, [origin(1, 1)], 10n); // an origin already counted, from another array, and the earliest
  send(5, b, 80n);
  send(6, a, 90n);
  const out = h.ports.out![0]!;
  assert.equal(out.data, [1, 2, 3, 4, 5, 6]);
  assert.equal(out.origins, [origin(1, 0), origin(1, 1)]);
  assert.is(out.ingestNs, 10n);
});

test('unsubscribing cancels the pending timeout', () => {
  const time = virtualTime();
  const op = subscribed(batch, { timeout_ms: 100 }, time);
  op.input.next(settled('x', []));
  assert.is(time.pending, 1);
  op.subscription.unsubscribe();
  assert.is(time.pending, 0);
  time.runTo(1000);
  assert.equal(op.out, []);
});

test('completing the input cancels the pending timeout', () => {
  const time = virtualTime();
  const h = runOperator(batch, { timeout_ms: 100 }, { scheduler: time.scheduler });
  h.push(1);
  h.input.complete();
  assert.equal(h.data(), [[1]]);
  assert.is(time.pending, 0);
});

test('a config without count or timeout_ms, or with a count that is not a positive integer, is refused', () => {
  assert.equal(issues({}), [[[], 'expected "count", "timeout_ms" or both']]);
  assert.equal(issues({ count: 0 }), [[['count'], 'Too small: expected number to be >0']]);
  assert.equal(issues({ count: 1.5 }), [[['count'], 'Invalid input: expected int, received number']]);
  assert.equal(issues({ timeout_ms: -1 }), [[['timeout_ms'], 'Too small: expected number to be >0']]);
  assert.equal(issues({ count: 2, size: 3 }), [[[], 'Unrecognized key: "size"']]);
});

test('a graceful stop of the flow hands over the partial batch', async () => {
  const flow = await startFlow({ pipelines: { p: { operators: [{ op: 'batch', config: { count: 10, timeout_ms: 60_000 } }] } } });
  for (const n of [1, 2, 3]) flow.send('p', 'in', n);
  await flow.stop();
  assert.equal(flow.seen('p', 'out').map((e) => e.data), [[1, 2, 3]]);
});

test.run();
