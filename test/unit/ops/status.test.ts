import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StatusTable } from '../../../src/ops/status-table.js';
import { startFlow } from '../../../src/testing/index.js';
import { echoFlow } from '../../support/flows.js';
import { TestClient } from '../../support/ws.js';

test('the status table shows each connector with its state, connections, rates and errors', async () => {
  const flow = await startFlow(echoFlow());
  const out = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  let written = '';
  (out as unknown as PassThrough).on('data', (d) => (written += d));
  const table = new StatusTable(() => [flow.flow], out);
  try {
    table.rows(performance.now() - 1000);
    const c = await TestClient.open(flow.address('server'));
    c.send('{"a":1}\n{"b":2}\n{bad}');
    await c.waitFor(2);
    await flow.next('server', 'err');
    table.draw();
    const [head, row] = written.trimEnd().split('\n');
    assert.match(head!, /^connector\s+kind\s+state\s+conns\s+in\/s\s+out\/s\s+errors$/);
    assert.match(row!, /^inline\/server\s+ws_server\s+server\s+1\s+\d+\s+\d+\s+1$/);
    await c.close();
  } finally {
    await flow.stop();
  }
});

test('the metrics connector emits Tremor-shaped connector_events for every port of the flow', async () => {
  const flow = await startFlow({
    connectors: {
      tick: { type: 'metronome', config: { interval_ms: 10 } },
      sink: { type: 'null' },
      metrics: { type: 'metrics', config: { interval_s: 0.05 } },
    },
    links: [['tick', 'sink']],
  });
  try {
    const events = await flow.collect('metrics', 'out', 2, { timeout: 3000 });
    const tick = events.map((e) => e.data as { measurement: string; tags: Record<string, string>; fields: { count: number }; timestamp: number }).find((d) => d.tags.connector === 'tick');
    assert.ok(tick !== undefined, JSON.stringify(events.map((e) => e.data)));
    assert.is(tick!.measurement, 'connector_events');
    assert.equal({ ...tick!.tags }, { flow: 'inline', connector: 'tick', port: 'out', direction: 'out' });
    assert.ok(tick!.fields.count > 0);
    assert.type(tick!.timestamp, 'number');
  } finally {
    await flow.stop();
  }
});

test.run();
