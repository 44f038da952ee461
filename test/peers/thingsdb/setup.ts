import { WireClient } from '../../support/thingsdb-wire.js';
import type { Fixture } from './cases.js';

/** What the cases expect of the node: a room named lobby, a stored thing and two procedures in @:stuff. */
export const SETUP = `
  .t = {x: 1};
  .r = room();
  .r.set_name('lobby');
  new_procedure('add_one', |x| x + 1);
  new_procedure('hello', || 'hi');
  .r.id();
`;

export async function setUp(wsUrl: string): Promise<Fixture> {
  const c = await WireClient.open(wsUrl, {}, 5000);
  try {
    const auth = await c.ask(1, 33, ['admin', 'pass']);
    if (auth.type !== 17) throw new Error(`setup: AUTH answered ${JSON.stringify(auth)}`);
    const answer = await c.ask(2, 34, ['@:stuff', SETUP]);
    if (answer.type !== 18 || typeof answer.value !== 'number') throw new Error(`setup: the query answered ${JSON.stringify(answer)}`);
    return { room: answer.value };
  } finally {
    await c.close();
  }
}

/** The same, for tremolo's stand-alone endpoint, given as its flow args. */
export const endpointArgs = (f: Fixture): Record<string, unknown> => ({
  rooms: [{ scope: '//stuff', id: f.room, name: 'lobby' }],
  data: { stuff: { t: { x: 1 } } },
  procedures: { add_one: { params: ['x'], code: 'x + 1;' }, hello: { params: [], code: '"hi";' } },
});

