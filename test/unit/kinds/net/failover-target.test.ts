import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failoverTarget } from '../../../../src/kinds/net/failover-target.js';
import { dialTcp, type SocketTarget } from '../../../../src/sdk/io/socket-dial.js';
import { freePort } from '../../../support/ports.js';

const options = { tls: undefined, socketOptions: {} as never, timeoutMs: 2000 };
const target = (port: number): SocketTarget => ({
  label: `127.0.0.1:${port}`,
  dial: (signal) => dialTcp({ host: '127.0.0.1', port }, { ...options, signal }),
  inner: () => ({ port }),
});

async function server(): Promise<{ port: number; close: () => Promise<void> }> {
  const s = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as net.AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) };
}

test('a dial passes over an address that refuses for the next one, and starts with the one that answered next time', async () => {
  const dead = await freePort();
  const live = await server();
  try {
    let deadDials = 0;
    const deadTarget = target(dead);
    const counted: SocketTarget = { ...deadTarget, dial: (signal) => (deadDials++, deadTarget.dial(signal)) };
    const failover = failoverTarget([counted, target(live.port)]);
    assert.is(failover.label, `127.0.0.1:${dead} or 127.0.0.1:${live.port}`);
    const socket = await failover.dial(new AbortController().signal);
    assert.is(socket.remotePort, live.port);
    assert.equal(failover.inner(socket), { port: live.port });
    socket.destroy();
    (await failover.dial(new AbortController().signal)).destroy();
    assert.is(deadDials, 1, 'the second dial went straight to the address that answered');
  } finally {
    await live.close();
  }
});

test('when no address answers, the error names each one with its reason', async () => {
  const [a, b] = [await freePort(), await freePort()];
  try {
    await failoverTarget([target(a), target(b)]).dial(new AbortController().signal);
    assert.unreachable('it connected');
  } catch (err) {
    assert.match((err as Error).message, new RegExp(`^127\\.0\\.0\\.1:${a}: .*ECONNREFUSED.*; 127\\.0\\.0\\.1:${b}: .*ECONNREFUSED`));
  }
});

test.run();
