import type { ConnectorContext, SourceStream } from '../connector-api.js';
import type { Meta, Origin } from '../event.js';

const originKey = (o: Origin): string => `${o.connector}:${o.stream}`;

/**
 * Streams that answer on behalf of other streams: a reply pushed on one carries the origins of the
 * request it answers, so it routes back to the connection that asked. Opening and ending a stream
 * per request would tell every connector and pipeline of the flow about each one that ends, and
 * register flow control stand-ins each time; instead one stream is kept per distinct set of
 * origins, until one of those origins ends or, past `max` sets, the least recently used is dropped.
 */
export class ReplyStreams {
  /** Origins key → stream, least recently used first. */
  readonly #streams = new Map<string, { stream: SourceStream; origins: readonly Origin[] }>();
  /** Origin key → the keys of the streams whose origins include it. */
  readonly #byOrigin = new Map<string, Set<string>>();

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly meta: Meta,
    private readonly max = 1024,
  ) {}

  /** The stream whose events carry exactly these origins. */
  for(origins: readonly Origin[]): SourceStream {
    const key = origins.length === 1 ? originKey(origins[0]!) : origins.map(originKey).join(',');
    const known = this.#streams.get(key);
    if (known !== undefined) {
      if (this.#streams.size > 1) {
        this.#streams.delete(key);
        this.#streams.set(key, known);
      }
      return known.stream;
    }
    if (this.#streams.size >= this.max) this.#end(this.#streams.keys().next().value!);
    const stream = this.ctx.openStream(this.meta, origins);
    this.#streams.set(key, { stream, origins });
    for (const o of origins) {
      const k = originKey(o);
      let set = this.#byOrigin.get(k);
      if (set === undefined) this.#byOrigin.set(k, (set = new Set()));
      set.add(key);
    }
    return stream;
  }

  /** An origin of the flow ended: the streams standing in for it end too. */
  originEnded(origin: Origin): void {
    const keys = this.#byOrigin.get(originKey(origin));
    if (keys === undefined) return;
    for (const key of [...keys]) this.#end(key);
  }

  get size(): number {
    return this.#streams.size;
  }

  #end(key: string): void {
    const entry = this.#streams.get(key);
    if (entry === undefined) return;
    this.#streams.delete(key);
    for (const o of entry.origins) {
      const k = originKey(o);
      const set = this.#byOrigin.get(k);
      set?.delete(key);
      if (set?.size === 0) this.#byOrigin.delete(k);
    }
    entry.stream.end();
  }
}
