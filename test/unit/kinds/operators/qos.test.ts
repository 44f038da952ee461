import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backpressure } from '../../../../src/kinds/operators/backpressure.js';
import { roundrobin } from '../../../../src/kinds/operators/roundrobin.js';
import { runOperator } from './support.js';

test('roundrobin spreads events over its ports in turn', () => {
  const h = runOperator(roundrobin, { ports: ['a', 'b', 'c'] });
  for (let n = 1; n <= 7; n++) h.push(n);
  assert.equal([h.data('a'), h.data('b'), h.data('c')], [[1, 4, 7], [2, 5], [3, 6]]);
});

test('roundrobin skips a port that is not ready, and fails to err when none is', () => {
  const down = new Set(['b']);
  const h = runOperator(roundrobin, { ports: ['a', 'b', 'c'] }, { ready: (port) => !down.has(port) });
  for (let n = 1; n <= 4; n++) h.push(n);
  assert.equal([h.data('a'), h.data('b'), h.data('c')], [[1, 3], [], [2, 4]]);
  down.add('a').add('c');
  h.push(5);
  assert.equal(h.errors.map((e) => [e.code, e.message]), [['ERR_ROUTE_NO_TARGET', 'no output ready (a, b, c all disconnected or over their high-water mark)']]);
});

test('roundrobin needs at least two distinct ports', () => {
  assert.is(roundrobin.config.safeParse({ ports: ['a'] }).success, false);
  assert.equal(roundrobin.config.safeParse({ ports: ['a', 'a'] }).error?.issues[0]?.message, 'each port once');
});

test('backpressure "discard" diverts to overflow while out is not ready, and absorbs the pressure', () => {
  let ready = true;
  const h = runOperator(backpressure, { method: 'discard' }, { ready: () => ready });
  h.push(1);
  ready = false;
  h.push(2);
  h.push(3);
  ready = true;
  h.push(4);
  assert.equal(h.data('out'), [1, 4]);
  assert.equal(h.data('overflow'), [2, 3]);
  assert.is(backpressure.decouples!(backpressure.config.parse({ method: 'discard' })), true);
  assert.is(backpressure.decouples!(backpressure.config.parse({})), false);
});

test('backpressure "pause" lets everything through and leaves pausing to the sinks', () => {
  const h = runOperator(backpressure, {}, { ready: () => false });
  h.push(1);
  assert.equal(h.data('out'), [1]);
});

test.run();
