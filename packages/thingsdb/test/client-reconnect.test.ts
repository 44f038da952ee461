import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestFlow } from '../../../src/app/testing/index.js';
import { clientFlow } from '../../../test/support/thingsdb-flows.js';
import { ThingsdbPeer } from '../../../test/support/thingsdb-peer.js';

async function withPeer(config: Record<string, unknown>, body: (peer: ThingsdbPeer, flow: TestFlow) => Promise<void>): Promise<void> {
  const peer = await ThingsdbPeer.start();
  const flow = await clientFlow(peer.url, config);
  try {
    await body(peer, flow);
  } finally {
    await flow.stop();
    await peer.stop();
  }
}

test('after a lost connection it reconnects, logs in and joins again before the requests that waited go out; the one in flight comes out of err', () =>
  withPeer({ rooms: ['lobby'] }, async (peer, flow) => {
    const first = await peer.loggedIn();
    const join = await first.next();
    first.reply(join.id, 18, [18]);
    flow.send('client', 'in', { query: 'in flight;' }, { thingsdb: { correlation: 'a' } });
    const inFlight = await first.next();
    assert.equal(inFlight.value, ['//stuff', 'in flight;']);
    first.drop();
    const lost = await flow.next('client', 'err');
    assert.equal(lost.data, {
      error: 'client/0: the connection was lost before ThingsDB answered; the request may or may not have been carried out',
      code: 'ERR_NOT_CONNECTED',
      event: { query: 'in flight;' },
    });
    assert.equal(lost.meta, { thingsdb: { correlation: 'a' } });
    flow.send('client', 'in', { query: 'waited;' }, { thingsdb: { correlation: 'b' } });

    const second = await peer.loggedIn();
    const rejoin = await second.next();
    assert.equal([rejoin.type, rejoin.value], [38, ['//stuff', 'lobby']]);
    second.reply(rejoin.id, 18, [21]);
    const waited = await second.next();
    assert.equal([waited.type, waited.value], [34, ['//stuff', 'waited;']]);
    second.reply(waited.id, 18, 'done');
    const answer = await flow.next('client', 'out');
    assert.equal([answer.data, (answer.meta.thingsdb as { correlation: string }).correlation], ['done', 'b']);

    // The room's id is the new connection's: names are joined anew.
    flow.send('client', 'in', { emit: 'hi', room: 'lobby' });
    assert.equal((await second.next()).value, ['//stuff', 21, 'hi']);
  }));

test('requests that come while it cannot connect wait, in order, and go out once it is connected and logged in', async () => {
  const peer = await ThingsdbPeer.start();
  const url = peer.url;
  await peer.stop();
  const flow = await clientFlow(url);
  let late: ThingsdbPeer | undefined;
  try {
    for (let i = 0; i < 5; i++) flow.send('client', 'in', { query: `${i};` });
    late = await ThingsdbPeer.start(Number(new URL(url).port));
    const conn = await late.loggedIn(undefined, 5000);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await conn.next()).value);
    assert.equal(sent, [0, 1, 2, 3, 4].map((i) => ['//stuff', `${i};`]));
  } finally {
    await flow.stop();
    await late?.stop();
  }
});

test('a refused login comes out of err with its error; the requests that waited, and those after, fail with it until the next connection', () =>
  withPeer({ token: 'expired' }, async (peer, flow) => {
    flow.send('client', 'in', { query: 'waiting;' });
    const conn = await peer.nextConnection();
    const auth = await conn.next();
    assert.equal([auth.type, auth.value], [33, 'expired']);
    conn.reply(auth.id, 19, { error_code: -56, error_msg: 'token is expired' });
    const [refused, waiting] = await flow.collect('client', 'err', 2);
    assert.equal(refused!.data, { error: 'client/0: ThingsDB refused logging in: token is expired (-56, auth_error)', code: 'ERR_REMOTE', error_code: -56, error_msg: 'token is expired' });
    assert.equal(waiting!.data, { error: 'client/0: not logged in: token is expired (-56)', code: 'ERR_REMOTE', event: { query: 'waiting;' } });
    flow.send('client', 'in', { query: 'after;' });
    assert.equal((await flow.next('client', 'err')).data, { error: 'client/0: not logged in: token is expired (-56)', code: 'ERR_REMOTE', event: { query: 'after;' } });

    conn.drop();
    const next = await peer.loggedIn('expired');
    flow.send('client', 'in', { query: 'now;' });
    assert.equal((await next.next()).value, ['//stuff', 'now;']);
  }));

test('requests beyond max_queued come out of err (ERR_QUEUE_FULL); those within it wait', () =>
  withPeer({ max_queued: 2 }, async (peer, flow) => {
    for (const q of ['1;', '2;', '3;']) flow.send('client', 'in', { query: q });
    const full = await flow.next('client', 'err');
    assert.equal(full.data, { error: 'client/0: 2 requests are waiting for ThingsDB already (max_queued); request not sent', code: 'ERR_QUEUE_FULL', event: { query: '3;' } });
    const conn = await peer.loggedIn();
    assert.equal([(await conn.next()).value, (await conn.next()).value], [
      ['//stuff', '1;'],
      ['//stuff', '2;'],
    ]);
  }));

test.run();
