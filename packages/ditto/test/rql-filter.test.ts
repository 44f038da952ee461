import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { startFlow } from '../../../src/app/testing/index.js';

const pipeline = (config: unknown) => ({ use: ['ditto'], pipelines: { p: { operators: [{ op: 'rql_filter', config }] } } });
const problems = async (config: unknown): Promise<string[]> =>
  (await checkFlowObject(pipeline(config), { file: '/tmp/f.json5' })).problems.map(formatProblem);

test('rql_filter keeps the events whose data matches, in order, with their metadata', async () => {
  const flow = await startFlow(pipeline({ rql: 'and(eq(type,"order"),gt(total,100),like(customer,"A*"))' }));
  try {
    flow.send('p', 'in', { type: 'order', total: 500, customer: 'Ann' }, { trace: 1 });
    flow.send('p', 'in', { type: 'order', total: 50, customer: 'Ann' });
    flow.send('p', 'in', { type: 'refund', total: 500, customer: 'Ann' });
    flow.send('p', 'in', { type: 'order', total: 101, customer: 'Al' }, { trace: 2 });
    flow.send('p', 'in', 'not a record');
    flow.send('p', 'in', { type: 'order', total: '500', customer: 'Ann' });
    const kept = await flow.collect('p', 'out', 2);
    assert.equal(kept.map((e) => [e.data, e.meta]), [
      [{ type: 'order', total: 500, customer: 'Ann' }, { trace: 1 }],
      [{ type: 'order', total: 101, customer: 'Al' }, { trace: 2 }],
    ]);
    await flow.expectNone('p', 'out', 30);
    assert.equal(flow.seen('p', 'err'), [], 'RQL never fails on an event: a mismatch is simply no match');
  } finally {
    await flow.stop();
  }
});

test('rql_filter with placeholders: the record computed per event gives their values', async () => {
  const flow = await startFlow(
    pipeline({ rql: 'and(eq(topic:action,"modified"),gt(value,1))', placeholders: '{"topic:action": $.ditto.action}' }),
  );
  try {
    flow.send('p', 'in', { value: 5 }, { ditto: { action: 'modified' } });
    flow.send('p', 'in', { value: 5 }, { ditto: { action: 'created' } });
    flow.send('p', 'in', { value: 0 }, { ditto: { action: 'modified' } });
    flow.send('p', 'in', { value: 6 });
    flow.send('p', 'in', { value: 7 }, { ditto: { action: 'modified' } });
    assert.equal((await flow.collect('p', 'out', 2)).map((e) => e.data), [{ value: 5 }, { value: 7 }]);
    await flow.expectNone('p', 'out', 30);
  } finally {
    await flow.stop();
  }
});

test('placeholders that are not a record send the event to err, and the next one is served', async () => {
  const flow = await startFlow(pipeline({ rql: 'exists(topic:action)', placeholders: '$.ditto' }));
  try {
    flow.send('p', 'in', 1, { ditto: 'x' });
    flow.send('p', 'in', 2, { ditto: { 'topic:action': 'deleted' } });
    const err = await flow.next('p', 'err');
    assert.equal(err.data, {
      error: 'p/0: filter placeholders "$.ditto" must be a record, received string',
      code: 'ERR_EXPR_EVAL',
      connector: 'p',
      event: 1,
    });
    assert.is((await flow.next('p', 'out')).data, 2);
  } finally {
    await flow.stop();
  }
});

test('the core filter takes a condition only: an RQL filter needs the ditto package', async () => {
  const flow = await startFlow({ pipelines: { p: { operators: [{ op: 'filter', config: { condition: 'event.n > 1' } }] } } });
  try {
    for (const n of [1, 2]) flow.send('p', 'in', { n });
    assert.equal((await flow.next('p', 'out')).data, { n: 2 });
  } finally {
    await flow.stop();
  }
  const without = await checkFlowObject({ pipelines: { p: { operators: [{ op: 'rql_filter', config: { rql: 'exists(a)' } }] } } }, { file: '/tmp/f.json5' });
  assert.match(without.problems.map(formatProblem)[0]!, /pipelines\.p\.operators\[0\]\.op: unknown operator "rql_filter"/);
});

test('an RQL syntax error is a load-time problem placed at the field, with its offset', async () => {
  assert.equal(await problems({ rql: 'and(eq(a,1),gt(b))' }), [
    '/tmp/f.json5:11:20: pipelines.p.operators[0].config.rql: invalid RQL "and(eq(a,1),gt(b))": unexpected ")" at 16, expected ","; gt takes a property and one value',
  ]);
  assert.equal(await problems({ rql: 'eq(,1)' }), [
    '/tmp/f.json5:11:20: pipelines.p.operators[0].config.rql: invalid RQL "eq(,1)": unexpected "," at 3, expected a property',
  ]);
});

test('rql is required; placeholders must be an expression', async () => {
  const missing = await problems({ placeholders: '{}' });
  assert.equal(missing.length, 1);
  assert.match(missing[0]!, /pipelines\.p\.operators\[0\]\.config\.rql: /);
  assert.equal(await problems({ rql: 'exists(a)', placeholders: '{"a":' }).then((p) => p.length), 1);
});

test.run();
