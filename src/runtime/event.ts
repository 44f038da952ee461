/** Every (connector instance, stream) an event came from; the key to routing replies back. */
export interface Origin {
  readonly connector: number;
  readonly stream: number;
}

/** Metadata, namespaced by connector kind: `meta.ws_server = { tls, peer, path, headers }`. */
export type Meta = Readonly<Record<string, unknown>>;

/**
 * Reserved for acknowledgements (issue 14): a source that can redeliver attaches one; sinks settle it.
 * Absent on every event of a source that does not ask for it, so the common path pays nothing.
 */
export interface Settlement {
  ack(): void;
  fail(reason: string): void;
}

export interface TremoloEvent<T = unknown> {
  readonly data: T;
  readonly meta: Meta;
  readonly origins: readonly Origin[];
  /** Wall-clock nanoseconds at ingestion. */
  readonly ingestNs: bigint;
  readonly id: number;
  readonly settle?: Settlement | undefined;
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
): TremoloEvent<T> {
  return { data, meta, origins, ingestNs, id: nextId++, settle: undefined };
}

/** A new event from an existing one: same origins and ingest time, new data and/or meta. */
export function deriveEvent<T>(from: TremoloEvent, data: T, meta: Meta = from.meta): TremoloEvent<T> {
  return { data, meta, origins: from.origins, ingestNs: from.ingestNs, id: from.id, settle: from.settle };
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

/** An aggregate made of several events: it keeps all their origins and settles all of them. */
export function aggregateEvent<T>(data: T, parts: readonly TremoloEvent[], meta: Meta = EMPTY_META): TremoloEvent<T> {
  const settles = parts.map((p) => p.settle).filter((s): s is Settlement => s !== undefined);
  const settle: Settlement | undefined =
    settles.length === 0
      ? undefined
      : {
          ack: () => settles.forEach((s) => s.ack()),
          fail: (why) => settles.forEach((s) => s.fail(why)),
        };
  return { data, meta, origins: mergeOrigins(parts), ingestNs: earliestIngest(parts), id: nextId++, settle };
}
