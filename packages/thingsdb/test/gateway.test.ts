import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { freePort } from '../../../test/support/ports.js';
import { ScriptedNode } from '../../../test/support/thingsdb-tcp-node.js';
import { pkg, WireClient } from '../../../test/support/thingsdb-wire.js';

interface Ctx {
  flow?: TestFlow;
  nodes: ScriptedNode[];
  clients: WireClient[];
}
const test = suite<Ctx>('thingsdb gateway: a WebSocket per node connection, packages unchanged', { nodes: [], clients: [] });
test.after.each(async (ctx) => {
  for (const c of ctx.clients.splice(0)) await c.close().catch(() => {});
  await ctx.flow?.stop();
  ctx.flow = undefined;
  for (const n of ctx.nodes.splice(0)) await n.stop();
});

const FLOW = path.join(repoRoot, 'flows/thingsdb-gateway.json5');

async function gateway(ctx: Ctx, nodes: string[], args: Record<string, unknown> = {}): Promise<string> {
  ctx.flow = await startFlow(FLOW, { args: { port: 0, nodes, ...args } });
  return ctx.flow.address('ws');
}
async function node(ctx: Ctx): Promise<ScriptedNode> {
  const n = await ScriptedNode.start();
  ctx.nodes.push(n);
  return n;
}
async function client(ctx: Ctx, url: string, protocols?: string[]): Promise<WireClient> {
  const c = await WireClient.open(url, protocols === undefined ? {} : { protocols });
  ctx.clients.push(c);
  return c;
}

test('packages reach the node byte for byte and its packages come back byte for byte', async (ctx) => {
  const n = await node(ctx);
  const c = await client(ctx, await gateway(ctx, [n.address]));
  const auth = pkg(1, 33, ['admin', 'pass']);
  const query = pkg(2, 34, ['@:stuff', '1.0;', null]);
  c.send(auth);
  c.send(query);
  const conn = await n.nextConnection();
  assert.equal((await conn.packages.next('the AUTH')).toString('hex'), auth.toString('hex'));
  assert.equal((await conn.packages.next('the QUERY')).toString('hex'), query.toString('hex'));
  assert.equal(await c.nextHex(), '00000000010011ee');
  assert.equal(await c.next(), { id: 2, type: 18, value: '1.0;' });
  // An event, as the node sends it, unchanged.
  const event = pkg(0xffff, 8, { scope: '@collection:stuff', id: 3, event: 'hi', args: [1.5, 9007199254740993n] });
  conn.send(event);
  assert.equal(await c.nextHex(), event.toString('hex'));
});

test('a size field smaller than the message sends the node only the package it declares, as the node reads it', async (ctx) => {
  const n = await node(ctx);
  const c = await client(ctx, await gateway(ctx, [n.address]));
  c.send(Buffer.concat([pkg(1, 32), pkg(2, 32)]));
  c.send(pkg(3, 32));
  const conn = await n.nextConnection();
  assert.equal((await conn.packages.next('the first PING')).toString('hex'), pkg(1, 32).toString('hex'));
  assert.equal((await conn.packages.next('the next PING')).toString('hex'), pkg(3, 32).toString('hex'));
  assert.equal((await c.next()).id, 1);
  assert.equal((await c.next()).id, 3);
});

test('a size field larger than the message sends the message with the size it has', async (ctx) => {
  const n = await node(ctx);
  const c = await client(ctx, await gateway(ctx, [n.address]));
  const auth = pkg(1, 33, ['admin', 'pass']);
  const lying = Buffer.from(auth);
  lying.writeUInt32LE(auth.length + 100, 0);
  c.send(lying);
  const conn = await n.nextConnection();
  assert.equal((await conn.packages.next('the AUTH')).toString('hex'), auth.toString('hex'));
  assert.equal(await c.next(), { id: 1, type: 17, value: undefined });
});

test('a bad check byte or a message shorter than the header closes the connection, and the node gets nothing of it', async (ctx) => {
  const n = await node(ctx);
  const url = await gateway(ctx, [n.address]);
  const bad = pkg(1, 33, ['admin', 'pass']);
  bad[7] = 0;
  const a = await client(ctx, url);
  a.send(pkg(1, 32));
  assert.equal((await a.next()).type, 16);
  a.send(bad);
  assert.equal(await a.waitClosed(), { code: 1000, reason: 'invalid package (check byte 0x00 does not match type 0x21)' });
  const b = await client(ctx, url);
  b.send(Buffer.from([1, 2, 3]));
  assert.equal(await b.waitClosed(), { code: 1000, reason: 'invalid package (header too small: 3 bytes)' });
  const conn = await n.nextConnection();
  await conn.packages.next('the PING');
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(conn.packages.drained, 'the bad package never reached the node');
});

test('before the node accepts an AUTH, a package over max_size_before_auth never reaches it: -53 for an AUTH, -56 for a query, then the close', async (ctx) => {
  const n = await node(ctx);
  const url = await gateway(ctx, [n.address]);
  const big = pkg(1, 33, ['admin', 'x'.repeat(5000)]);
  const why = `a package of ${big.length - 8} bytes before authentication (max_size_before_auth is 4096)`;
  const a = await client(ctx, url);
  a.send(big);
  assert.equal(await a.next(), { id: 1, type: 19, value: { error_code: -53, error_msg: `invalid authentication request: ${why}` } });
  assert.equal(await a.waitClosed(), { code: 1000, reason: why });
  const b = await client(ctx, url);
  const query = pkg(2, 34, ['@:stuff', 'x'.repeat(5000)]);
  b.send(query);
  assert.equal(await b.next(), { id: 2, type: 19, value: { error_code: -56, error_msg: 'connection is not authenticated' } });
  await b.waitClosed();
  // A failed login does not lift the limit either.
  const c = await client(ctx, url);
  c.send(pkg(3, 33, ['admin', 'wrong']));
  assert.equal((await c.next()).type, 19);
  c.send(query);
  assert.equal((await c.next()).value, { error_code: -56, error_msg: 'connection is not authenticated' });
  await c.waitClosed();
});

test('a large query sent right behind the AUTH waits for its answer and then reaches the node, in order', async (ctx) => {
  const n = await node(ctx);
  const c = await client(ctx, await gateway(ctx, [n.address]));
  const code = `"${'y'.repeat(10_000)}";`;
  c.send(pkg(1, 33, ['admin', 'pass']));
  c.send(pkg(2, 34, ['@:stuff', code]));
  c.send(pkg(3, 32));
  assert.equal((await c.next()).type, 17);
  assert.equal(await c.next(), { id: 2, type: 18, value: code });
  assert.equal((await c.next()).id, 3);
});

test('an unreachable first node is passed over for the next one', async (ctx) => {
  const dead = `127.0.0.1:${await freePort()}`;
  const n = await node(ctx);
  const c = await client(ctx, await gateway(ctx, [dead, n.address]));
  assert.equal((await c.ask(1, 32)).type, 16);
  await n.nextConnection();
});

test('a node that goes away closes its WebSocket with 1012 (reconnect), and no node at all with 1014', async (ctx) => {
  const n = await node(ctx);
  const url = await gateway(ctx, [n.address]);
  const c = await client(ctx, url);
  assert.equal((await c.ask(1, 32)).type, 16);
  n.dropAll();
  assert.equal(await c.waitClosed(), { code: 1012, reason: 'upstream closed' });
  await n.stop();
  ctx.nodes.length = 0;
  const d = await client(ctx, url);
  d.send(pkg(1, 32));
  assert.equal(await d.waitClosed(5000), { code: 1014, reason: 'upstream unreachable' });
});

test('subprotocols as the node: none or thingsdb-protocol are accepted, any other is refused at the handshake', async (ctx) => {
  const n = await node(ctx);
  const url = await gateway(ctx, [n.address]);
  assert.equal((await client(ctx, url, ['thingsdb-protocol'])).ws.protocol, 'thingsdb-protocol');
  assert.equal((await client(ctx, url)).ws.protocol, '');
  try {
    await client(ctx, url, ['foo']);
    assert.unreachable('the handshake was accepted');
  } catch (err) {
    assert.equal((err as Error).message, 'Unexpected server response: 400');
  }
});

test.run();
