import type { TremoloEvent } from '../event.js';
import { formatHostPort } from './ws-url.js';

/**
 * What a server connector knows of its open connections, for `routeReply`. Built once per
 * connector instance; the maps are the server's own, read on every event and never copied.
 */
export interface ReplyRoutes<C extends { readonly stream: { readonly id: number } }> {
  /** This connector's id (`ctx.id`): only origins of this connector name its connections. */
  readonly connector: number;
  /** The metadata namespace whose `peer` names a connection: `ws_server`, `tcp_server`... */
  readonly kind: string;
  /** The open connections by stream id. */
  readonly byStream: ReadonlyMap<number, C>;
  /** The open connection a `meta[kind].peer` value names; undefined when none is open or the value is malformed. */
  byPeer(peer: unknown): C | undefined;
  /** The peer as an error message shows it, after "no open connection": `from 127.0.0.1:5000`. */
  describePeer(peer: unknown): string;
}

/**
 * Where an event sent to a server's `in` goes, by ws_server's rule (Tremor's, plus broadcast):
 * every connection when `meta[kind].broadcast` is true, every one but those it came from when it is
 * "others"; else the connection named by `meta[kind].peer` if it is open; else every connection of
 * this server among the event's origins (a window or batch of several connections' events reaches
 * each of them); else the reason why not, for the `err` port. A broadcast with nobody connected
 * goes nowhere without an error. Nothing is allocated beyond the result.
 */
export function routeReply<C extends { readonly stream: { readonly id: number } }>(event: TremoloEvent, routes: ReplyRoutes<C>): C[] | string {
  const own = event.meta[routes.kind] as { peer?: unknown; broadcast?: unknown } | undefined;
  if (own?.broadcast === true) return [...routes.byStream.values()];
  if (own?.broadcast === 'others') {
    const senders = new Set(event.origins.filter((o) => o.connector === routes.connector).map((o) => o.stream));
    return [...routes.byStream.values()].filter((c) => !senders.has(c.stream.id));
  }
  const peer = own?.peer;
  if (peer !== undefined) {
    const conn = routes.byPeer(peer);
    if (conn !== undefined) return [conn];
  }
  const targets: C[] = [];
  let mine = 0;
  for (const origin of event.origins) {
    if (origin.connector !== routes.connector) continue;
    mine++;
    const conn = routes.byStream.get(origin.stream);
    if (conn !== undefined) targets.push(conn);
  }
  if (targets.length > 0) return targets;
  if (peer !== undefined) return `no open connection ${routes.describePeer(peer)} (meta.${routes.kind}.peer)`;
  if (mine > 0) return `the connection${mine > 1 ? 's' : ''} it came from ${mine > 1 ? 'are' : 'is'} closed`;
  return `it carries no meta.${routes.kind}.peer and came from no connection of this server`;
}

/** `{ host, port }` peers (ws_server, tcp_server), looked up in a map keyed by `formatHostPort`. */
export function hostPortPeers<C extends { readonly stream: { readonly id: number } }>(byKey: ReadonlyMap<string, C>): Pick<ReplyRoutes<C>, 'byPeer' | 'describePeer'> {
  // Every event of a connection carries the same peer object, so its key is built once per
  // connection instead of once per event (it showed in the echo profile); a peer object is never
  // changed after the server makes it, and a copy made by a pipeline just misses the cache.
  const keys = new WeakMap<object, string>();
  return {
    byPeer(peer) {
      const p = peer as { host?: unknown; port?: unknown } | null;
      if (p === null || typeof p !== 'object') return undefined;
      let key = keys.get(p);
      if (key === undefined) {
        if (typeof p.host !== 'string' || typeof p.port !== 'number') return undefined;
        key = formatHostPort(p.host, p.port);
        if (Object.isFrozen(p)) keys.set(p, key);
      }
      return byKey.get(key);
    },
    describePeer(peer) {
      const p = (peer ?? {}) as { host?: unknown; port?: unknown };
      return `from ${formatHostPort(String(p.host), Number(p.port))}`;
    },
  };
}
