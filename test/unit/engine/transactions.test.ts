import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { sinks, sources } from './tx-connectors.js';

const file = path.join(import.meta.dirname, 'transactions.flow.json5');

async function withFlow(flow: object, body: (f: TestFlow) => Promise<void> | void): Promise<void> {
  const f = await startFlow({ use: ['./tx-connectors.ts'], ...flow }, { file });
  try {
    await body(f);
  } finally {
    await f.stop();
  }
}

const source = { type: 'tx_source' };
const confirming = { type: 'tx_sink', config: { confirm: true } };

test('an event fanned out to two sinks is acked once both have acked it', () =>
  withFlow({ connectors: { src: source, a: confirming, b: confirming }, links: [['src', 'a'], ['src', 'b']] }, () => {
    const { outcomes, send } = sources.get('src')!;
    send(1);
    const a = sinks.get('a')!;
    const b = sinks.get('b')!;
    a.ctx.delivered(a.given[0]!);
    assert.equal(outcomes, []);
    b.ctx.delivered(b.given[0]!);
    assert.equal(outcomes, ['ack 1']);
  }));

test('an event fanned out to two sinks is failed as soon as one fails it, and only once', () =>
  withFlow({ connectors: { src: source, a: confirming, b: confirming }, links: [['src', 'a'], ['src', 'b']] }, () => {
    const { outcomes, send } = sources.get('src')!;
    send(1);
    const a = sinks.get('a')!;
    const b = sinks.get('b')!;
    a.ctx.delivered(a.given[0]!, 'a: connection lost');
    assert.equal(outcomes, ['fail 1: a: connection lost']);
    b.ctx.delivered(b.given[0]!);
    b.ctx.delivered(b.given[0]!, 'b: too late');
    assert.equal(outcomes, ['fail 1: a: connection lost']);
  }));

test('a sink that reports an event twice settles its share once', () =>
  withFlow({ connectors: { src: source, a: confirming, b: confirming }, links: [['src', 'a'], ['src', 'b']] }, () => {
    const { outcomes, send } = sources.get('src')!;
    send(1);
    const a = sinks.get('a')!;
    a.ctx.delivered(a.given[0]!);
    a.ctx.delivered(a.given[0]!);
    assert.equal(outcomes, [], 'b has not acked yet');
  }));

test('a connector that does not confirm deliveries acks an event once its write returns', () =>
  withFlow({ connectors: { src: source, n: { type: 'null' } }, links: [['src', 'n']] }, () => {
    const { outcomes, send } = sources.get('src')!;
    send('x');
    assert.equal(outcomes, ['ack "x"']);
  }));

test('an event a pipeline drops is acked when its dispatch ends, one it keeps waits for the sink', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: { keep: { operators: [{ op: 'filter', config: { condition: 'event > 1' } }] } },
      links: [['src', 'keep'], ['keep', 'a']],
    },
    () => {
      const { outcomes, send } = sources.get('src')!;
      send(1);
      send(2);
      assert.equal(outcomes, ['ack 1']);
      const a = sinks.get('a')!;
      assert.equal(a.given.map((e) => e.data), [2]);
      a.ctx.delivered(a.given[0]!);
      assert.equal(outcomes, ['ack 1', 'ack 2']);
    },
  ));

test('an event routed to a pipeline’s err port is failed with the error', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: { keep: { operators: [{ op: 'filter', config: { condition: 'event' } }] } },
      links: [['src', 'keep'], ['keep', 'a']],
    },
    () => {
      const { outcomes, send } = sources.get('src')!;
      send(7);
      assert.is(outcomes.length, 1);
      assert.equal(outcomes, ['fail 7: keep/0: filter condition "event" must be a boolean, received a number']);
    },
  ));

test('an event sent to a port nothing is linked to is failed', () =>
  withFlow(
    {
      connectors: { src: source },
      pipelines: { p: { operators: [{ op: 'map', config: { event: 'event' } }] } },
      links: [['src', 'p']],
    },
    () => {
      const { outcomes, send } = sources.get('src')!;
      send({ x: 1 });
      assert.equal(outcomes, ['fail {"x":1}: p: event sent out of port "out", which nothing is linked to']);
    },
  ));

test('a source port nothing is linked to fails its transactional events', () =>
  withFlow({ connectors: { src: source, a: confirming }, links: [['a', 'src']] }, () => {
    const { outcomes, send } = sources.get('src')!;
    send(3);
    assert.equal(outcomes, ['fail 3: src: event sent out of port "out", which nothing is linked to']);
  }));

test('a batch acks every event it was made of once its sink has acked each of them (a sink is given a batch event by event)', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: { b: { operators: [{ op: 'batch', config: { count: 3 } }] } },
      links: [['src', 'b'], ['b', 'a']],
    },
    () => {
      const { outcomes, send } = sources.get('src')!;
      send(1);
      send(2);
      assert.equal(outcomes, [], 'held by the batch');
      send(3);
      const a = sinks.get('a')!;
      assert.equal(a.given.map((e) => e.data), [1, 2, 3]);
      assert.equal(outcomes, []);
      a.ctx.delivered(a.given[0]!);
      a.ctx.delivered(a.given[2]!);
      assert.equal(outcomes, [], 'one still to deliver');
      a.ctx.delivered(a.given[1]!);
      assert.equal(outcomes, ['ack 1', 'ack 2', 'ack 3']);
    },
  ));

test('a batch fails every event it was made of when its sink fails one of them', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: { b: { operators: [{ op: 'batch', config: { count: 2 } }] } },
      links: [['src', 'b'], ['b', 'a']],
    },
    () => {
      const { outcomes, send } = sources.get('src')!;
      send(1);
      send(2);
      const a = sinks.get('a')!;
      a.ctx.fail(a.given[0]!, 'ERR_WRITE_FAILED', 'a: disk full');
      assert.equal(outcomes, ['fail 1: a: disk full', 'fail 2: a: disk full']);
    },
  ));

test('a window acks the events it counted when the window event is acked', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: { w: { operators: [{ op: 'window', config: { size: 2, aggregates: { n: 'count()' } } }] } },
      links: [['src', 'w'], ['w', 'a']],
    },
    () => {
      const { outcomes, send } = sources.get('src')!;
      send(1);
      send(2);
      const a = sinks.get('a')!;
      assert.equal(a.given[0]!.data, { n: 2 });
      a.ctx.delivered(a.given[0]!);
      assert.equal(outcomes, ['ack 1', 'ack 2']);
    },
  ));

test('an outcome says whether a sink settled the event or the pipeline did (a drop, a dead end)', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: {
        p: {
          operators: [
            { op: 'filter', config: { condition: 'event != "dropped"' } },
            { op: 'route', config: { routes: [{ port: 'nowhere', when: 'event == "dead"' }] } },
          ],
        },
      },
      links: [['src', 'p'], ['p', 'a']],
    },
    () => {
      const { outcomes, settledBy, send } = sources.get('src')!;
      send('w');
      send('dropped');
      send('dead');
      const a = sinks.get('a')!;
      a.ctx.delivered(a.given[0]!);
      assert.equal(outcomes, ['ack "dropped"', 'fail "dead": p: event sent out of port "nowhere", which nothing is linked to', 'ack "w"']);
      assert.equal(settledBy, ['pipeline', 'pipeline', 'sink']);
    },
  ));

test('a window passes on that its sink settled it', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: { w: { operators: [{ op: 'window', config: { size: 2, aggregates: { n: 'count()' } } }] } },
      links: [['src', 'w'], ['w', 'a']],
    },
    () => {
      const { settledBy, send } = sources.get('src')!;
      send(1);
      send(2);
      const a = sinks.get('a')!;
      a.ctx.delivered(a.given[0]!, 'a: refused');
      assert.equal(settledBy, ['sink', 'sink']);
    },
  ));

test('an event waiting in a throttle is acked only once it has left and its sink acked it', () =>
  withFlow(
    {
      connectors: { src: source, a: confirming },
      pipelines: { t: { operators: [{ op: 'throttle', config: { rate: 20, burst: 1 } }] } },
      links: [['src', 't'], ['t', 'a']],
    },
    async () => {
      const { outcomes, send } = sources.get('src')!;
      send(1);
      send(2);
      const a = sinks.get('a')!;
      assert.equal(a.given.map((e) => e.data), [1]);
      a.ctx.delivered(a.given[0]!);
      assert.equal(outcomes, ['ack 1'], '2 waits in the throttle: its dispatch ended but it is not acked');
      const deadline = performance.now() + 2000;
      while (a.given.length < 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(outcomes, ['ack 1'], 'left the throttle, not yet acked by the sink');
      a.ctx.delivered(a.given[1]!);
      assert.equal(outcomes, ['ack 1', 'ack 2']);
    },
  ));

test('events of a source that gives no outcome carry no settlement', () =>
  withFlow({ connectors: { src: source, a: confirming }, links: [['src', 'a']] }, () => {
    sources.get('src')!.sendPlain(1);
    assert.is(sinks.get('a')!.given[0]!.settle, undefined);
  }));

test('an event a disconnected client holds is failed when the flow stops before it could be sent', async () => {
  const f = await startFlow(
    {
      use: ['./tx-connectors.ts'],
      connectors: {
        src: source,
        c: { type: 'ws_client', codec: 'json', config: { url: 'ws://127.0.0.1:9' }, reconnect: { retry: { interval_ms: 10000 } } },
      },
      links: [['src', 'c']],
    },
    { file },
  );
  const { outcomes, send } = sources.get('src')!;
  send(1);
  assert.equal(outcomes, []);
  await f.stop();
  assert.equal(outcomes, ['fail 1: c: stopped before the connection came back; event not sent']);
});

test.run();
