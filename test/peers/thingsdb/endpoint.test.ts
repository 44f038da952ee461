import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { cases, transcript, type Case, type Fixture, type Transcript } from './cases.js';
import { unpkg, type Received } from '../../support/thingsdb-wire.js';
import { startNode, type RealNode } from './node.js';
import { endpointArgs, setUp } from './setup.js';

/**
 * flows/thingsdb-endpoint.json5 (tremolo's stand-alone endpoint) against a real node: every case
 * about the protocol gives the node's transcript byte for byte; the others (its query language is
 * a small one) are each written down here with what the endpoint answers instead.
 */
const test = suite<{ node?: RealNode; endpoint?: TestFlow; fixture?: Fixture; url?: string }>('thingsdb endpoint against a real node');

test.before(async (ctx) => {
  ctx.node = await startNode();
  ctx.fixture = await setUp(ctx.node.wsUrl);
  ctx.endpoint = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0, ...endpointArgs(ctx.fixture) } });
  ctx.url = ctx.endpoint.address('ws');
});
test.after(async (ctx) => {
  await ctx.endpoint?.stop();
  await ctx.node?.stop();
});

const last = (t: Transcript): Received => unpkg(Buffer.from(t.messages.at(-1)!, 'hex'));
const UNSUPPORTED = "in tremolo's stand-alone endpoint, which answers a small part of ThingsDB's language (docs/thingsdb.md); put flows/thingsdb-gateway.json5 in front of a ThingsDB node for all of it";

/**
 * Where the endpoint answers otherwise, by design or for want of the node's language, each
 * written down as a check of what it answers instead (docs/thingsdb.md lists them).
 */
const INTENDED: Record<string, (t: Transcript, node: Transcript) => void> = {
  // A function the small language lacks: the node's code for an unknown function (-54), saying so.
  'bytes come back as MessagePack bin': (t) => assert.equal(last(t).value, { error_code: -54, error_msg: `function \`bytes\` is undefined ${UNSUPPORTED}` }),
  // A method the small language lacks: the node's code for an unknown function (-54), saying so.
  'functions the stand-alone endpoint does not have': (t, node) => {
    assert.equal(last(node).value, 2);
    assert.equal(last(t).value, { error_code: -54, error_msg: `type \`list\` has no function \`len\` ${UNSUPPORTED}` });
  },
  // The node reads a truncated array's items as far as they go (here the scope) and complains of
  // the missing code; the endpoint does not read a payload that is not whole MessagePack.
  'truncated MessagePack': (t) => assert.equal(unpkg(Buffer.from(t.messages[1]!, 'hex')).value, { error_code: -53, error_msg: 'the payload is not MessagePack' }),
  // The pre-auth limit (max_size_before_auth, 4096 by default): the node reads 100 kB from anyone.
  'a large AUTH before authentication': (t) => {
    assert.equal((last(t).value as { error_code: number }).error_code, -53);
    assert.ok(t.closed);
  },
};

for (const name of cases({ room: 0, root: 0, thing: 0 }).map((c) => c.name)) {
  test(`${name}: the endpoint answers as the node does`, async (ctx) => {
    const c = cases(ctx.fixture!).find((x) => x.name === name) as Case;
    const node = await transcript(ctx.node!.wsUrl, c);
    const endpoint = await transcript(ctx.url!, c);
    if (c.protocol || !(name in INTENDED)) assert.equal(endpoint, node);
    else INTENDED[name]!(endpoint, node);
  });
}

test.run();
