import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pkg, WireClient } from '../support/thingsdb-wire.js';
import { assault, attackWsServer, NORMAL_MS, type WsUnderAttack } from './harness.js';
import { httpFamilies } from './http-attacks.js';
import { msgpackPayloads, thingsdbPayloads } from './payloads.js';
import { wsFamilies } from './ws-attacks.js';

// flows/thingsdb-endpoint.json5: ThingsDB's MessagePack-framed WebSocket protocol.
const test = suite<WsUnderAttack>('hostile input: flows/thingsdb-endpoint.json5', {});
attackWsServer(test, ['flows/thingsdb-endpoint.json5', '--arg', 'port=0']);

/** A client that logs in and queries. */
async function answers(url: string): Promise<void> {
  const c = await WireClient.open(url, {}, NORMAL_MS);
  const ask = (id: number, type: number, value?: unknown) => {
    c.send(pkg(id, type, value));
    return c.next(NORMAL_MS);
  };
  try {
    assert.equal(await ask(1, 32), { id: 1, type: 16, value: undefined });
    assert.equal(await ask(2, 33, ['admin', 'pass']), { id: 2, type: 17, value: undefined });
    assert.equal(await ask(3, 34, ['//stuff', '1 + 1;']), { id: 3, type: 18, value: 2 });
  } finally {
    await c.close();
  }
}

test('malformed HTTP, broken frames, broken packages and MessagePack bombs leave the endpoint alive and answering', async (ctx) => {
  const port = ctx.port!;
  const payloads = [...thingsdbPayloads, ...msgpackPayloads].map((family) => ({ text: false, family }));
  await assault(ctx.proc!, {
    target: 'thingsdb endpoint',
    address: port,
    families: [...httpFamilies({ port, path: '/' }), ...wsFamilies({ port, path: '/', payloads })],
    normal: () => answers(ctx.url!),
  });
});

test.run();
