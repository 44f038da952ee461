/**
 * The `chat` operator, an example of a custom operator with per-connection state: each message
 * goes to every other connection of the ws_server it came from. With `commands: true` it also
 * speaks ouistiti's chat protocol: `WSHello <name>` → `WSWelcome <name>` (a taken name gets a
 * number), `WSPrivate <name> <msg>` → msg to that user only, `WSWhois <name>` → `WSIs <name> <ip>`
 * or `WSIs <name> undefined`. Used by flows/chat.json5 (`use: ['chat']`).
 */
import { z } from 'zod';
import { defineOperator, deriveEvent, perEvent, type Meta, type Origin, type TremoloEvent } from 'tremolo';

interface Peer {
  readonly host: string;
  readonly port: number;
}
interface WsMeta {
  readonly peer?: Peer;
  readonly [key: string]: unknown;
}

const key = (o: Origin): string => `${o.connector}:${o.stream}`;

export default defineOperator({
  name: 'chat',
  description: 'Sends each message to every other connection; with `commands`, ouistiti’s WSHello / WSPrivate / WSWhois.',
  config: z.strictObject({
    commands: z.boolean().default(false).describe('understand WSHello, WSPrivate and WSWhois'),
  }),
  create({ commands }, ctx) {
    const names = new Map<string, string>(); // origin → name
    const users = new Map<string, { origin: Origin; peer: Peer }>(); // name → where
    ctx.streamEnds?.subscribe((origin) => {
      const name = names.get(key(origin));
      if (name === undefined) return;
      names.delete(key(origin));
      users.delete(name);
    });

    const ws = (event: TremoloEvent): WsMeta => (event.meta.ws_server ?? {}) as WsMeta;
    const withWs = (event: TremoloEvent, data: string, inner: WsMeta): TremoloEvent =>
      deriveEvent(event, data, { ...event.meta, ws_server: inner } as Meta);
    const reply = (event: TremoloEvent, text: string): TremoloEvent => withWs(event, text, { ...ws(event), broadcast: undefined });

    return perEvent(ctx, (event, emit) => {
      const text = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
      const origin = event.origins[0];
      if (commands && origin !== undefined) {
        const [command, arg = '', ...rest] = text.trim().split(/\s+/);
        if (command === 'WSHello' && arg !== '') {
          const previous = names.get(key(origin));
          if (previous !== undefined) users.delete(previous);
          let name = arg;
          for (let n = 1; users.has(name); n++) name = `${arg}${n}`;
          names.set(key(origin), name);
          users.set(name, { origin, peer: ws(event).peer ?? { host: '', port: 0 } });
          emit(reply(event, `WSWelcome ${name}`));
          return;
        }
        if (command === 'WSPrivate' && arg !== '') {
          const to = users.get(arg);
          if (to === undefined) ctx.error(event, 'ERR_ROUTE_NO_TARGET', `no user named ${JSON.stringify(arg)}`);
          else emit(withWs(event, rest.join(' '), { peer: to.peer }));
          return;
        }
        if (command === 'WSWhois' && arg !== '') {
          emit(reply(event, `WSIs ${arg} ${users.get(arg)?.peer.host ?? 'undefined'}`));
          return;
        }
      }
      emit(withWs(event, text, { ...ws(event), broadcast: 'others' }));
    });
  },
});
