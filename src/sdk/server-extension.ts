import { brand } from './brand.js';
import type { z } from 'zod';
import type { Identity } from './identity.js';
import type { TremoloEvent } from './event.js';
import type { Logger } from './logger.js';

/**
 * Server extensions: a plugin's protocol layered over a server's connections, named on the
 * connector (`extensions: ['name']` or `[{ name, config }]`, beside `codec`). An extension may take
 * text messages of a connection before the codec (control messages: they become no event), keep
 * state per connection, hear when a connection closes, and choose which connections an event sent
 * to the server goes to (subscriptions). Everything else stays the server's: handshakes,
 * authentication, codecs, flow control and the slow-consumer policy, which applies to what an
 * extension routes as to any event.
 *
 * The interface is the four things such a protocol cannot do from a pipeline (where events and
 * their origins are all there is): answer on the connection itself without the codec, close it,
 * replace its credentials, and pick connections by state the pipeline does not see. What it can do
 * from a pipeline (answer requests, publish) it does there, with events.
 */

/** One connection of a server, as an extension sees it: the same object for as long as it is open. */
export interface ServerSession {
  /** The connection's stream: `Origin.stream` of the events that came from it. */
  readonly stream: number;
  /** The peer's host:port, as logs name the connection. */
  readonly key: string;
  /** Who it authenticated as; undefined without authentication. */
  readonly identity: Identity | undefined;
  /** False once it is closing or closed: an answer made asynchronously checks before sending. */
  readonly open: boolean;
  /** Sends one text message as it is, without the codec or postprocessors: the answer to a control message. */
  sendText(text: string): void;
  /** Closes the connection (a WebSocket close code and a reason of at most 123 bytes). */
  close(code: number, reason: string): void;
  /**
   * Replaces the session's credentials with a bearer token, verified as the server verifies one at
   * the handshake (the same keys and claims) and naming the same subject: the session then lives
   * until the new token expires, and its events carry the new identity. Resolves to why the token
   * was refused, or undefined when it was taken; what to do about a refusal is the extension's.
   */
  reauthenticate(token: string | undefined): Promise<string | undefined>;
}

/** Where an event goes instead of the server's own routing: one session, with the event it gets. */
export interface SessionDelivery {
  readonly session: ServerSession;
  readonly event: TremoloEvent;
}

/** Every hook is optional. Hooks are called synchronously on the server's hot paths: keep them cheap. */
export interface ServerExtension {
  /**
   * A text message from a session, before the codec. True when the extension took it: it becomes
   * no event. Called for every text message, so tell "not mine" cheaply (by its first byte).
   */
  message?(session: ServerSession, data: Buffer): boolean;
  /** The session closed: drop what is kept for it. */
  closed?(session: ServerSession): void;
  /**
   * An event sent to the server: undefined leaves it to the server's own routing (a reply to where
   * it came from, a broadcast); otherwise the sessions it goes to (none: nowhere, without an error).
   */
  route?(event: TremoloEvent): readonly SessionDelivery[] | undefined;
}

export interface ServerExtensionContext {
  /** The connector's alias, for messages. */
  readonly alias: string;
  /** The connector's kind: its metadata namespace (`meta.ws_server`). */
  readonly kind: string;
  /** The connector's number, as found in `Origin.connector`. */
  readonly id: number;
  readonly log: Logger;
}

export interface ServerExtensionDefinition<C = unknown> {
  readonly name: string;
  readonly description: string;
  /** Validates the config; it receives `undefined` when the extension is named without one. */
  readonly config?: z.ZodType<C>;
  /** Documentation of the metadata the extension reads on events sent to the server. */
  readonly metadata?: string;
  /** One instance per connector it is named on. */
  create(config: C, ctx: ServerExtensionContext): ServerExtension;
}

export const defineServerExtension = <C = undefined>(def: ServerExtensionDefinition<C>): ServerExtensionDefinition<C> => brand(def, 'extension');
