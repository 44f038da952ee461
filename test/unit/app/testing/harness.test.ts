import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { echoFlow } from '../../../support/flows.js';
import { freePort } from '../../../support/ports.js';
import { TestClient } from '../../../support/ws.js';

// The process's own stdout and stderr are made on first use (a log line of the flow's, a reporter's
// line): made now, they count the same before the flow as after it.
void process.stdout;
void process.stderr;

const handles = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};

test('stop() leaves no socket, server or timer behind', async () => {
  await sleep(20);
  const before = handles();
  const port = await freePort();
  const flow = await startFlow({
    ...echoFlow(),
    connectors: {
      ...(echoFlow() as { connectors: object }).connectors,
      // A client that keeps retrying a server that is not there: timers of its own.
      lost: { type: 'ws_client', codec: 'json', config: { url: `ws://127.0.0.1:${port}` }, reconnect: { retry: { interval_ms: 20 } } },
      tick: { type: 'metronome', config: { interval_ms: 5 } },
    },
  });
  const client = await TestClient.open(flow.address('server'));
  client.send('{"x":1}');
  await client.waitFor(1);
  await flow.next('tick', 'out');
  const during = handles();
  assert.ok((during.TCPServerWrap ?? 0) > (before.TCPServerWrap ?? 0), 'the server was listening');
  await flow.stop();
  await client.waitClosed();
  await sleep(50);
  assert.equal(handles(), before);
});

test('next() waits for the next event of a port, in order, and times out naming the port', async () => {
  const flow = await startFlow({ pipelines: { p: {} } });
  try {
    flow.send('p', 'in', 1);
    flow.send('p', 'in', 2);
    assert.is((await flow.next('p', 'out')).data, 1);
    assert.is((await flow.next('p', 'out')).data, 2);
    const err = await flow.next('p', 'out', { timeout: 30 }).catch((e: Error & { code: string }) => e);
    assert.is((err as { code: string }).code, 'ERR_TIMEOUT');
    assert.is((err as Error).message, 'no event on p/out within 30 ms');
    await flow.expectNone('p', 'out', 10);
    flow.send('p', 'in', 3);
    const failed = await flow.expectNone('p', 'out', 10).catch((e: Error) => e.message);
    assert.is(failed, 'expected no event on p/out, received 3');
  } finally {
    await flow.stop();
  }
});

test.run();
