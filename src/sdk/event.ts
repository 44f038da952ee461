/** Every (connector instance, stream) an event came from; the key to routing replies back. */
export interface Origin {
  readonly connector: number;
  readonly stream: number;
}

/** Metadata, namespaced by connector kind: `meta.ws_server = { tls, peer, path, headers }`. */
export type Meta = Readonly<Record<string, unknown>>;

/**
 * What a source that can redeliver is told about one of its events: `ack` once every sink it reached
 * has handed it over (or a pipeline dropped it), `fail` once, as soon as one sink failed it or it
 * was routed to `err` or to nothing. Exactly one of the two is called, exactly once. `bySink` says
 * whether a sink settled it (took it or failed it), rather than the pipeline (a drop, a dead end):
 * Tremor's contraflow only ever comes from sinks, and its test connector counts only those.
 */
export interface Outcome {
  ack(bySink: boolean): void;
  fail(reason: string, bySink: boolean): void;
}

/**
 * The settlement of a transactional event, counted (Tremor's contraflow): every party that takes
 * the event on (a sink given it, an operator holding it for an aggregate) calls `hold` first and
 * later `ack` or `fail`. Absent on the events of sources that do not ask for it, so the common path
 * pays one `undefined` check.
 */
export interface Settlement {
  /** One more party will settle this event; absent on a settlement only one party settles. */
  hold?(): void;
  /** One party is done with it; the last one acks the event. `bySink`: that party is a sink (its receipt). */
  ack(bySink?: boolean): void;
  /** The event failed; reported to the source at once, and later acks are ignored. */
  fail(reason: string, bySink?: boolean): void;
}

/**
 * Starts with one hold, the dispatch: the source releases it (`ack`) once the event has run through
 * every pipeline synchronously, so an event nothing took on (a filter dropped it) is acked then.
 */
export class Transaction implements Settlement {
  #pending = 1;
  #done = false;
  #bySink = false;

  constructor(readonly outcome: Outcome) {}

  get settled(): boolean {
    return this.#done;
  }

  hold(): void {
    if (!this.#done) this.#pending++;
  }

  ack(bySink = false): void {
    if (bySink) this.#bySink = true;
    if (this.#done || --this.#pending > 0) return;
    this.#done = true;
    this.outcome.ack(this.#bySink);
  }

  fail(reason: string, bySink = false): void {
    if (this.#done) return;
    this.#done = true;
    this.outcome.fail(reason, bySink);
  }
}

export interface TremoloEvent<T = unknown> {
  readonly data: T;
  readonly meta: Meta;
  readonly origins: readonly Origin[];
  /** Wall-clock nanoseconds at ingestion. */
  readonly ingestNs: bigint;
  readonly id: number;
  readonly settle?: Settlement | undefined;
  /**
   * Set on the events of a `batch` operator (Tremor's `is_batch`): the data is the array of the
   * batched events' data, and this holds each one's metadata and origins, at the same index. Kept
   * through the pipeline; sinks write each element as an event of its own (`batchParts`), except
   * those that take a batch whole (`ConnectorDefinition.batches`: http_client, one request).
   */
  readonly batch?: readonly BatchItem[] | undefined;
}

/** What a batch keeps of each event in it besides its data. */
export interface BatchItem {
  readonly meta: Meta;
  readonly origins: readonly Origin[];
}

const EMPTY_META: Meta = Object.freeze({});
export const emptyMeta = (): Meta => EMPTY_META;

// hrtime is monotonic and cheap; anchoring it once to the wall clock gives wall-clock nanoseconds
// without a Date per event.
const anchorWallNs = BigInt(Date.now()) * 1_000_000n;
const anchorHr = process.hrtime.bigint();
export const nowNs = (): bigint => anchorWallNs + (process.hrtime.bigint() - anchorHr);

let nextId = 1;
export const nextEventId = (): number => nextId++;

export function createEvent<T>(
  data: T,
  meta: Meta,
  origins: readonly Origin[],
  ingestNs: bigint = nowNs(),
  settle: Settlement | undefined = undefined,
): TremoloEvent<T> {
  return { data, meta, origins, ingestNs, id: nextId++, settle, batch: undefined };
}

/**
 * One sink's share of a transactional event: it holds the event for that sink, and settles it once
 * whatever the sink does (a sink that fails an event and then returns, or reports twice, counts once).
 */
export class Receipt implements Settlement {
  #done = false;

  constructor(readonly parent: Settlement) {
    parent.hold?.();
  }

  get settled(): boolean {
    return this.#done;
  }

  ack(): void {
    if (this.#done) return;
    this.#done = true;
    this.parent.ack(true);
  }

  fail(reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.parent.fail(reason, true);
  }
}

/** The event as one sink sees it: the same, with that sink's receipt as its settlement. */
export function withReceipt<T>(event: TremoloEvent<T>, receipt: Receipt): TremoloEvent<T> {
  return { data: event.data, meta: event.meta, origins: event.origins, ingestNs: event.ingestNs, id: event.id, settle: receipt, batch: event.batch };
}

/** A new event from an existing one: same origins and ingest time, new data and/or meta. */
export function deriveEvent<T>(from: TremoloEvent, data: T, meta: Meta = from.meta): TremoloEvent<T> {
  return { data, meta, origins: from.origins, ingestNs: from.ingestNs, id: from.id, settle: from.settle, batch: from.batch };
}

/**
 * The events of a batch, each with its own data, metadata and origins and the batch's settlement
 * (and ingest time); `undefined` when `event` is not a batch, or no longer one (a pipeline made its
 * data something other than an array). Metadata a pipeline set on the batch itself applies to each
 * event, namespace by namespace over its own; an element past the items kept (a pipeline added it)
 * has the batch's metadata and origins.
 */
export function batchParts(event: TremoloEvent): TremoloEvent[] | undefined {
  const items = event.batch;
  const data = event.data;
  if (items === undefined || !Array.isArray(data)) return undefined;
  const over = event.meta;
  const overridden = Object.keys(over).length > 0;
  return data.map((value: unknown, i) => {
    const item = items[i];
    const meta = item === undefined ? over : overridden ? { ...item.meta, ...over } : item.meta;
    return { data: value, meta, origins: item?.origins ?? event.origins, ingestNs: event.ingestNs, id: event.id, settle: event.settle, batch: undefined };
  });
}

/**
 * The union of the origins of several events, each (connector, stream) once, in first-seen order.
 * Windows, batches and aggregates use it so that replies reach every connection they came from.
 */
export function mergeOrigins(events: Iterable<{ readonly origins: readonly Origin[] }>): Origin[] {
  const seen = new Set<string>();
  const out: Origin[] = [];
  for (const ev of events) {
    for (const o of ev.origins) {
      const key = `${o.connector}:${o.stream}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(o);
      }
    }
  }
  return out;
}

/** The earliest ingest time of several events, so latency is measured from the first contributor. */
export function earliestIngest(events: Iterable<TremoloEvent>): bigint {
  let min: bigint | undefined;
  for (const ev of events) if (min === undefined || ev.ingestNs < min) min = ev.ingestNs;
  return min ?? nowNs();
}

/**
 * An aggregate made of several events: it keeps all their origins and settles all of them. The
 * parts were held by whoever kept them (`Contributors`); the aggregate's own transaction starts with
 * its dispatch hold, which the emitter releases after sending it (`dispatched`).
 */
export function aggregateEvent<T>(data: T, parts: readonly TremoloEvent[], meta: Meta = EMPTY_META): TremoloEvent<T> {
  // The usual window of one connection: one part, one origin, nothing to settle. Its origins array
  // is shared, as deriveEvent shares it (origins are never changed once made).
  const only = parts.length === 1 ? parts[0]! : undefined;
  if (only !== undefined && only.settle === undefined && only.origins.length === 1) {
    return { data, meta, origins: only.origins, ingestNs: only.ingestNs, id: nextId++, settle: undefined, batch: undefined };
  }
  const settles = parts.map((p) => p.settle).filter((s): s is Settlement => s !== undefined);
  const settle: Settlement | undefined =
    settles.length === 0
      ? undefined
      : new Transaction({
          ack: (bySink) => settles.forEach((s) => s.ack(bySink)),
          fail: (why, bySink) => settles.forEach((s) => s.fail(why, bySink)),
        });
  return { data, meta, origins: mergeOrigins(parts), ingestNs: earliestIngest(parts), id: nextId++, settle, batch: undefined };
}

/** Sends an event made here (an aggregate) and releases its dispatch hold: what nothing took on is acked. */
export function dispatched(event: TremoloEvent, send: (event: TremoloEvent) => void): void {
  send(event);
  event.settle?.ack();
}
