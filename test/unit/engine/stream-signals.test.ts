import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../src/app/testing/index.js';
import { TestClient } from '../../support/ws.js';

const file = path.resolve(import.meta.dirname, '../../support/signals.json5');

test('every connector hears when a stream of the flow ends, and can close another connector’s stream', async () => {
  const flow = await startFlow(
    {
      use: ['./probe-connector.ts'],
      connectors: {
        server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } },
        probe: { type: 'probe' },
      },
      links: [['server', 'probe']],
    },
    { file },
  );
  try {
    const server = flow.flow.connector('server');
    const a = await TestClient.open(flow.address('server'));
    const b = await TestClient.open(flow.address('server'));
    await a.close();
    assert.equal((await flow.next('probe', 'out')).data, { ended: { connector: server.id, stream: 0 } });
    b.send('close me'); // the probe asks the server to close b's connection
    const closed = await b.waitClosed();
    assert.equal(closed, { code: 1000, reason: 'probe says bye' });
    assert.equal((await flow.next('probe', 'out')).data, { ended: { connector: server.id, stream: 1 } });
  } finally {
    await flow.stop();
  }
});

test.run();
