import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { PythonScript } from '../../../test/support/thingsdb-python.js';
import { pkg, WireClient } from '../../../test/support/thingsdb-wire.js';

const SCRIPT = path.join(import.meta.dirname, 'thingsdb_client.py');

const test = suite<{ flow?: TestFlow; url?: string }>('thingsdb endpoint: a client in Python, written from the reference', {});
test.before(async (ctx) => {
  ctx.flow = await startFlow(path.join(repoRoot, 'flows/thingsdb-endpoint.json5'), { args: { port: 0, create_rooms: true } });
  ctx.url = ctx.flow.address('ws');
});
test.after(async (ctx) => {
  await ctx.flow?.stop();
});

/** Emits `event` with `args` to a room from a connection of our own, which has not joined it. */
async function emitFromTremolo(url: string, room: number): Promise<void> {
  const c = await WireClient.open(url);
  try {
    assert.equal(await c.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });
    c.send(pkg(2, 40, ['//stuff', room, 'from tremolo', 1]));
    assert.equal(await c.next(), { id: 2, type: 17, value: undefined });
  } finally {
    await c.close();
  }
}

for (const protocol of ['thingsdb-protocol', undefined]) {
  test(`it authenticates, queries, runs, joins, emits and hears others' events, ${protocol === undefined ? 'asking for no subprotocol' : `with the ${protocol} subprotocol`}`, async (ctx) => {
    const py = PythonScript.run(SCRIPT, protocol === undefined ? [ctx.url!] : [ctx.url!, protocol]);
    const steps: unknown[] = [];
    for (let i = 0; i < 13; i++) steps.push(await py.next());
    const room = (steps.at(-1) as { room: number }).room;
    await emitFromTremolo(ctx.url!, room);
    for (let i = 0; i < 3; i++) steps.push(await py.next());
    assert.is(await py.exited, 0, py.stderr);
    const event = 0xffff;
    assert.equal(steps, [
      { step: 'subprotocol', value: protocol ?? null },
      { step: 'query before auth', id: 1, type: 19, value: { error_code: -56, error_msg: 'connection is not authenticated' } },
      { step: 'ping', id: 2, type: 16, value: null },
      { step: 'auth', id: 3, type: 17, value: null },
      { step: 'query', id: 4, type: 18, value: 2 },
      { step: 'query with vars', id: 5, type: 18, value: 'Hello from tremolo, python' },
      { step: 'run', id: 6, type: 18, value: 42 },
      { step: 'error', id: 7, type: 19, value: { error_code: -54, error_msg: 'variable `nope` is undefined' } },
      { step: 'join', id: 8, type: 18, value: [room] },
      { step: 'on join', id: event, type: 6, value: { scope: '@collection:stuff', id: room } },
      { step: 'own emit', id: event, type: 8, value: { scope: '@collection:stuff', id: room, event: 'hello', args: ['from', 'python'] } },
      { step: 'emit', id: 9, type: 17, value: null },
      { step: 'joined', room },
      { step: "other's emit", id: event, type: 8, value: { scope: '@collection:stuff', id: room, event: 'from tremolo', args: [1] } },
      { step: 'on leave', id: event, type: 7, value: { scope: '@collection:stuff', id: room } },
      { step: 'leave', id: 10, type: 18, value: [room] },
    ]);
  });
}

test.run();
