import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import { startFlow } from '../../../../src/app/testing/index.js';

const pipeline = (config: unknown) => ({ pipelines: { p: { operators: [{ op: 'route', config }] } } });

test('each event goes to the first port whose condition holds, else to the default port', async () => {
  const flow = await startFlow(
    pipeline({ routes: [{ port: 'small', when: 'event.n < 10' }, { port: 'even', when: 'event.n % 2 == 0' }] }),
  );
  try {
    for (const n of [1, 12, 13, 4]) flow.send('p', 'in', { n });
    assert.equal((await flow.collect('p', 'small', 2)).map((e) => e.data), [{ n: 1 }, { n: 4 }]);
    assert.equal((await flow.collect('p', 'even', 1)).map((e) => e.data), [{ n: 12 }]);
    assert.equal((await flow.collect('p', 'out', 1)).map((e) => e.data), [{ n: 13 }]);
  } finally {
    await flow.stop();
  }
});

test('mode "all" sends an event to every port whose condition holds', async () => {
  const flow = await startFlow(
    pipeline({ mode: 'all', routes: [{ port: 'a', when: 'event > 1' }, { port: 'b', when: 'event > 2' }] }),
  );
  try {
    flow.send('p', 'in', 3);
    flow.send('p', 'in', 0);
    assert.is((await flow.next('p', 'a')).data, 3);
    assert.is((await flow.next('p', 'b')).data, 3);
    assert.is((await flow.next('p', 'out')).data, 0);
    await flow.expectNone('p', 'a', 20);
  } finally {
    await flow.stop();
  }
});

test('a condition that is not a boolean sends the event to err with the reason, and the pipeline goes on', async () => {
  const flow = await startFlow(pipeline({ routes: [{ port: 'x', when: 'event.name' }] }));
  try {
    flow.send('p', 'in', { name: 'bob' });
    flow.send('p', 'in', { name: null });
    const err = await flow.next('p', 'err');
    assert.equal(err.data, {
      error: 'p/0: route "x" condition "event.name" must be a boolean, received a string',
      code: 'ERR_EXPR_EVAL',
      connector: 'p',
      event: { name: 'bob' },
    });
    assert.equal((await flow.next('p', 'out')).data, { name: null });
  } finally {
    await flow.stop();
  }
});

test('a syntax error in a condition is refused at load time with its place', async () => {
  const { problems } = await checkFlowObject(pipeline({ routes: [{ port: 'x', when: 'event.n <' }] }), { file: '/tmp/r.json5' });
  assert.equal(problems.map(formatProblem), [
    '/tmp/r.json5:11:25: pipelines.p.operators[0].config.routes[0].when: invalid expression "event.n <": unexpected end of expression at 9, expected an operand',
  ]);
});

test.run();
