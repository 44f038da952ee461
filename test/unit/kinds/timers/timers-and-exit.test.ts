import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';

test('metronome emits numbered ticks at its interval (interval in ms or Tremor’s nanoseconds)', async () => {
  for (const config of [{ interval_ms: 20 }, { interval: 20_000_000 }]) {
    const flow = await startFlow({ connectors: { tick: { type: 'metronome', config } } });
    try {
      const ticks = await flow.collect('tick', 'out', 3, { timeout: 2000 });
      // Measured between the ticks themselves: the test's own start is later than the timer's.
      const spanMs = Number(ticks[2]!.ingestNs - ticks[0]!.ingestNs) / 1e6;
      assert.ok(spanMs >= 38, `three ticks 20 ms apart span at least 40 ms, measured ${spanMs.toFixed(1)} ms`);
      assert.equal(ticks.map((t) => (t.data as { id: number }).id), [0, 1, 2]);
      assert.is((ticks[0]!.data as { connector: string }).connector, 'metronome');
      assert.type((ticks[0]!.data as { ingest_ns: number }).ingest_ns, 'number');
    } finally {
      await flow.stop();
    }
  }
});

test('exit resolves the flow with the code and after the delay the event asks for', async () => {
  const flow = await startFlow({ connectors: { exit: { type: 'exit' } } });
  try {
    const started = performance.now();
    flow.send('exit', 'in', { exit: 7, delay: 60 });
    flow.send('exit', 'in', { exit: 9 }); // only the first request counts
    assert.is(await flow.flow.exited, 7);
    assert.ok(performance.now() - started >= 55);
  } finally {
    await flow.stop();
  }
});

test("with delay_unit ns, an event's delay is Tremor's nanoseconds", async () => {
  const flow = await startFlow({ connectors: { exit: { type: 'exit', config: { delay_unit: 'ns' } } } });
  try {
    const started = performance.now();
    flow.send('exit', 'in', { exit: 3, delay: 60_000_000 });
    assert.is(await flow.flow.exited, 3);
    const took = performance.now() - started;
    assert.ok(took >= 55 && took < 5000, `took ${took} ms`);
  } finally {
    await flow.stop();
  }
});

test('exit uses its configured delay and code 0 for any other event; a bad code is reported', async () => {
  const flow = await startFlow({ connectors: { exit: { type: 'exit', config: { delay: 30 } } } });
  try {
    flow.send('exit', 'in', { exit: 'soon' });
    const err = await flow.next('exit', 'err');
    assert.is((err.data as { error: string }).error, 'exit: "exit" must be an integer, received "soon"; exiting with 0');
    assert.is(await flow.flow.exited, 0);
  } finally {
    await flow.stop();
  }
});

test('exit with `after` stops at the Nth event it receives', async () => {
  const flow = await startFlow({ connectors: { exit: { type: 'exit', config: { after: 3 } } } });
  try {
    let code: number | undefined;
    void flow.flow.exited.then((c) => (code = c));
    flow.send('exit', 'in', { exit: 5 });
    flow.send('exit', 'in', 'two');
    await new Promise((r) => setTimeout(r, 20));
    assert.is(code, undefined);
    flow.send('exit', 'in', { exit: 4 });
    assert.is(await flow.flow.exited, 4);
  } finally {
    await flow.stop();
  }
});

test('null swallows what it is sent', async () => {
  const flow = await startFlow({ connectors: { sink: { type: 'null' } } });
  try {
    flow.send('sink', 'in', { anything: 1 });
    await flow.expectNone('sink', 'err', 20);
  } finally {
    await flow.stop();
  }
});

test.run();
