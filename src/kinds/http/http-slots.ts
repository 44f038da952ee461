import { BoundedQueue } from '../../sdk/bounded-queue.js';

/**
 * At most `max` jobs in flight; the next ones wait in order, at most `maxWaiting` of them, so a
 * slow server costs a bounded amount of memory. A job calls `done` once, when it is over.
 */
export class Slots<T> {
  readonly #waiting: BoundedQueue<T>;
  readonly #idle: (() => void)[] = [];
  #active = 0;

  constructor(
    readonly max: number,
    maxWaiting: number,
    private readonly run: (job: T, done: () => void) => void,
    /** Called when the last waiting job leaves the queue. */
    private readonly drained: () => void = () => {},
  ) {
    this.#waiting = new BoundedQueue(maxWaiting);
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs the job now, or queues it: 'run' or 'queued'; 'full' when it can wait no more. */
  submit(job: T): 'run' | 'queued' | 'full' {
    if (this.#active < this.max) {
      this.#start(job);
      return 'run';
    }
    return this.#waiting.push(job) ? 'queued' : 'full';
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Takes every waiting job out (the connector is stopping). */
  drain(): T[] {
    const jobs = this.#waiting.drain();
    if (jobs.length > 0) this.drained();
    return jobs;
  }

  #start(job: T): void {
    this.#active++;
    let over = false;
    this.run(job, () => {
      if (over) return;
      over = true;
      this.#active--;
      const next = this.#waiting.shift();
      if (next !== undefined) {
        if (this.#waiting.length === 0) this.drained();
        this.#start(next);
      } else if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
    });
  }
}
