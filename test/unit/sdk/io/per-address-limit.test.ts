import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PerAddressLimit } from '../../../../src/sdk/io/per-address-limit.js';
import { until } from '../../../support/sockets.js';

/** A server on 127.0.0.1:0 whose accepted sockets go through `limit`; returns what it decided. */
async function serve(limit: PerAddressLimit): Promise<{ server: net.Server; port: number; decisions: boolean[]; accepted: Socket[] }> {
  const decisions: boolean[] = [];
  const accepted: Socket[] = [];
  const server = net.createServer((socket) => {
    const ok = limit.enter(socket);
    decisions.push(ok);
    if (ok) accepted.push(socket);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, decisions, accepted };
}

const connect = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });

test('an address holding max connections is refused one more, and admitted again once one of them closes', async () => {
  const { server, port, decisions, accepted } = await serve(new PerAddressLimit(2));
  const clients = [await connect(port), await connect(port), await connect(port)];
  await until(() => decisions.length === 3, () => `3 decisions, have ${decisions.length}`);
  assert.equal(decisions, [true, true, false]);
  // The place is given back when the server's socket closes.
  const closed = once(accepted[0]!, 'close');
  accepted[0]!.destroy();
  clients[0]!.destroy();
  await closed;
  clients.push(await connect(port));
  await until(() => decisions.length === 4, () => `4 decisions, have ${decisions.length}`);
  assert.equal(decisions[3], true);
  for (const c of clients) c.destroy();
  for (const s of accepted) s.destroy();
  server.close();
});

test('without a max every connection is admitted', async () => {
  const { server, port, decisions, accepted } = await serve(new PerAddressLimit(undefined));
  const clients = await Promise.all([1, 2, 3, 4].map(() => connect(port)));
  await until(() => decisions.length === 4, () => `4 decisions, have ${decisions.length}`);
  assert.equal(decisions, [true, true, true, true]);
  for (const c of clients) c.destroy();
  for (const s of accepted) s.destroy();
  server.close();
});

test.run();
