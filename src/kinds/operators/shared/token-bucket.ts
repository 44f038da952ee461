import { z } from 'zod';

/** The `rate` and `burst` options that throttle and rate_limit share. */
export const rateOptions = {
  rate: z.number().positive().describe('events per second, on average'),
  burst: z
    .number()
    .min(1)
    .optional()
    .describe('how many events may pass at once after a quiet spell (the bucket size); default: rate, at least 1'),
};

/** Float arithmetic on refills may leave 0.999999... where a whole token is due. */
const EPSILON = 1e-9;

/**
 * A token bucket on scheduler time (milliseconds): it holds at most `burst` tokens, starts full,
 * and gains `rate` tokens per second; each event takes one. Refilled lazily when asked, so an
 * idle bucket costs nothing and needs no timer.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  constructor(rate: number, burst: number | undefined, now: number) {
    this.#perMs = rate / 1000;
    this.#burst = burst ?? Math.max(1, rate);
    this.#tokens = this.#burst;
    this.#at = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1 - EPSILON) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there; whole milliseconds, rounded up, so a timer set to it finds one. */
  waitMs(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 - EPSILON ? 0 : Math.ceil((1 - this.#tokens) / this.#perMs);
  }

  #refill(now: number): void {
    if (now <= this.#at) return;
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
  }
}
