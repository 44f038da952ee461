import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { cases, transcript, type Case, type Fixture } from './cases.js';
import { startNode, type RealNode } from './node.js';
import { setUp } from './setup.js';

/**
 * flows/thingsdb-gateway.json5 in front of a real node, against another node's own WebSocket
 * endpoint, both set up alike: every case gives the same transcript, byte for byte, but the
 * intended differences. Two nodes, because cases change what a node holds (a collection, a
 * procedure, stored things): the same case twice on one node would not be the same case.
 */
const test = suite<{ node?: RealNode; behind?: RealNode; gateway?: TestFlow; fixture?: Fixture; url?: string }>('thingsdb gateway against a real node');

test.before(async (ctx) => {
  [ctx.node, ctx.behind] = await Promise.all([startNode(), startNode()]);
  ctx.fixture = await setUp(ctx.node.wsUrl);
  const behind = await setUp(ctx.behind.wsUrl);
  assert.equal(behind, ctx.fixture, 'both nodes were set up alike');
  ctx.gateway = await startFlow(path.join(repoRoot, 'flows/thingsdb-gateway.json5'), { args: { port: 0, nodes: [ctx.behind.client] } });
  ctx.url = ctx.gateway.address('ws');
});
test.after(async (ctx) => {
  await ctx.gateway?.stop();
  await Promise.all([ctx.node?.stop(), ctx.behind?.stop()]);
});

// A gateway feature: the node reads a 100 kB AUTH from anyone; the gateway answers it unread and closes.
const INTENDED: Record<string, (node: ReturnType<typeof transcript> extends Promise<infer T> ? T : never) => unknown> = {
  'a large AUTH before authentication': (t) => ({ ...t, closed: true }),
};

// One test per case, so that each difference is its own failure; cases are known only once the
// node made its room, so they are listed by name here and found in the fixture.
for (const name of cases({ room: 0, root: 0, thing: 0 }).map((c) => c.name)) {
  test(`${name}: the gateway answers as the node does`, async (ctx) => {
    const c = cases(ctx.fixture!).find((x) => x.name === name) as Case;
    const direct = await transcript(ctx.node!.wsUrl, c);
    const through = await transcript(ctx.url!, c);
    if (name in INTENDED) {
      assert.not.equal(through, direct, 'an intended difference that is no longer one');
      const expected = INTENDED[name]!(direct) as typeof direct;
      assert.equal(through.closed, expected.closed);
      assert.equal(through.messages.length, direct.messages.length);
    } else assert.equal(through, direct);
  });
}

test.run();
