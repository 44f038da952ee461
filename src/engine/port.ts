import { ObjectUnsubscribedError, Subject, Subscription, type Observer } from 'rxjs';

/** What a link feeds: another port, or the head of a pipeline's chain of operators. */
export interface LinkTarget<T> {
  next(value: T): void;
}

interface Link<T> {
  readonly to: LinkTarget<T>;
  readonly complete: () => void;
}

// As RxJS reports the throw of an observer: later, as an uncaught error, so that the value still
// reaches every other link and observer.
const reportLater = (err: unknown): void => {
  setTimeout(() => {
    throw err;
  });
};

/**
 * A Subject for the ports events travel through (connector and pipeline ports, operator links),
 * with a cheaper way through. Node loads RxJS's CommonJS build, compiled to ES5, where
 * `Subject.next` allocates a closure (for the deprecated synchronous error handling) and an
 * iterator per value: about 30 ns a hop, against 8–10 ns here. And the flow's links (`link`) are
 * called directly, not through the three calls of a Subscriber around an observer; an event of an
 * echo flow crosses three of them.
 *
 * The semantics are the Subject's: an error after `unsubscribe()`, nothing after `complete()` or
 * `error()`, and the observers as they were when the value arrived (one subscribing meanwhile does
 * not get it). `currentObservers` is that snapshot, which Subject itself drops whenever the
 * observers change; test/unit/engine/port.test.ts holds these semantics against RxJS's Subject.
 */
export class Port<T> extends Subject<T> {
  /** Replaced, never changed in place: a link made or cut during a delivery counts from the next value. */
  #links: readonly Link<T>[] = [];

  /**
   * Feeds `to` every value of this port, before its observers (the flow's links are made before
   * anything watches a port); `complete` runs when this port completes, and decides what that
   * means for `to`, which may have other links into it. A port's error does not travel along links.
   */
  link(to: LinkTarget<T>, complete: () => void): Subscription {
    const link: Link<T> = { to, complete };
    this.#links = [...this.#links, link];
    return new Subscription(() => {
      this.#links = this.#links.filter((l) => l !== link);
    });
  }

  override next(value: T): void {
    if (this.closed) throw new ObjectUnsubscribedError();
    if (this.isStopped) return;
    const links = this.#links;
    for (let i = 0; i < links.length; i++) {
      try {
        links[i]!.to.next(value);
      } catch (err) {
        reportLater(err);
      }
    }
    const self = this as unknown as { currentObservers: Observer<T>[] | null };
    const observers = self.currentObservers ?? (self.currentObservers = this.observers.slice());
    for (let i = 0; i < observers.length; i++) observers[i]!.next(value);
  }

  override complete(): void {
    if (!this.closed && !this.isStopped) {
      const links = this.#links;
      this.#links = [];
      for (const link of links) link.complete();
    }
    super.complete();
  }
}
