import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { map } from '../../../../src/kinds/operators/map.js';
import { runOperator } from './support.js';

test("map's state lives across events: null at first, then what the previous event left", () => {
  const h = runOperator(map, { state: 'default(state, 0) + event.n', event: '{"n": event.n, "total": state}' });
  for (const n of [1, 2, 3]) h.push({ n });
  assert.equal(h.data(), [
    { n: 1, total: 1 },
    { n: 2, total: 3 },
    { n: 3, total: 6 },
  ]);
});

test('the state is set before the event is computed, so an event that then fails keeps the change, as a Tremor script does', () => {
  const h = runOperator(map, { state: 'default(state, 0) + 1', event: '{"doubled": event.n * 2, "seen": state}' });
  h.push({ n: 1 });
  h.push({ n: 'x' });
  h.push({ n: 3 });
  assert.equal(h.data(), [
    { doubled: 2, seen: 1 },
    { doubled: 6, seen: 3 },
  ]);
  assert.is(h.errors.length, 1);
  assert.is(h.errors[0]!.code, 'ERR_EXPR_EVAL');
});

test('a map with only state passes the very event on', () => {
  const h = runOperator(map, { state: 'event' });
  const input = h.push({ a: 1 }, { m: true });
  assert.is(h.ports.out![0], input);
});

test('a map needs event, meta or state, and state does not go with group_by', () => {
  const none = map.config.safeParse({});
  assert.not.ok(none.success);
  assert.is(none.error!.issues[0]!.message, 'expected "event", "meta" or "state"');
  const grouped = map.config.safeParse({ state: 'state', group_by: 'event.k' });
  assert.not.ok(grouped.success);
  assert.is(grouped.error!.issues[0]!.message, '"state" and "group_by" do not go together: which group\'s value would the state keep?');
});

test.run();
