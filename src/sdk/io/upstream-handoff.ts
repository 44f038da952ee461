import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SocketTarget } from './socket-dial.js';

/**
 * Upstream connections a gateway's handshake made before it completed the upgrade (ws_server's
 * `upstream.connect`), waiting for the per_stream client that relays them to adopt them. A
 * WebSocket is only accepted once its upstream answered, as ouistiti's mod_websocket does; the
 * connection then changes hands through its ticket (`meta.ws_server.target.connection`), which the
 * flow hands to the client (`meta.unix_socket_client.connection`, `meta.tcp_client.connection`).
 *
 * A ticket is random and good once: only the process that made it can use it, and only for the
 * connection it was made for. Until it is adopted, the socket is not read (the kernel and Node.js
 * keep what the upstream says first), and the WebSocket's close discards it.
 */
const waiting = new Map<string, Socket>();

/** Puts a connected socket aside; returns its ticket. */
export function offerUpstream(socket: Socket): string {
  const ticket = randomUUID();
  waiting.set(ticket, socket);
  return ticket;
}

/** The WebSocket closed: a socket nobody adopted is closed with it. */
export function discardUpstream(ticket: string): void {
  const socket = waiting.get(ticket);
  if (socket === undefined) return;
  waiting.delete(ticket);
  socket.destroy();
}

/**
 * The target of a per_stream client's new upstream: the handshake's connection when the event
 * carries its ticket (`meta[kind].connection`), else `target` dialled anew. A ticket that names no
 * waiting connection (its WebSocket closed meanwhile, or it was adopted already) is an error, not a
 * second connection: the service would see a client nobody relays for.
 */
export function adoptOr(meta: Record<string, unknown> | undefined, target: SocketTarget): SocketTarget | string {
  const ticket = meta?.connection;
  if (ticket === undefined) return target;
  if (typeof ticket !== 'string') return `connection: expected the ticket of a handshake's connection, received ${typeof ticket}`;
  const socket = waiting.get(ticket);
  if (socket === undefined) return `the handshake's connection to ${target.label} is gone (its WebSocket closed, or it was taken already)`;
  waiting.delete(ticket);
  return {
    label: target.label,
    inner: target.inner,
    // An upstream that failed while it waited (reset) is reported as unreachable; one that merely
    // said something and closed is not destroyed until what it said was read, so nothing is lost.
    dial: () => (socket.destroyed ? Promise.reject(new Error(socket.errored?.message ?? 'closed before it was relayed')) : Promise.resolve(socket)),
  };
}
