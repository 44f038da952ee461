import type { Meta } from '../../sdk/event.js';

export interface WalEntry {
  readonly seq: number;
  readonly data: unknown;
  readonly meta: Meta;
  readonly bytes: number;
  state: 'waiting' | 'sent' | 'acked';
}

/**
 * The unacknowledged records of a log, in sequence order, and the cursor of the next one to send.
 * A failure moves the cursor back to the failed record, so it and everything after it that is not
 * acknowledged go out again in order (those still in flight are skipped; their own outcome decides).
 */
export class WalQueue {
  #entries: WalEntry[] = [];
  /** Index of the first entry not acknowledged. */
  #head = 0;
  #cursor = 0;

  get length(): number {
    return this.#entries.length - this.#head;
  }

  push(entry: Omit<WalEntry, 'state'>): void {
    this.#entries.push({ ...entry, state: 'waiting' });
  }

  /** The next record to send, at most `upTo`, marked sent; undefined when there is none. */
  next(upTo: number): WalEntry | undefined {
    const entries = this.#entries;
    while (this.#cursor < entries.length) {
      const entry = entries[this.#cursor]!;
      if (entry.seq > upTo) return undefined;
      this.#cursor++;
      if (entry.state === 'waiting') {
        entry.state = 'sent';
        return entry;
      }
    }
    return undefined;
  }

  acked(entry: WalEntry): void {
    entry.state = 'acked';
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.state === 'acked') this.#head++;
    if (this.#head > 1024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#cursor -= this.#head;
      this.#head = 0;
    }
  }

  failed(entry: WalEntry): void {
    entry.state = 'waiting';
    const at = this.#indexOf(entry.seq);
    if (at >= 0 && at < this.#cursor) this.#cursor = at;
  }

  #indexOf(seq: number): number {
    let lo = this.#head;
    let hi = this.#entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.#entries[mid]!.seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
