import type { SchedulerLike, Subscription } from 'rxjs';

/** One pending callback at a time on a scheduler; arming it again replaces the pending one. */
export class Timer {
  #handle: Subscription | undefined;
  #generation = 0;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly fire: () => void,
    private readonly fail: (err: unknown) => void,
  ) {}

  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** Fires once after `delayMs` of scheduler time. */
  arm(delayMs: number): void {
    this.cancel();
    const generation = ++this.#generation;
    let fired = false;
    const handle = this.scheduler.schedule(() => {
      fired = true;
      if (generation !== this.#generation) return;
      this.#handle = undefined;
      try {
        this.fire();
      } catch (err) {
        this.fail(err);
      }
    }, Math.max(0, delayMs));
    // A scheduler may run a callback before schedule() returns (the queue scheduler does).
    if (!fired) this.#handle = handle;
  }

  cancel(): void {
    this.#generation++;
    this.#handle?.unsubscribe();
    this.#handle = undefined;
  }
}
