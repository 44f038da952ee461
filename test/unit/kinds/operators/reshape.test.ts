import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { remove } from '../../../../src/kinds/operators/remove.js';
import { rename } from '../../../../src/kinds/operators/rename.js';
import { set } from '../../../../src/kinds/operators/set.js';
import { map } from '../../../../src/kinds/operators/map.js';
import { filter } from '../../../../src/kinds/operators/filter.js';
import { drop } from '../../../../src/kinds/operators/drop.js';
import { runOperator } from './support.js';

test('set assigns event and metadata fields from expressions, creating records, leaving the input untouched', () => {
  const h = runOperator(set, { values: { 'event.user.id': 'event.uid', 'event.n': 'event.n + 1', '$.ws_server.binary': 'true' } });
  const input = h.push({ uid: 7, n: 1 }, { ws_server: { tls: false } });
  assert.equal(h.data(), [{ uid: 7, n: 2, user: { id: 7 } }]);
  assert.equal(h.ports.out![0]!.meta, { ws_server: { tls: false, binary: true } });
  assert.equal(input.data, { uid: 7, n: 1 });
  assert.equal(input.meta, { ws_server: { tls: false } });
  assert.is(h.ports.out![0]!.origins, input.origins);
});

test('remove drops fields of the event and its metadata; an absent one is fine', () => {
  const h = runOperator(remove, { paths: ['event.password', '$.ws_server.headers', 'event.nothing.here'] });
  h.push({ user: 'a', password: 'p' }, { ws_server: { headers: { a: 1 }, tls: true } });
  assert.equal(h.data(), [{ user: 'a' }]);
  assert.equal(h.ports.out![0]!.meta, { ws_server: { tls: true } });
});

test('rename moves fields, also between the event and its metadata', () => {
  const h = runOperator(rename, { fields: { 'event.user_name': 'event.user.name', '$.trace': 'event.trace' } });
  h.push({ user_name: 'ann', other: 1 }, { trace: 'abc' });
  assert.equal(h.data(), [{ other: 1, user: { name: 'ann' }, trace: 'abc' }]);
  assert.equal(h.ports.out![0]!.meta, {});
});

test('a bad path is refused at load time naming the path', () => {
  const r = set.config.safeParse({ values: { 'evnt.x': '1' } });
  assert.not.ok(r.success);
  assert.match(r.error!.issues[0]!.message, /^invalid path "evnt\.x": /);
  assert.equal(r.error!.issues[0]!.path, ['values', 'evnt.x']);
});

test('map replaces the event and keeps its origins and ingest time', () => {
  const h = runOperator(map, { event: '{"total": event.a + event.b, "from": $.src}' });
  const input = h.push({ a: 1, b: 2 }, { src: 'x' });
  const out = h.ports.out![0]!;
  assert.equal(out.data, { total: 3, from: 'x' });
  assert.is(out.origins, input.origins);
  assert.is(out.ingestNs, input.ingestNs);
});

test('map with a meta that is not a record sends the event to err', () => {
  const h = runOperator(map, { meta: 'event' });
  h.push(5);
  assert.equal(h.errors.map((e) => [e.code, e.message]), [['ERR_EXPR_EVAL', 'map meta "event" must be a record, received 5']]);
  assert.equal(h.data(), []);
});

test('map with group_by makes one event per group of the event, `group` being that group; each of an empty list makes none', () => {
  const h = runOperator(map, { event: '{"host": group[0], "kind": group[1], "n": event.n}', group_by: [{ each: 'event.hosts' }, 'event.kind'] });
  const first = h.push({ hosts: ['a', 'b'], kind: 'x', n: 1 });
  h.push({ hosts: [], kind: 'y', n: 2 });
  assert.equal(h.data(), [
    { host: 'a', kind: 'x', n: 1 },
    { host: 'b', kind: 'x', n: 1 },
  ]);
  assert.equal(h.ports.out!.map((e) => e.origins), [first.origins, first.origins]);
});

test('map with group_by sends an event to err whole when one of its groups fails', () => {
  const h = runOperator(map, { event: '10 / group[0]', group_by: [{ each: 'event' }] });
  const bad = h.push([5, 'x']);
  h.push([2]);
  assert.equal(h.errors.map((e) => [e.event, e.code]), [[bad, 'ERR_EXPR_EVAL']]);
  assert.equal(h.data(), [5]);
});

test('filter keeps events whose condition holds; a missing field counts as false', () => {
  const h = runOperator(filter, { condition: 'event.level == "error" or event.force' });
  for (const e of [{ level: 'error' }, { level: 'info' }, { force: true }, {}]) h.push(e);
  assert.equal(h.data(), [{ level: 'error' }, { force: true }]);
  assert.equal(h.errors, []);
});

test('a failing expression sends that event to err and the operator goes on', () => {
  const h = runOperator(filter, { condition: 'event.n > 1' });
  h.push({ n: 'x' });
  h.push({ n: 2 });
  assert.equal(h.errors.map((e) => e.code), ['ERR_EXPR_EVAL']);
  assert.match(h.errors[0]!.message, /cannot compare string with number/);
  assert.equal(h.data(), [{ n: 2 }]);
});

test('drop drops everything, or what its condition selects', () => {
  const all = runOperator(drop, {});
  all.push(1);
  assert.equal(all.data(), []);
  const some = runOperator(drop, { when: 'event < 3' });
  for (const n of [1, 5, 2, 9]) some.push(n);
  assert.equal(some.data(), [5, 9]);
});

test('drop with log writes the value of log, at error level, for each event it drops and none it passes', () => {
  const h = runOperator(drop, { when: 'event.n < 3', log: '"dropped " + string(event.n)' });
  for (const n of [1, 5, 2]) h.push({ n });
  assert.equal(h.data(), [{ n: 5 }]);
  assert.equal(h.logs.map((l) => l.replace(/^\S+ /, '')), ['ERROR dropped 1', 'ERROR dropped 2']);
});

test.run();
