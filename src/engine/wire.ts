import type { Subject, Subscription } from 'rxjs';
import type { Port } from './port.js';

export interface Wire<T> {
  readonly from: Port<T>;
  readonly to: Subject<T>;
}

/**
 * Links ports so that data and completion flow alike: a target completes once every wire into
 * it has completed, which lets a graceful stop flush batches and windows on its way to the sinks.
 */
export function connectWires<T>(
  wires: readonly Wire<T>[],
  /** Completion passes on while this says so; a flow being reconfigured turns it off. */
  control: { completing: boolean } = { completing: true },
  /** Told of each target completed through its wires (no observer on the target: nothing per event). */
  completed: (to: Subject<T>) => void = () => {},
): Subscription[] {
  const pending = new Map<Subject<T>, number>();
  for (const { to } of wires) pending.set(to, (pending.get(to) ?? 0) + 1);
  return wires.map(({ from, to }) => {
    const complete = (): void => {
      if (!control.completing) return;
      const left = (pending.get(to) ?? 1) - 1;
      pending.set(to, left);
      if (left === 0) {
        to.complete();
        completed(to);
      }
    };
    return from.link(to, complete);
  });
}

/** The targets among `subjects` that no wire feeds; they must be completed directly. */
export const unfed = <T, S extends Subject<T>>(subjects: Iterable<S>, wires: readonly Wire<T>[]): S[] => {
  const fed = new Set<Subject<T>>(wires.map((w) => w.to));
  return [...subjects].filter((s) => !fed.has(s));
};
