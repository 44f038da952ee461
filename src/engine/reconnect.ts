import { z } from 'zod';

/**
 * Tremor's reconnect policy, plus `max_interval_ms`, a ceiling on the wait that Tremor lacks.
 * `"none"`: a failed first connect is not retried; a lost connection gets one attempt 1 s later.
 */
export const RetrySchema = z.strictObject({
  interval_ms: z.number().int().positive().describe('wait after the first failed attempt'),
  growth_rate: z.number().min(1).default(1.5).describe('each wait is the previous one times this'),
  max_retries: z.number().int().positive().nullable().optional().describe('give up after this many failed attempts since the last success; unlimited when absent or null'),
  randomized: z.boolean().default(true).describe('the next wait is uniform between the previous wait and previous × growth_rate'),
  max_interval_ms: z.number().int().positive().optional().describe('no wait is longer than this'),
});

export const ReconnectSchema = z
  .union([z.literal('none'), z.strictObject({ retry: RetrySchema })], {
    error: 'expected "none" or { retry: { interval_ms, growth_rate, max_retries, randomized, max_interval_ms } }',
  })
  .default('none');

export type ReconnectConfig = z.output<typeof ReconnectSchema>;
export type RetryConfig = z.output<typeof RetrySchema>;

const NONE_LOST_RETRY_MS = 1000;

/** The waits between connection attempts. One instance per client connector. */
export class Backoff {
  #failures = 0;
  #wait = 0;
  #lostRetryUsed = false;

  constructor(
    readonly config: ReconnectConfig,
    private readonly random: () => number = Math.random,
  ) {}

  /** Failed attempts since the last success that stuck. */
  get failures(): number {
    return this.#failures;
  }

  get maxRetries(): number | undefined {
    return this.config === 'none' ? undefined : (this.config.retry.max_retries ?? undefined);
  }

  /** An attempt failed: the wait in ms before the next one, or `undefined` to give up. */
  failed(): number | undefined {
    if (this.config === 'none') return undefined;
    const retry = this.config.retry;
    this.#failures++;
    if (retry.max_retries != null && this.#failures >= retry.max_retries) return undefined;
    const previous = this.#wait;
    let next: number;
    if (previous === 0) next = retry.interval_ms;
    else if (retry.randomized) next = previous + this.random() * (previous * retry.growth_rate - previous);
    else next = previous * retry.growth_rate;
    if (retry.max_interval_ms !== undefined) next = Math.min(next, retry.max_interval_ms);
    this.#wait = next;
    return Math.round(next);
  }

  /** A connection was established. */
  succeeded(): void {
    this.#lostRetryUsed = false;
  }

  /**
   * An established connection was lost after `uptimeMs`: the wait before the next attempt, or
   * `undefined` to give up. A connection that lasted at least `interval_ms` starts the policy over
   * with an immediate attempt; one that dropped sooner counts as a failed attempt, so a server that
   * accepts and closes at once cannot drive a reconnect loop at full speed.
   */
  lost(uptimeMs: number): number | undefined {
    if (this.config === 'none') {
      if (this.#lostRetryUsed) return undefined;
      this.#lostRetryUsed = true;
      return NONE_LOST_RETRY_MS;
    }
    if (uptimeMs >= this.config.retry.interval_ms) {
      this.#failures = 0;
      this.#wait = 0;
      return 0;
    }
    return this.failed();
  }
}
