import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { TestFlow } from '../../../src/app/testing/index.js';
import { startCli } from '../../support/cli.js';
import { clientFlow } from '../../support/thingsdb-flows.js';
import { Inbox } from '../../support/thingsdb-wire.js';
import { startNode, type RealNode } from './node.js';
import { setUp } from './setup.js';

/** tremolo's ThingsDB client (thingsdb::client and thingsdb_client, as flows/thingsdb-listen.json5 uses them) against a real node. */
const test = suite<{ node?: RealNode; flows: TestFlow[] }>('thingsdb client against a real node', { flows: [] });

test.before(async (ctx) => {
  ctx.node = await startNode();
  await setUp(ctx.node.wsUrl);
});
test.after.each(async (ctx) => {
  for (const f of ctx.flows.splice(0)) await f.stop();
});
test.after(async (ctx) => {
  await ctx.node?.stop();
});

async function client(ctx: { node?: RealNode; flows: TestFlow[] }, config: Record<string, unknown> = {}): Promise<TestFlow> {
  const flow = await clientFlow(ctx.node!.wsUrl, config);
  ctx.flows.push(flow);
  return flow;
}

test('an answer of 19 MiB, over the old 16 MiB limit and within ThingsDB’s 20 MiB, arrives whole by default', async (ctx) => {
  const flow = await client(ctx);
  const big = 'x'.repeat(19 * 1024 * 1024);
  flow.send('client', 'in', { query: 's;', vars: { s: big } });
  const answer = await flow.next('client', 'out', { timeout: 30_000 });
  assert.is((answer.data as string).length, big.length);
  // The connection is still the same one: the next request is answered at once.
  flow.send('client', 'in', { query: '1 + 1;' });
  assert.is((await flow.next('client', 'out', { timeout: 5000 })).data, 2);
});

test('an emit by the name of a room this client did not join reaches the node, which finds the room by name', async (ctx) => {
  const listener = await client(ctx, { rooms: ['lobby'] });
  const sender = await client(ctx);
  // The listener's join is done once its first request is answered.
  listener.send('client', 'in', { query: '1;' });
  await listener.next('client', 'out', { timeout: 5000 });
  sender.send('client', 'in', { emit: 'hello', room: 'lobby', args: [1, 'two'] });
  assert.is((await sender.next('client', 'out', { timeout: 5000 })).data, null);
  assert.is(((await listener.next('client', 'events', { timeout: 5000 })).data as { type: string }).type, 'join');
  const event = await listener.next('client', 'events', { timeout: 5000 });
  assert.equal(event.data, { type: 'emit', scope: '//stuff', room: (event.data as { room: number }).room, name: 'lobby', event: 'hello', args: [1, 'two'] });
  sender.send('client', 'in', { emit: 'hello', room: 'nowhere' });
  const err = await sender.next('client', 'err', { timeout: 5000 });
  assert.is((err.data as { error_msg: string }).error_msg, 'collection `stuff` has no `room` with name `nowhere`');
});

test('the listen flow prints an int past 2^53 exactly and bytes as base64 text, one JSON line each', async (ctx) => {
  // Started from dist/ (test:thingsdb builds it first): a loaded machine takes long to compile the sources.
  const cli = startCli(['run', 'flows/thingsdb-listen.json5', '--arg', `url=${ctx.node!.wsUrl}`], { timeoutMs: 120_000 });
  const lines = new Inbox<string>();
  let partial = '';
  cli.process.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    parts.forEach((l) => lines.push(l));
  });
  try {
    cli.process.stdin!.write('{"id": 1, "query": "9007199254740993;"}\n{"id": 2, "query": "bytes(\\"ab\\");"}\n{"id": 3, "query": "[1.5, 9223372036854775807];"}\n');
    assert.is(await lines.next('the big int', 90_000), '{"id":1,"response":9007199254740993}');
    assert.is(await lines.next('the bytes', 5000), '{"id":2,"response":"YWI="}');
    assert.is(await lines.next('the list', 5000), '{"id":3,"response":[1.5,9223372036854775807]}');
  } finally {
    cli.process.kill('SIGTERM');
    await cli.done;
  }
});

test.run();
