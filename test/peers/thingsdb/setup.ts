import { WireClient } from '../../support/thingsdb-wire.js';
import type { Fixture } from './cases.js';

/** What the cases expect of the node: a room named lobby, a stored thing and two procedures in @:stuff; the ids it gave. */
export const SETUP = `
  .t = {x: 1};
  .r = room();
  .r.set_name('lobby');
  new_procedure('add_one', |x| x + 1);
  new_procedure('hello', || 'hi');
  [.r.id(), .id(), .t.id()];
`;

export async function setUp(wsUrl: string): Promise<Fixture> {
  const c = await WireClient.open(wsUrl, {}, 5000);
  try {
    const auth = await c.ask(1, 33, ['admin', 'pass']);
    if (auth.type !== 17) throw new Error(`setup: AUTH answered ${JSON.stringify(auth)}`);
    const answer = await c.ask(2, 34, ['@:stuff', SETUP]);
    const ids = answer.value as number[];
    if (answer.type !== 18 || !Array.isArray(ids) || !ids.every((id) => typeof id === 'number')) throw new Error(`setup: the query answered ${JSON.stringify(answer)}`);
    const [room, root, thing] = ids as [number, number, number];
    // The endpoint continues from the largest id it is given: the node must too.
    const info = await c.ask(3, 34, ['@thingsdb', 'collection_info("stuff").load().next_free_id;']);
    if (info.value !== Math.max(room, root, thing) + 1) throw new Error(`setup: the node's next free id is ${JSON.stringify(info.value)}, not one past ${room}, ${root}, ${thing}`);
    return { room, root, thing };
  } finally {
    await c.close();
  }
}

/** The same, for tremolo's stand-alone endpoint, given as its flow args. */
export const endpointArgs = (f: Fixture): Record<string, unknown> => ({
  rooms: [{ scope: '//stuff', id: f.room, name: 'lobby' }],
  data: { stuff: { '#': f.root, t: { '#': f.thing, x: 1 } } },
  procedures: { add_one: { params: ['x'], code: 'x + 1;' }, hello: { params: [], code: '"hi";' } },
});

