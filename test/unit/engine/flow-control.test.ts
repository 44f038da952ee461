import type { Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FlowControl } from '../../../src/engine/flow-control.js';
import { startFlow } from '../../../src/app/testing/index.js';
import { echoFlow } from '../../support/flows.js';
import { TestClient } from '../../support/ws.js';

test('an origin held by two targets resumes only when both release it', () => {
  const calls: string[] = [];
  const fc = new FlowControl(() => ({ pauseStream: (s) => calls.push(`pause ${s}`), resumeStream: (s) => calls.push(`resume ${s}`) }));
  const a = { connector: 1, stream: 7 };
  fc.hold(2, 'x', [a]);
  fc.hold(2, 'x', [a]);
  fc.hold(2, 'y', [a]);
  assert.equal(calls, ['pause 7']);
  assert.ok(fc.isHolding(2));
  fc.release(2, 'x');
  assert.equal(calls, ['pause 7']);
  assert.ok(fc.isPaused(a));
  fc.release(2, 'y');
  assert.equal(calls, ['pause 7', 'resume 7']);
  assert.not.ok(fc.isPaused(a));
  assert.not.ok(fc.isHolding(2));
  fc.release(2, 'y');
  assert.equal(calls, ['pause 7', 'resume 7']);
});

test('a sink decoupled from a source by the graph never pauses it', () => {
  const calls: string[] = [];
  const fc = new FlowControl(
    () => ({ pauseStream: (s) => calls.push(`pause ${s}`), resumeStream: (s) => calls.push(`resume ${s}`) }),
    (source, sink) => !(source === 1 && sink === 3),
  );
  fc.hold(3, 'conn', [{ connector: 1, stream: 0 }, { connector: 2, stream: 5 }]);
  assert.equal(calls, ['pause 5']);
  assert.ok(fc.isHolding(3));
});

test('a stream answering on behalf of an origin is paused and resumed with it', () => {
  const calls: string[] = [];
  const fc = new FlowControl((c) => ({ pauseStream: (s) => calls.push(`pause ${c}:${s}`), resumeStream: (s) => calls.push(`resume ${c}:${s}`) }));
  const browser = { connector: 1, stream: 4 };
  fc.addStandIn(browser, 2, 9); // the upstream answering for that browser
  fc.hold(1, 'conn', [browser]);
  assert.equal(calls, ['pause 1:4', 'pause 2:9']);
  fc.addStandIn(browser, 3, 1); // one opened while the origin is held starts paused
  assert.equal(calls.at(-1), 'pause 3:1');
  fc.removeStandIn(browser, 3, 1);
  fc.release(1, 'conn');
  assert.equal(calls.slice(3), ['resume 1:4', 'resume 2:9']);
});

/** A gateway's flow control: 1 is its ws_server, 2 its unix client; 1 feeds 2 and 2 feeds 1, 1 does not feed 1. */
function gatewayControl(): { fc: FlowControl; calls: string[] } {
  const calls: string[] = [];
  const fc = new FlowControl(
    (c) => ({ pauseStream: (s) => calls.push(`pause ${c}:${s}`), resumeStream: (s) => calls.push(`resume ${c}:${s}`) }),
    (source, sink) => source !== sink,
  );
  return { fc, calls };
}

test('a sink its origin does not feed holds the stream standing in for that origin, and the origin goes on', () => {
  const { fc, calls } = gatewayControl();
  const browser = { connector: 1, stream: 4 };
  fc.addStandIn(browser, 2, 9);
  fc.addStandIn({ connector: 1, stream: 5 }, 2, 10); // another browser's upstream
  fc.hold(1, 'conn 4', [browser]); // the browser's connection is full of what its upstream sent
  assert.equal(calls, ['pause 2:9']);
  assert.ok(fc.isPaused({ connector: 2, stream: 9 }));
  assert.not.ok(fc.isPaused(browser));
  fc.release(1, 'conn 4');
  assert.equal(calls, ['pause 2:9', 'resume 2:9']);
  assert.not.ok(fc.isPaused({ connector: 2, stream: 9 }));
});

test('a stand-in held itself and through its origin resumes only once both are released', () => {
  const { fc, calls } = gatewayControl();
  const browser = { connector: 1, stream: 4 };
  fc.addStandIn(browser, 2, 9);
  fc.hold(2, 'upstream 9', [browser]); // the upstream does not read: the browser and its upstream stop
  fc.hold(1, 'conn 4', [browser]); // and the browser does not read either
  assert.equal(calls, ['pause 1:4', 'pause 2:9']);
  fc.release(1, 'conn 4');
  assert.equal(calls, ['pause 1:4', 'pause 2:9'], 'the upstream stays paused while the browser is held');
  fc.hold(1, 'conn 4', [browser]);
  fc.release(2, 'upstream 9');
  assert.equal(calls, ['pause 1:4', 'pause 2:9', 'resume 1:4'], 'the upstream stays paused while its own sink is full');
  fc.release(1, 'conn 4');
  assert.equal(calls.at(-1), 'resume 2:9');
  assert.equal(fc.holders, []);
});

test('a client that stops reading its echoes pauses only its own connection, and gets everything once it reads again', async () => {
  const flow = await startFlow(echoFlow({ codec: 'binary', preprocessors: [], postprocessors: [], config: { high_water_mark: 64 * 1024, low_water_mark: 16 * 1024 } }));
  const slow = await TestClient.open(flow.address('server'));
  const other = await TestClient.open(flow.address('server'));
  try {
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause(); // stops reading: the server's writes back to it pile up
    const payload = Buffer.alloc(1024, 7);
    const total = 12_000; // 12 MB, more than loopback socket buffers hold
    for (let i = 0; i < total; i++) slow.send(payload, true);
    const fc = flow.flow.flowControl;
    const deadline = performance.now() + 5000;
    while (fc.pauses === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(fc.pauses > 0, 'the slow connection was never paused');
    const host = flow.flow.connector('server');
    const slowOrigin = { connector: host.id, stream: 0 };
    assert.ok(fc.isPaused(slowOrigin));
    // Another client is not held up by the slow one.
    other.send(Buffer.from('quick'), true);
    await other.waitFor(1);
    assert.not.ok(fc.isPaused({ connector: host.id, stream: 1 }));
    socket.resume();
    await slow.waitFor(total, 20_000);
    assert.is(slow.messages.length, total);
    assert.is(fc.holders.length, 0);
  } finally {
    await slow.close();
    await other.close();
    await flow.stop();
  }
});

test.run();
