import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestFlow } from '../../../src/app/testing/index.js';
import { clientFlow } from '../../../test/support/thingsdb-flows.js';
import { ThingsdbPeer, type PeerConnection } from '../../../test/support/thingsdb-peer.js';

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

/** Logged in, its JOIN of `rooms` in //stuff answered with `ids`, and the ON_ROOM_JOIN events sent. */
async function ready(peer: ThingsdbPeer, rooms: unknown[], ids: (number | null)[]): Promise<PeerConnection> {
  const conn = await peer.loggedIn();
  const join = await conn.next();
  assert.equal([join.type, join.value], [38, ['//stuff', ...rooms]]);
  conn.reply(join.id, 18, ids);
  return conn;
}

/** Nothing reaches the peer within `ms`: an absence, which only time can show. */
async function nothingFor(conn: PeerConnection, ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  assert.ok(conn.inbox.drained, `the client sent ${JSON.stringify(conn.inbox.all.at(-1))}`);
}

test('it logs in first, joins its rooms (one JOIN per scope), and sends the requests that came meanwhile only after both JOINs are answered', () =>
  withPeer({ rooms: { '//stuff': ['lobby', 17], '//other': [3] } }, async (peer, flow) => {
    flow.send('client', 'in', { query: '.x;' });
    const conn = await peer.loggedIn();
    const joins = [await conn.next(), await conn.next()];
    assert.equal(
      joins.map((j) => [j.type, j.value]),
      [
        [38, ['//stuff', 'lobby', 17]],
        [38, ['//other', 3]],
      ],
    );
    conn.reply(joins[0]!.id, 18, [18, 17]);
    await nothingFor(conn, 100);
    conn.reply(joins[1]!.id, 18, [3]);
    const query = await conn.next();
    assert.equal([query.type, query.value], [34, ['//stuff', '.x;']]);
    assert.is(new Set([joins[0]!.id, joins[1]!.id, query.id]).size, 3, 'every package has an id of its own');
    conn.reply(query.id, 18, 'x');
    assert.is((await flow.next('client', 'out')).data, 'x');
  }));

test("an answer is the request's event: its metadata, and meta.thingsdb with the package id, type and correlation (a fresh one when the request has none)", () =>
  withPeer({}, async (peer, flow) => {
    const conn = await peer.loggedIn();
    flow.send('client', 'in', { query: '1 + 1;', scope: '@t' }, { thingsdb: { correlation: 'c-1' }, mine: 1 });
    flow.send('client', 'in', { query: '2;', vars: { a: 1 } });
    const [first, second] = [await conn.next(), await conn.next()];
    assert.equal([first.type, first.value, second.value], [34, ['@t', '1 + 1;'], ['//stuff', '2;', { a: 1 }]]);
    conn.reply(second.id, 18, 2);
    conn.reply(first.id, 18, 2);
    const [b, a] = [await flow.next('client', 'out'), await flow.next('client', 'out')];
    assert.equal(a.meta, { mine: 1, thingsdb: { id: first.id, type: 18, correlation: 'c-1' } });
    assert.match(String((b.meta.thingsdb as { correlation: unknown }).correlation), /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.equal([a.data, b.data], [2, 2]);
  }));

test("ThingsDB's error answers come out of err with its error_code and error_msg, and the request", () =>
  withPeer({}, async (peer, flow) => {
    const conn = await peer.loggedIn();
    flow.send('client', 'in', { run: 'nope', args: { a: 1 } }, { thingsdb: { correlation: 7 } });
    const run = await conn.next();
    assert.equal([run.type, run.value], [37, ['//stuff', 'nope', { a: 1 }]]);
    conn.reply(run.id, 19, { error_code: -54, error_msg: 'procedure `nope` not found' });
    const err = await flow.next('client', 'err');
    assert.equal(err.data, {
      error: 'client/0: ThingsDB refused the request: procedure `nope` not found (-54, lookup_error)',
      code: 'ERR_REMOTE',
      error_code: -54,
      error_msg: 'procedure `nope` not found',
      event: { run: 'nope', args: { a: 1 } },
    });
    assert.equal(err.meta, { thingsdb: { id: run.id, type: 19, correlation: 7 } });
  }));

test('emit goes to a room by id, or by the name it was joined by; peer: true makes it EMIT_PEER; an answer OK is null', () =>
  withPeer({ rooms: ['lobby'] }, async (peer, flow) => {
    const conn = await ready(peer, ['lobby'], [18]);
    flow.send('client', 'in', { emit: 'hello', room: 'lobby', args: [1, 'two'] });
    flow.send('client', 'in', { emit: 'psst', room: 5, peer: true });
    const [emit, emitPeer] = [await conn.next(), await conn.next()];
    assert.equal([emit.type, emit.value], [40, ['//stuff', 18, 'hello', 1, 'two']]);
    assert.equal([emitPeer.type, emitPeer.value], [41, ['//stuff', 5, 'psst']]);
    conn.reply(emit.id, 17);
    assert.is((await flow.next('client', 'out')).data, null);
  }));

test('an emit to a room name that was not joined goes to the node by name, as the node accepts names', () =>
  withPeer({}, async (peer, flow) => {
    const conn = await peer.loggedIn();
    flow.send('client', 'in', { emit: 'hello', room: 'kitchen', args: [1] });
    const emit = await conn.next();
    assert.equal([emit.type, emit.value], [40, ['//stuff', 'kitchen', 'hello', 1]]);
    conn.reply(emit.id, 17);
    assert.is((await flow.next('client', 'out')).data, null);
  }));

test('room and node events come out of events as {type, scope, room, name?, event?, args?}', () =>
  withPeer({ rooms: ['lobby', 17] }, async (peer, flow) => {
    const conn = await ready(peer, ['lobby', 17], [18, 17]);
    conn.event(6, { id: 18 });
    conn.event(8, { id: 18, event: 'said', args: ['hi'] });
    conn.event(8, { id: 17, event: 'tick', args: [] });
    conn.event(7, { id: 17 });
    conn.event(9, { id: 18 });
    conn.event(8, { id: 99, event: 'stray', args: [] });
    conn.event(0, { id: 3, status: 'SHUTTING_DOWN' });
    conn.event(5, { warn_code: 1, warn_msg: 'quota' });
    const events = await flow.collect('client', 'events', 8);
    assert.equal(
      events.map((e) => e.data),
      [
        { type: 'join', scope: '//stuff', room: 18, name: 'lobby' },
        { type: 'emit', scope: '//stuff', room: 18, name: 'lobby', event: 'said', args: ['hi'] },
        { type: 'emit', scope: '//stuff', room: 17, event: 'tick', args: [] },
        { type: 'leave', scope: '//stuff', room: 17 },
        { type: 'delete', scope: '//stuff', room: 18, name: 'lobby' },
        { type: 'emit', scope: null, room: 99, event: 'stray', args: [] },
        { type: 'node_status', node: 3, status: 'SHUTTING_DOWN' },
        { type: 'warn', warn_code: 1, warn_msg: 'quota' },
      ],
    );
    assert.equal((events[0]!.meta as { thingsdb: unknown }).thingsdb, { id: 0xffff, type: 6 });
  }));

test('it logs in with the token when one is given', () =>
  withPeer({ token: 'Fai6NmH7QYxA6WLYPdtgcy' }, async (peer) => {
    await peer.loggedIn('Fai6NmH7QYxA6WLYPdtgcy');
  }));

test('an event that is not a request comes out of err, and the client goes on', () =>
  withPeer({}, async (peer, flow) => {
    const conn = await peer.loggedIn();
    flow.send('client', 'in', { select: 1 });
    flow.send('client', 'in', { query: 1 });
    flow.send('client', 'in', { query: '1;', limit: 3 });
    const errors = await flow.collect('client', 'err', 3);
    assert.equal(
      errors.map((e) => (e.data as { error: string }).error),
      [
        'client/0: expected a request with one of query, run or emit, got keys select',
        'client/0: query must be a string, got number 1',
        'client/0: a query request has no "limit"; its keys: query, scope, vars',
      ],
    );
    flow.send('client', 'in', { query: '1;' });
    assert.equal((await conn.next()).value, ['//stuff', '1;']);
  }));

test.run();
