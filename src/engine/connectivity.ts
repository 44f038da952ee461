import { reason } from '../sdk/errors.js';
import type { Logger } from '../sdk/logger.js';
import type { Backoff } from './reconnect.js';

export type ConnectivityState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'failed' | 'stopped';

export interface ConnectivityHooks {
  connect(attempt: number): Promise<void>;
  connected(): void;
  /** No more attempts will be made (max retries, or reconnect "none"). */
  gaveUp(why: string): void;
}

/**
 * The connect / reconnect cycle of a client connector, driven by its backoff policy. Every wait is
 * a timer this class owns and clears on stop, so a stopped flow leaves nothing scheduled.
 */
export class Connectivity {
  #state: ConnectivityState = 'idle';
  #timer: NodeJS.Timeout | undefined;
  #connectedAt = 0;
  /** When each attempt started (ms, monotonic): for status output and tests of the policy. */
  readonly attemptTimes: number[] = [];

  constructor(
    private readonly log: Logger,
    private readonly backoff: Backoff,
    private readonly hooks: ConnectivityHooks,
  ) {}

  get state(): ConnectivityState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  begin(): void {
    if (this.#state === 'idle') void this.#attempt();
  }

  /** The established connection dropped. */
  lost(why: string): void {
    if (this.#state !== 'connected') return;
    const uptime = performance.now() - this.#connectedAt;
    const wait = this.backoff.lost(uptime);
    if (wait === undefined) {
      this.#giveUp(`connection lost (${why}); reconnect is "none" and its one retry is used`);
      return;
    }
    this.log.warn(`connection lost (${why}); reconnecting ${wait === 0 ? 'now' : `in ${wait} ms`}`);
    this.#schedule(wait);
  }

  stop(): void {
    this.#state = 'stopped';
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(wait: number): void {
    this.#state = 'waiting';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt();
    }, wait);
  }

  async #attempt(): Promise<void> {
    if (this.#state === 'stopped') return;
    const attempt = this.backoff.failures + 1;
    this.#state = 'connecting';
    this.attemptTimes.push(performance.now());
    this.log.debug(`connecting (attempt ${attempt})`);
    try {
      await this.hooks.connect(attempt);
    } catch (err) {
      if (this.#stopped()) return;
      const wait = this.backoff.failed();
      if (wait === undefined) {
        const max = this.backoff.maxRetries;
        this.#giveUp(
          max === undefined
            ? `connect failed (${reason(err)}); reconnect is "none"`
            : `connect attempt ${attempt} failed (${reason(err)}); max retries exceeded (${max}), staying disconnected`,
        );
        return;
      }
      this.log.warn(`connect attempt ${attempt} failed (${reason(err)}); retrying in ${wait} ms`);
      this.#schedule(wait);
      return;
    }
    if (this.#stopped()) return;
    this.#state = 'connected';
    this.#connectedAt = performance.now();
    this.backoff.succeeded();
    this.hooks.connected();
  }

  /** A method, not an inline test: the state can change across the await above. */
  #stopped(): boolean {
    return this.#state === 'stopped';
  }

  #giveUp(why: string): void {
    this.#state = 'failed';
    this.log.error(why);
    this.hooks.gaveUp(why);
  }
}
