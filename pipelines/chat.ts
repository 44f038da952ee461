/**
 * The `chat` operator, an example of a custom operator with per-connection state: each message
 * goes to every other connection of the ws_server it came from. With `commands: true` it also
 * speaks ouistiti's chat protocol (`websocket_chat -w`) exactly, so ouistiti's webchat page and
 * scripts work unchanged: `WSHello <name>` → `WSWelcome <name>` (a name already taken gets the count
 * of its holders, `bob001`), `WSPrivate <name> <msg>` → msg to that user only, `WSWhois <name>` →
 * `WSIs <name> <ip>` or `WSIs <name> undefined`. Used by flows/chat.json5 (`use: ['chat']`).
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
interface User {
  readonly origin: Origin;
  readonly peer: Peer;
  name: string;
}

// ouistiti's chat.c, as it parses: a command is the very start of a message (" WSWhois x" is a
// plain message); a name runs to the first space, newline or NUL; names are compared on their
// first 30 bytes (its name field), and a taken name keeps 27 of them before the 3-digit count.
const NAME_BYTES = 30;
const nameAt = (text: string, from: number): string => {
  let end = from;
  while (end < text.length && text[end] !== ' ' && text[end] !== '\n' && text[end] !== '\0') end++;
  return text.slice(from, end);
};
const same = (a: string, b: string): boolean => a.slice(0, NAME_BYTES) === b.slice(0, NAME_BYTES);
// The WebSocket peer's IPv4 address, as ouistiti's inet_ntoa would print it.
const ipOf = (peer: Peer): string => peer.host.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

const key = (o: Origin): string => `${o.connector}:${o.stream}`;

export default defineOperator({
  name: 'chat',
  description: 'Sends each message to every other connection; with `commands`, ouistiti’s WSHello / WSPrivate / WSWhois.',
  config: z.strictObject({
    commands: z.boolean().default(false).describe('understand WSHello, WSPrivate and WSWhois'),
  }),
  create({ commands }, ctx) {
    // Every user who said hello, by origin; a room is small and ouistiti scans its list too.
    const users = new Map<string, User>();
    ctx.streamEnds?.subscribe((origin) => users.delete(key(origin)));

    const ws = (event: TremoloEvent): WsMeta => (event.meta.ws_server ?? {}) as WsMeta;
    const withWs = (event: TremoloEvent, data: string, inner: WsMeta): TremoloEvent =>
      deriveEvent(event, data, { ...event.meta, ws_server: inner } as Meta);
    const reply = (event: TremoloEvent, text: string): TremoloEvent => withWs(event, text, { ...ws(event), broadcast: undefined });
    const named = (name: string): User[] => [...users.values()].filter((u) => same(u.name, name));

    /** A command's answer, or false when the message is not one (it is then a room message). */
    const command = (event: TremoloEvent, text: string, origin: Origin, emit: (e: TremoloEvent) => void): boolean => {
      if (text.startsWith('WSHello ')) {
        const name = nameAt(text, 8);
        // "WSHello " with no name is ignored, as ouistiti does.
        if (name === '') return true;
        const taken = named(name).length;
        const user = users.get(key(origin)) ?? { origin, peer: ws(event).peer ?? { host: '', port: 0 }, name: '' };
        user.name = taken === 0 ? name.slice(0, NAME_BYTES) : `${name.slice(0, 27)}${String(taken).padStart(3, '0')}`;
        users.set(key(origin), user);
        emit(reply(event, `WSWelcome ${user.name}`));
        return true;
      }
      if (text.startsWith('WSPrivate ')) {
        const name = nameAt(text, 10);
        const end = 10 + name.length;
        // The name must be followed by its separator; what comes after it is the message, spaces kept.
        if (end >= text.length || name === '') return true;
        const message = text.slice(end + 1);
        if (message === '') return true;
        const to = named(name);
        if (to.length === 0) ctx.error(event, 'ERR_ROUTE_NO_TARGET', `no user named ${JSON.stringify(name)}`);
        for (const user of to) emit(withWs(event, message, { peer: user.peer }));
        return true;
      }
      if (text.startsWith('WSWhois ')) {
        const name = nameAt(text, 8);
        if (name === '') return true;
        const user = named(name)[0];
        emit(reply(event, `WSIs ${name} ${user === undefined ? 'undefined' : ipOf(user.peer)}`));
        return true;
      }
      return false;
    };

    return perEvent(ctx, (event, emit) => {
      const text = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
      // An empty frame is nothing to say (ouistiti's service never reads an empty write).
      if (text === '') return;
      const origin = event.origins[0];
      if (commands && origin !== undefined && command(event, text, origin, emit)) return;
      emit(withWs(event, text, { ...ws(event), broadcast: 'others' }));
    });
  },
});
