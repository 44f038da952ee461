import type { ConnectorContext } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
import type { ServerExtension, SessionDelivery } from '../../sdk/server-extension.js';
import type { WsServerSession } from './ws-server-session.js';

/**
 * A ws_server's server extensions (src/sdk/server-extension.ts), each hook guarded: an extension
 * that throws on what a peer sent fails that connection (1011), one that throws routing an event
 * fails that event (on `err`), never the server. A connector without extensions makes none of this.
 */
export class WsServerExtensions {
  readonly #all: readonly ServerExtension[];
  readonly #routing: readonly ServerExtension[];

  constructor(
    extensions: readonly ServerExtension[],
    private readonly ctx: ConnectorContext,
  ) {
    this.#all = extensions;
    this.#routing = extensions.filter((e) => e.route !== undefined);
  }

  /** Whether an extension took a text message (a control message: no event). */
  taken(session: WsServerSession, data: Buffer): boolean {
    try {
      for (const e of this.#all) if (e.message?.(session, data) === true) return true;
    } catch (err) {
      this.ctx.log.error(`connection ${session.key}: a server extension failed on a message: ${reason(err)}; closing it`);
      session.close(1011, 'internal error');
      return true;
    }
    return false;
  }

  closed(session: WsServerSession): void {
    for (const e of this.#all) {
      try {
        e.closed?.(session);
      } catch (err) {
        this.ctx.log.error(`connection ${session.key}: a server extension failed on its close: ${reason(err)}`);
      }
    }
  }

  /** Where the first extension that claims the event sends it; undefined: the server routes it (a reply, a broadcast). */
  route(event: TremoloEvent): readonly SessionDelivery[] | undefined {
    for (const e of this.#routing) {
      try {
        const deliveries = e.route!(event);
        if (deliveries !== undefined) return deliveries;
      } catch (err) {
        this.ctx.fail(event, 'ERR_WRITE_FAILED', `${this.ctx.alias}: a server extension failed to route the event: ${reason(err)}`);
        return [];
      }
    }
    return undefined;
  }
}
