import type { RqlFilter } from '../rql/index.js';
import { overlay, selectFields, type FieldSelector } from './field-selector.js';

/** What one connection asked for on one topic (Ditto's START-SEND-EVENTS?namespaces=..&filter=..). */
export interface Subscription<C> {
  readonly conn: C;
  readonly topic: string;
  /** Only events of these namespaces; undefined: every namespace. */
  readonly namespaces: readonly string[] | undefined;
  readonly filter: RqlFilter | undefined;
  readonly extraFields: FieldSelector | undefined;
}

/** What is published on a topic, as the server's metadata (`meta.ws_server`) carries it on its `in`. */
export interface Publication {
  readonly topic: string;
  readonly namespace: string | undefined;
  /** What filters are matched against (the changed data). */
  readonly subject: unknown;
  /** Where extra fields are selected from (the whole entity after the change); undefined: no extra fields. */
  readonly extraSource: unknown;
  readonly placeholders: Readonly<Record<string, unknown>> | undefined;
}

/** A subscriber the publication goes to, with the extra fields selected for it (when it asked for some). */
export interface Delivery<C> {
  readonly conn: C;
  readonly extra: Record<string, unknown> | undefined;
}

interface TopicBucket<C> {
  /** Subscriptions without namespaces. */
  readonly any: Set<Subscription<C>>;
  readonly byNamespace: Map<string, Set<Subscription<C>>>;
}

/**
 * Every connection's subscriptions, indexed by topic and then by namespace: publishing looks at the
 * subscriptions of that topic and namespace (and those for every namespace) only, so its cost grows
 * with the subscribers that can match, never with the filters of the others.
 */
export class SubscriptionIndex<C> {
  readonly #byTopic = new Map<string, TopicBucket<C>>();
  readonly #byConn = new Map<C, Map<string, Subscription<C>>>();

  /** Adds a subscription; one the connection had on the same topic is replaced (Ditto: a later START replaces). */
  subscribe(sub: Subscription<C>): void {
    this.unsubscribe(sub.conn, sub.topic);
    let bucket = this.#byTopic.get(sub.topic);
    if (bucket === undefined) this.#byTopic.set(sub.topic, (bucket = { any: new Set(), byNamespace: new Map() }));
    if (sub.namespaces === undefined) bucket.any.add(sub);
    else
      for (const ns of sub.namespaces) {
        let set = bucket.byNamespace.get(ns);
        if (set === undefined) bucket.byNamespace.set(ns, (set = new Set()));
        set.add(sub);
      }
    let mine = this.#byConn.get(sub.conn);
    if (mine === undefined) this.#byConn.set(sub.conn, (mine = new Map()));
    mine.set(sub.topic, sub);
  }

  /** True when the connection was subscribed to the topic. */
  unsubscribe(conn: C, topic: string): boolean {
    const mine = this.#byConn.get(conn);
    const sub = mine?.get(topic);
    if (sub === undefined) return false;
    mine!.delete(topic);
    if (mine!.size === 0) this.#byConn.delete(conn);
    const bucket = this.#byTopic.get(topic)!;
    if (sub.namespaces === undefined) bucket.any.delete(sub);
    else
      for (const ns of sub.namespaces) {
        const set = bucket.byNamespace.get(ns);
        set?.delete(sub);
        if (set?.size === 0) bucket.byNamespace.delete(ns);
      }
    if (bucket.any.size === 0 && bucket.byNamespace.size === 0) this.#byTopic.delete(topic);
    return true;
  }

  /** A connection closed: all its subscriptions go. */
  remove(conn: C): void {
    const mine = this.#byConn.get(conn);
    if (mine === undefined) return;
    for (const topic of [...mine.keys()]) this.unsubscribe(conn, topic);
  }

  get(conn: C, topic: string): Subscription<C> | undefined {
    return this.#byConn.get(conn)?.get(topic);
  }

  /** How many subscriptions there are in all. */
  get size(): number {
    let n = 0;
    for (const mine of this.#byConn.values()) n += mine.size;
    return n;
  }

  /**
   * The subscribers a publication goes to: those of its topic for its namespace or for every
   * namespace, whose filter holds for the subject together with their extra fields. `skip` leaves
   * connections out (the one that caused the publication) before any filter runs.
   */
  deliveries(p: Publication, skip?: (conn: C) => boolean): Delivery<C>[] {
    const bucket = this.#byTopic.get(p.topic);
    if (bucket === undefined) return [];
    const out: Delivery<C>[] = [];
    const consider = (sub: Subscription<C>): void => {
      if (skip?.(sub.conn)) return;
      const extra = sub.extraFields === undefined || p.extraSource === undefined ? undefined : selectFields(p.extraSource, sub.extraFields);
      if (sub.filter !== undefined) {
        const value = extra === undefined ? p.subject : overlay(p.subject, extra);
        if (!sub.filter.matches(value, p.placeholders === undefined ? undefined : { placeholders: p.placeholders })) return;
      }
      out.push({ conn: sub.conn, extra });
    };
    for (const sub of bucket.any) consider(sub);
    if (p.namespace !== undefined) {
      const set = bucket.byNamespace.get(p.namespace);
      if (set !== undefined) for (const sub of set) consider(sub);
    }
    return out;
  }
}
