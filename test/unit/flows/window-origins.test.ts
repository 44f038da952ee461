import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../src/app/testing/index.js';
import { TestClient } from '../../support/ws.js';

test('two WebSocket clients whose messages fall into one window both receive the aggregate', async () => {
  const flow = await startFlow({
    connectors: { server: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } } },
    pipelines: {
      sum: { operators: [{ op: 'window', config: { size: 3, aggregates: { n: 'count()', total: 'sum(event.v)' } } }] },
    },
    links: [['server', 'sum'], ['sum', 'server']],
  });
  const [a, b, c] = await Promise.all([0, 1, 2].map(() => TestClient.open(flow.address('server'))));
  try {
    a!.send('{"v":1}');
    b!.send('{"v":2}');
    a!.send('{"v":4}');
    assert.equal(await a!.waitFor(1), ['{"n":3,"total":7}']);
    assert.equal(await b!.waitFor(1), ['{"n":3,"total":7}']);
    assert.is(c!.messages.length, 0, 'a connection that sent nothing is not an origin');
  } finally {
    await Promise.all([a, b, c].map((x) => x!.close()));
    await flow.stop();
  }
});

test('the std batch and stats pipelines load with their args', async () => {
  const flow = await startFlow({
    use: ['std'],
    pipelines: {
      b: { from: 'std::batch', args: { count: 2 } },
      s: { from: 'std::stats', args: { interval_ms: 1000, group_by: 'event.host', value: 'event.ms' } },
    },
  });
  try {
    flow.send('b', 'in', 1);
    flow.send('b', 'in', 2);
    assert.equal((await flow.next('b', 'out')).data, [1, 2]);
    flow.send('s', 'in', { host: 'a', ms: 10 });
    flow.send('s', 'in', { host: 'a', ms: 30 });
    const stats = await flow.next('s', 'out', { timeout: 3000 });
    assert.equal(stats.data, { count: 2, mean: 20, p50: 10, p99: 30, max: 30 });
    assert.is((stats.meta.window as { group: string }).group, 'a');
  } finally {
    await flow.stop();
  }
});

test.run();
