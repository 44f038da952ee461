import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregateEvent, batchParts, createEvent, deriveEvent, dispatched, Transaction, type TremoloEvent } from '../../../src/sdk/event.js';

const a = { connector: 1, stream: 1 };
const b = { connector: 1, stream: 2 };

test('an aggregate of one event keeps its origins and ingest time, with an id of its own and nothing to settle', () => {
  const part = createEvent({ n: 1 }, {}, Object.freeze([a]), 5n);
  const agg = aggregateEvent({ sum: 1 }, [part], { window: {} });
  assert.equal(agg.origins, [a]);
  assert.is(agg.ingestNs, 5n);
  assert.is.not(agg.id, part.id);
  assert.is(agg.settle, undefined);
  assert.equal(agg.meta, { window: {} });
  assert.equal(agg.data, { sum: 1 });
});

test('an aggregate of several events has each origin once, in first-seen order, and the earliest ingest time', () => {
  const parts = [createEvent(1, {}, [b], 9n), createEvent(2, {}, [a, b], 3n), createEvent(3, {}, [a], 7n)];
  const agg = aggregateEvent(null, parts);
  assert.equal(agg.origins, [b, a]);
  assert.is(agg.ingestNs, 3n);
});

test('an aggregate of one event naming an origin twice has it once', () => {
  assert.equal(aggregateEvent(null, [createEvent(1, {}, [a, a])]).origins, [a]);
});

test('an aggregate of one transactional event settles it: acked once the aggregate is', () => {
  const outcomes: string[] = [];
  const part = createEvent(1, {}, [a], 1n, new Transaction({ ack: () => outcomes.push('ack'), fail: (why) => outcomes.push(`fail ${why}`) }));
  part.settle!.hold!(); // held by whoever kept it for the aggregate
  dispatched(part, () => {}); // the part's own dispatch ends
  const agg = aggregateEvent(null, [part]);
  assert.ok(agg.settle !== undefined);
  dispatched(agg, () => {}); // nothing took the aggregate on: acked at the end of its dispatch
  assert.equal(outcomes, ['ack']);
});

const batchOf = (data: unknown, meta = {}): TremoloEvent => ({
  ...createEvent(data, meta, [a, b], 4n),
  batch: [
    { meta: { ws_server: { peer: 'a' } }, origins: [a] },
    { meta: { ws_server: { peer: 'b' } }, origins: [b] },
  ],
});

test('the parts of a batch are its elements, each with its own metadata and origins, and the batch\'s ingest time and settlement', () => {
  const settle = new Transaction({ ack: () => undefined, fail: () => undefined });
  const parts = batchParts({ ...batchOf(['x', 'y']), settle })!;
  assert.equal(parts.map((p) => [p.data, p.meta, p.origins, p.ingestNs, p.batch]), [
    ['x', { ws_server: { peer: 'a' } }, [a], 4n, undefined],
    ['y', { ws_server: { peer: 'b' } }, [b], 4n, undefined],
  ]);
  assert.ok(parts.every((p) => p.settle === settle));
});

test('metadata set on a batch applies to each part, namespace by namespace over its own; an element the pipeline added has the batch\'s', () => {
  const parts = batchParts(batchOf(['x', 'y', 'z'], { http_client: { request: { url: '/b' } } }))!;
  assert.equal(parts.map((p) => p.meta), [
    { ws_server: { peer: 'a' }, http_client: { request: { url: '/b' } } },
    { ws_server: { peer: 'b' }, http_client: { request: { url: '/b' } } },
    { http_client: { request: { url: '/b' } } },
  ]);
  assert.equal(parts[2]!.origins, [a, b]);
});

test('a batch stays one through deriveEvent; an event without the mark, or whose data is no longer an array, has no parts', () => {
  const derived = deriveEvent(batchOf(['x', 'y']), ['X', 'Y']);
  assert.equal(batchParts(derived)!.map((p) => p.data), ['X', 'Y']);
  assert.is(batchParts(deriveEvent(batchOf(['x', 'y']), { count: 2 })), undefined);
  assert.is(batchParts(createEvent(['x', 'y'], {}, [a])), undefined);
});

test.run();
