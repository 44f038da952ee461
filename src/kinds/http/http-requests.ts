import { quote } from '../../sdk/errors.js';
import type { Origin } from '../../sdk/event.js';

/** What the book needs of a request: its id and the stream it is. */
export interface BookEntry {
  readonly id: string;
  readonly stream: { readonly id: number };
}

/**
 * The requests of an HTTP server waiting for their answer, by request id and by stream, and why
 * recent ones are no longer waiting (answered, timed out, the client gone), so that a late or
 * second answer goes to `err` with the reason instead of "unknown". What is remembered is bounded:
 * the oldest outcomes are forgotten first.
 */
export class RequestBook<R extends BookEntry> {
  readonly #byId = new Map<string, R>();
  readonly #byStream = new Map<number, R>();
  readonly #outcomes = new Map<string, string>();
  readonly #streamIds = new Map<number, string>();

  constructor(private readonly remembered = 4096) {}

  get size(): number {
    return this.#byId.size;
  }

  values(): IterableIterator<R> {
    return this.#byId.values();
  }

  add(entry: R): void {
    this.#byId.set(entry.id, entry);
    this.#byStream.set(entry.stream.id, entry);
  }

  isWaiting(entry: R): boolean {
    return this.#byId.get(entry.id) === entry;
  }

  byStream(stream: number): R | undefined {
    return this.#byStream.get(stream);
  }

  /** The request no longer waits; `why` completes "no request to answer: ..." for a later answer. */
  finish(entry: R, why: string): void {
    this.#byId.delete(entry.id);
    this.#byStream.delete(entry.stream.id);
    this.#outcomes.set(entry.id, why);
    this.#streamIds.set(entry.stream.id, entry.id);
    if (this.#outcomes.size > this.remembered) {
      const [oldest] = this.#outcomes.keys();
      this.#outcomes.delete(oldest!);
      const [oldestStream] = this.#streamIds.keys();
      this.#streamIds.delete(oldestStream!);
    }
  }

  /**
   * The requests an answer goes to: the one named by `requestId` when given, else every waiting
   * request among the origins (an aggregate answers each). Otherwise why there is none.
   */
  route(requestId: unknown, origins: readonly Origin[], self: number): R[] | string {
    if (requestId !== undefined) {
      if (typeof requestId !== 'string') return `meta.http_server.request_id must be a string, received ${quote(requestId)}`;
      const entry = this.#byId.get(requestId);
      if (entry !== undefined) return [entry];
      return this.#outcomes.get(requestId) ?? `no request ${JSON.stringify(requestId)} (meta.http_server.request_id) is known`;
    }
    const targets: R[] = [];
    let why: string | undefined;
    for (const origin of origins) {
      if (origin.connector !== self) continue;
      const entry = this.#byStream.get(origin.stream);
      if (entry !== undefined) targets.push(entry);
      else {
        const id = this.#streamIds.get(origin.stream);
        why ??= id === undefined ? undefined : this.#outcomes.get(id);
      }
    }
    if (targets.length > 0) return targets;
    return why ?? 'it carries no meta.http_server.request_id and came from no request of this server';
  }
}
