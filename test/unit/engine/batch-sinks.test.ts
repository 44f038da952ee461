import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../src/app/testing/index.js';
import { TestClient } from '../../support/ws.js';

test("a batch of events from several connections reaches each connection with its own events only, each a message of its own", async () => {
  const flow = await startFlow({
    connectors: { server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } } },
    pipelines: { p: { operators: [{ op: 'map', config: { event: '"re: " + event' } }, { op: 'batch', config: { count: 4 } }] } },
    links: [['server', 'p'], ['p', 'server']],
  });
  try {
    const a = await TestClient.open(flow.address('server'));
    const b = await TestClient.open(flow.address('server'));
    a.send('a1');
    await flow.next('server', 'out');
    b.send('b1');
    await flow.next('server', 'out');
    a.send('a2');
    await flow.next('server', 'out');
    b.send('b2');
    assert.equal(await a.waitFor(2), ['re: a1', 're: a2']);
    assert.equal(await b.waitFor(2), ['re: b1', 're: b2']);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(a.messages.length + b.messages.length, 4, 'nothing more');
    await a.close();
    await b.close();
  } finally {
    await flow.stop();
  }
});

test('a batch turned into something other than an array is one event again: the sink writes it as one value', async () => {
  const flow = await startFlow({
    connectors: { server: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } } },
    pipelines: { p: { operators: [{ op: 'batch', config: { count: 2 } }, { op: 'map', config: { event: '{"items": event}' } }] } },
    links: [['server', 'p'], ['p', 'server']],
  });
  try {
    const a = await TestClient.open(flow.address('server'));
    a.send('1');
    a.send('2');
    assert.equal(await a.waitFor(1), ['{"items":[1,2]}']);
    await a.close();
  } finally {
    await flow.stop();
  }
});

test.run();
