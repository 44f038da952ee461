import { BoundedQueue } from '../sdk/bounded-queue.js';
import type { TremoloEvent } from '../sdk/event.js';

/** An event waiting to be sent, with the input port it came in on. */
export type Queued = [TremoloEvent, string];

/**
 * Where a client sink's events wait while it is disconnected. Two implementations: in memory (the
 * default; what is held at a stop is failed on `err`) and on disk (`queue.persist`, PersistentQueue:
 * kept for the next run). The connector host only speaks this interface.
 */
export interface SendQueue {
  readonly capacity: number;
  readonly length: number;
  /** Where the events wait, for log lines: a folder, or "memory". */
  readonly place: string;
  /** Takes back what a previous run kept, to go first; returns how many events that is. */
  open(): number;
  /** True when queued; false when full; the reason when the event cannot be kept. */
  push(item: Queued): boolean | string;
  /** Everything queued, in order, to be given to the connector. */
  drain(): Queued[];
  /** Events given up on (reported on `err`): a next run does not send them again. */
  release(items: readonly Queued[]): void;
  /** At a stop: how many events stay for the next run, and those that do not (to be failed). */
  close(): { kept: number; lost: Queued[] };
}

/** The send queue of a sink without `queue.persist`: bounded, in memory, gone at a stop. */
export class MemoryQueue implements SendQueue {
  readonly place = 'memory';
  readonly #items: BoundedQueue<Queued>;

  constructor(readonly capacity: number) {
    this.#items = new BoundedQueue(capacity);
  }

  get length(): number {
    return this.#items.length;
  }

  open(): number {
    return 0;
  }

  push(item: Queued): boolean {
    return this.#items.push(item);
  }

  drain(): Queued[] {
    return this.#items.drain();
  }

  release(): void {}

  close(): { kept: number; lost: Queued[] } {
    return { kept: 0, lost: this.#items.drain() };
  }
}
