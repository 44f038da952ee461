import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { hex, pkg, WireClient } from '../../../test/support/thingsdb-wire.js';

const test = suite<{ flow?: TestFlow; url?: string }>('thingsdb endpoint: the protocol', {});
test.before(async (ctx) => {
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0, rooms: [{ scope: '//stuff', id: 17 }] } });
  ctx.url = ctx.flow.address('ws');
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
});

async function withClient(ctx: { url?: string }, body: (c: WireClient) => Promise<void>): Promise<void> {
  const client = await WireClient.open(ctx.url!);
  try {
    await body(client);
  } finally {
    await client.close();
  }
}

const login = async (c: WireClient): Promise<void> => assert.equal(await c.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });

test('the reference byte examples are answered byte for byte: AUTH → OK, QUERY → 2, JOIN → [17, nil] and then ON_ROOM_JOIN with its scope, as from a node', (ctx) =>
  withClient(ctx, async (c) => {
    c.send(hex('0c000000 0000 21 de 92 a5 61646d696e a4 70617373'));
    c.send(hex('0b000000 0000 22 dd 92 a2 4074 a6 31202b20313b'));
    c.send(hex('0d000000 0000 26 d9 93 a7 2f2f7374756666 11 cd01c8'));
    assert.is(await c.nextHex(), '00000000000011ee');
    assert.is(await c.nextHex(), '01000000000012ed02');
    assert.is(await c.nextHex(), '03000000000012ed9211c0');
    // {scope: '@collection:stuff', id: 17}: a ThingsDB 1.9 node names the scope (the reference's example has none).
    assert.is(await c.nextHex(), '1d000000ffff06f982a573636f7065b140636f6c6c656374696f6e3a7374756666a2696411');
  }));

test('every request but PING and AUTH gets -56 "connection is not authenticated" before AUTH; PING gets PONG', (ctx) =>
  withClient(ctx, async (c) => {
    const refused = { error_code: -56, error_msg: 'connection is not authenticated' };
    assert.equal(await c.ask(7, 32), { id: 7, type: 16, value: undefined });
    assert.equal(await c.ask(8, 34, ['//stuff', '1;']), { id: 8, type: 19, value: refused });
    assert.equal(await c.ask(9, 37, ['//stuff', 'add_one', [1]]), { id: 9, type: 19, value: refused });
    assert.equal(await c.ask(10, 38, ['//stuff', 17]), { id: 10, type: 19, value: refused });
    assert.equal(await c.ask(11, 39, ['//stuff', 17]), { id: 11, type: 19, value: refused });
    assert.equal(await c.ask(12, 40, ['//stuff', 17, 'ev']), { id: 12, type: 19, value: refused });
    assert.equal(await c.ask(13, 41, ['//stuff', 17, 'ev']), { id: 13, type: 19, value: refused });
  }));

test('a wrong password and an unknown user get -56; a token nobody has gets -56 "invalid token"; a malformed AUTH gets -53', (ctx) =>
  withClient(ctx, async (c) => {
    const bad = { error_code: -56, error_msg: 'invalid username or password' };
    assert.equal(await c.ask(1, 33, ['admin', 'nope']), { id: 1, type: 19, value: bad });
    assert.equal(await c.ask(2, 33, ['nobody', 'pass']), { id: 2, type: 19, value: bad });
    assert.equal(await c.ask(3, 33, 'a-token'), { id: 3, type: 19, value: { error_code: -56, error_msg: 'invalid token' } });
    assert.equal(await c.ask(4, 33, ['admin']), { id: 4, type: 19, value: { error_code: -53, error_msg: 'invalid authentication request' } });
    assert.equal(await c.ask(5, 34, ['//stuff', '1;']), { id: 5, type: 19, value: { error_code: -56, error_msg: 'connection is not authenticated' } });
  }));

test('a package of an unknown type gets no answer: the PING sent after it is answered next', (ctx) =>
  withClient(ctx, async (c) => {
    await login(c);
    c.send(pkg(2, 99, ['//stuff']));
    c.send(pkg(3, 17));
    c.send(pkg(4, 32));
    assert.equal(await c.next(), { id: 4, type: 16, value: undefined });
  }));

test('a payload that is not MessagePack gets -53; the connection stays open', (ctx) =>
  withClient(ctx, async (c) => {
    await login(c);
    assert.equal(await c.ask(2, 34), { id: 2, type: 19, value: { error_code: -53, error_msg: 'expecting the request to contain an array with as scope as first item' } });
    c.send(hex('01000000 0300 22 dd c1'));
    assert.equal(await c.next(), { id: 3, type: 19, value: { error_code: -53, error_msg: 'the payload is not MessagePack' } });
    assert.equal(await c.ask(4, 32), { id: 4, type: 16, value: undefined });
  }));

const malformed: [string, string, string][] = [
  ['a message shorter than the header', '0c000000 0000 21', 'invalid package (header too small: 7 bytes)'],
  ["the reference's LEAVE example, whose check byte is wrong", '0d000000 0000 27 d9 93 a7 2f2f7374756666 11 cd01c8', 'invalid package (check byte 0xd9 does not match type 0x27)'],
  ['a size over max_size', '01000001 0000 20 df 00', 'invalid package (size 16777217 over the maximum of 16777216)'],
];
for (const [what, bytes, why] of malformed) {
  test(`${what} closes the connection (${why}), and only that one`, async (ctx) => {
    const other = await WireClient.open(ctx.url!);
    const c = await WireClient.open(ctx.url!);
    try {
      c.send(hex(bytes));
      c.send(pkg(1, 32));
      assert.equal(await c.waitClosed(), { code: 1000, reason: why });
      assert.ok(c.inbox.drained, 'nothing was answered after the malformed package');
      assert.equal(await other.ask(2, 32), { id: 2, type: 16, value: undefined });
    } finally {
      await other.close();
    }
  });
}

test('a size field that disagrees with the message is read as the node reads it: a smaller one is the package and the rest is ignored, a larger one reads the message', (ctx) =>
  withClient(ctx, async (c) => {
    c.send(hex('0d000000 0000 21 de 92 a5 61646d696e a4 70617373'));
    assert.is(await c.nextHex(), '00000000000011ee');
    c.send(Buffer.concat([pkg(2, 32), pkg(3, 32)]));
    c.send(pkg(4, 32));
    assert.equal((await c.next()).id, 2);
    assert.equal((await c.next()).id, 4);
  }));

test('WATCH and UNWATCH (deprecated) are answered OK, logged in or not, as by the node; subprotocols other than thingsdb-protocol are refused', async (ctx) => {
  await withClient(ctx, async (c) => {
    assert.equal(await c.ask(5, 35, ['@n']), { id: 5, type: 17, value: undefined });
    assert.equal(await c.ask(6, 36, ['@n']), { id: 6, type: 17, value: undefined });
  });
  const ok = await WireClient.open(ctx.url!, { protocols: ['thingsdb-protocol'] });
  assert.is(ok.ws.protocol, 'thingsdb-protocol');
  await ok.close();
  try {
    await WireClient.open(ctx.url!, { protocols: ['foo'] });
    assert.unreachable('the handshake was accepted');
  } catch (err) {
    assert.is((err as Error).message, 'Unexpected server response: 400');
  }
});

test.run();
