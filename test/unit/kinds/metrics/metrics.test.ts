import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';

interface Metric {
  measurement: string;
  tags: Record<string, unknown>;
  fields: { count: number };
}

test('metrics tags name connectors and pipelines by `names` where given, by their alias elsewhere', async () => {
  const flow = await startFlow({
    connectors: {
      tick: { type: 'metronome', config: { interval_ms: 10 } },
      m: { type: 'metrics', config: { interval_s: 0.05, names: { tick: 'main1::tick', p: 'main1::p' } } },
      other: { type: 'metronome', config: { interval_ms: 10 } },
    },
    pipelines: { p: { operators: [] } },
    links: [['tick', 'p'], ['other', 'p']],
  });
  try {
    const events = (await flow.collect('m', 'out', 12, { timeout: 3000 })).map((e) => e.data as Metric);
    const connectors = new Set(events.filter((e) => e.measurement === 'connector_events').map((e) => e.tags.connector));
    const pipelines = new Set(events.filter((e) => e.measurement === 'events').map((e) => e.tags.pipeline));
    assert.equal([...connectors].sort(), ['main1::tick', 'other']);
    assert.equal([...pipelines], ['main1::p']);
  } finally {
    await flow.stop();
  }
});

test.run();
