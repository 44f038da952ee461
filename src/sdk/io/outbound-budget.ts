/**
 * The process-wide cap on bytes waiting to be sent (`tremolo run --max-buffered-bytes`). Each
 * connection has its own cap (`slow_consumer.max_buffered_bytes`), but a burst broadcast to many
 * connections that do not read multiplies: 24 MiB sent once to 200 such subscribers would be
 * 200 times the per-connection cap. The total of what every connection of the process has
 * waiting is kept here; past the cap, connections are closed, the ones with the most bytes
 * waiting first, until the total is under 90 % of the cap: only those that may lose frames (not
 * `pause`, not holding their sources), since a relay loses nothing and stops growing at its
 * high-water mark anyway.
 *
 * Counting costs one comparison per send: a connection is counted anew only when what it has
 * waiting after a send differs from what was counted for it (almost never for a fast reader,
 * whose bytes go to the kernel at once). What drains without a send is not seen, so the total
 * can be high; it is recounted exactly before anything is closed.
 */

/** One connection's share of the total. */
export interface Buffered {
  /** Bytes it had waiting when last counted. */
  counted: number;
  /** Bytes it has waiting now. */
  waiting(): number;
  /** Whether it may be closed to make room (not a relay holding its sources). */
  evictable(): boolean;
  /** Close it, as the process is over its cap. */
  evict(why: string): void;
  /** Say that the cap is exceeded and nothing could be closed (called at most once a second). */
  stuck(why: string): void;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

/** A recount walks every connection with bytes waiting: not more often than this. */
const RECOUNT_MS = 10;
/** Past the cap, connections are closed until this fraction of it is left. */
const LOW_WATER = 0.9;

export class OutboundBudget {
  #total = 0;
  readonly #members = new Set<Buffered>();
  #recountedAt = -Infinity;
  #stuckAt = -Infinity;
  /** Connections closed to stay under the cap, since the process started. */
  evicted = 0;

  constructor(public limit: number) {}

  /** Bytes waiting in the whole process, as last counted (exact after a recount, else at most high). */
  get total(): number {
    return this.#total;
  }

  /** Connections with bytes counted. */
  get size(): number {
    return this.#members.size;
  }

  /** `member` has `bytes` waiting now, which differs from what was counted for it. */
  count(member: Buffered, bytes: number): void {
    this.#total += bytes - member.counted;
    member.counted = bytes;
    if (bytes === 0) this.#members.delete(member);
    else {
      this.#members.add(member);
      if (this.#total > this.limit) this.#enforce(member);
    }
  }

  /** The connection closed: its bytes are gone with it. */
  leave(member: Buffered): void {
    this.#total -= member.counted;
    member.counted = 0;
    this.#members.delete(member);
  }

  #recount(): void {
    let total = 0;
    for (const member of this.#members) {
      const bytes = member.waiting();
      member.counted = bytes;
      if (bytes === 0) this.#members.delete(member);
      total += bytes;
    }
    this.#total = total;
  }

  #enforce(trigger: Buffered): void {
    const now = performance.now();
    // A broadcast counts hundreds of connections within a millisecond: what was counted that
    // recently is exact enough, and a recount walks them all.
    if (now - this.#recountedAt >= RECOUNT_MS) {
      this.#recountedAt = now;
      this.#recount();
      if (this.#total <= this.limit) return;
    }
    const why = `the process has over ${this.limit} bytes waiting to be sent (--max-buffered-bytes)`;
    // Down to a little under the cap, so that a burst does not sort and close one connection per send.
    const target = this.limit * LOW_WATER;
    // The slowest first: the connection that has the most waiting is the furthest behind.
    const candidates = [...this.#members].filter((m) => m.evictable()).sort((a, b) => b.counted - a.counted);
    for (const member of candidates) {
      if (this.#total <= target) return;
      this.leave(member);
      this.evicted++;
      member.evict(why);
    }
    if (this.#total > this.limit && now - this.#stuckAt >= 1000) {
      this.#stuckAt = now;
      trigger.stuck(`${why}, and the connections that have bytes waiting hold their sources (${this.#total} bytes waiting on ${this.#members.size} connections)`);
    }
  }
}

/** The one budget of this process. */
export const outbound = new OutboundBudget(DEFAULT_MAX_BUFFERED_BYTES);
