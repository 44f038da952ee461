import type { Observable, Subscription } from 'rxjs';
import { RuntimeError } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';

interface Waiter {
  readonly resolve: (event: TremoloEvent) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Everything that passed one port since the flow started, consumed in order by `next`. Recording
 * from the start means a test never misses an event that came before it asked.
 */
export class PortRecorder {
  readonly #queue: TremoloEvent[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #subscription: Subscription;
  /** Every event seen, consumed or not. */
  readonly seen: TremoloEvent[] = [];

  constructor(
    readonly name: string,
    source: Observable<TremoloEvent>,
  ) {
    this.#subscription = source.subscribe((event) => {
      this.seen.push(event);
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) {
        clearTimeout(waiter.timer);
        waiter.resolve(event);
      } else this.#queue.push(event);
    });
  }

  get pending(): number {
    return this.#queue.length;
  }

  next(timeoutMs: number): Promise<TremoloEvent> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new RuntimeError('ERR_TIMEOUT', `no event on ${this.name} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  close(): void {
    this.#subscription.unsubscribe();
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new RuntimeError('ERR_STOPPED', `flow stopped while waiting on ${this.name}`));
    }
  }
}
