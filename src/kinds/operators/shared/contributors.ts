import { aggregateEvent, type Meta, type TremoloEvent } from '../../../sdk/event.js';

/**
 * The events behind an aggregate (a window, a batch), as `aggregateEvent` needs them: it reads only
 * their origins, their settlements and the earliest ingest time. So instead of every event, this
 * keeps the events that bring an origin not seen yet, every event that must be settled, and the
 * earliest one: the aggregate built from these is the one built from all of them (same origins in
 * the same first-seen order, same settlements, same ingest time), and a window of a million events
 * from one connection holds one event, not a million.
 *
 * A source stream gives all its events one frozen origins array, and its events arrive in the order
 * they were ingested. So an event whose origins array is that of a kept event brings nothing new and
 * is not the earliest: one Set lookup, the common case, and no bigint comparison.
 */
const FEW = 16;

export class Contributors {
  readonly #parts: TremoloEvent[] = [];
  /** connector → streams already among the parts' origins; the Sets are emptied, not dropped, between aggregates. */
  readonly #seen = new Map<number, Set<number>>();
  /** The origins arrays of the kept events: the first few in a list (a scan beats hashing), the rest in a Set. */
  readonly #knownFew: TremoloEvent['origins'][] = [];
  readonly #knownMany = new Set<TremoloEvent['origins']>();
  /** The last array found known: a run of events from one stream skips even the Set. */
  #lastKnown: TremoloEvent['origins'] | undefined;
  #earliest: TremoloEvent | undefined;

  add(event: TremoloEvent): void {
    // Small enough to be inlined where it is called: the common case is an array seen just before.
    if (event.origins !== this.#lastKnown || event.settle !== undefined) this.#add(event);
  }

  /** The aggregate event of what was added; then empty again. Send it with `dispatched`, which settles its parts. */
  build<T>(data: T, meta: Meta): TremoloEvent<T> {
    const earliest = this.#earliest;
    // Every origin of the earliest event is already among the parts when it was not kept, so
    // putting it last changes neither the origins nor their order.
    if (earliest !== undefined && !this.#parts.includes(earliest)) this.#parts.push(earliest);
    const event = aggregateEvent(data, this.#parts, meta);
    this.clear();
    return event;
  }

  clear(): void {
    this.#parts.length = 0;
    for (const streams of this.#seen.values()) streams.clear();
    this.#knownFew.length = 0;
    if (this.#knownMany.size > 0) this.#knownMany.clear();
    this.#lastKnown = undefined;
    this.#earliest = undefined;
  }

  #add(event: TremoloEvent): void {
    const origins = event.origins;
    const settle = event.settle !== undefined;
    if (!settle && this.#isKnown(origins)) {
      this.#lastKnown = origins;
      return;
    }
    if (this.#earliest === undefined || event.ingestNs < this.#earliest.ingestNs) this.#earliest = event;
    // Kept until the aggregate settles: the dispatch that brought it here must not ack it.
    if (settle) event.settle!.hold?.();
    if (settle || this.#bringsNew(origins)) {
      this.#parts.push(event);
      if (this.#knownFew.length < FEW) this.#knownFew.push(origins);
      else this.#knownMany.add(origins);
      for (const o of origins) {
        let streams = this.#seen.get(o.connector);
        if (streams === undefined) this.#seen.set(o.connector, (streams = new Set()));
        streams.add(o.stream);
      }
    }
  }

  #isKnown(origins: TremoloEvent['origins']): boolean {
    const few = this.#knownFew;
    for (let i = 0; i < few.length; i++) if (few[i] === origins) return true;
    return few.length === FEW && this.#knownMany.has(origins);
  }

  #bringsNew(origins: TremoloEvent['origins']): boolean {
    for (let i = 0; i < origins.length; i++) {
      const o = origins[i]!;
      if (this.#seen.get(o.connector)?.has(o.stream) !== true) return true;
    }
    return false;
  }
}
