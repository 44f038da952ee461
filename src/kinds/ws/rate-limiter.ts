/** A token bucket per connection: `rate` per second, `burst` at once. */
export class RateLimiter {
  #tokens: number;
  #last = performance.now();
  #dropped = 0;
  readonly #burst: number;

  constructor(
    private readonly rate: number,
    burst?: number,
  ) {
    this.#burst = burst ?? Math.max(1, rate);
    this.#tokens = this.#burst;
  }

  /** Takes a token; false when there is none (and counts the refusal). */
  take(): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    this.#dropped++;
    return false;
  }

  /** Refusals so far. */
  dropped(): number {
    return this.#dropped;
  }
}
