import { Subject, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as assert from 'uvu/assert';
import { createEvent, type Origin, type TremoloEvent } from '../../../../src/sdk/event.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import type { OperatorDefinition } from '../../../../src/sdk/operator-api.js';

/** Virtual time in milliseconds for time-based operators: nothing in these tests sleeps. */
export interface VirtualTime {
  readonly scheduler: TestScheduler;
  /** Runs `fn` when the clock reads `t`. */
  at(t: number, fn: () => void): void;
  /** Runs everything due up to `t`; the clock then reads `t`. */
  runTo(t: number): void;
  /** Actions waiting on the scheduler (timers the operator left armed). */
  readonly pending: number;
}

export function virtualTime(): VirtualTime {
  const scheduler = new TestScheduler((actual, expected) => assert.equal(actual, expected));
  return {
    scheduler,
    at: (t, fn) => void scheduler.schedule(fn, t - scheduler.now()),
    runTo(t) {
      // flush() stops at maxFrames, so a timer that re-arms itself forever cannot hang a test.
      scheduler.maxFrames = t;
      scheduler.flush();
      scheduler.frame = t;
    },
    get pending() {
      return scheduler.actions.length;
    },
  };
}

/** An operator subscribed directly, so that a test can unsubscribe it (the harness keeps its subscription). */
export function subscribed<C>(
  def: OperatorDefinition<C>,
  rawConfig: unknown,
  time: VirtualTime,
): { input: Subject<TremoloEvent>; out: TremoloEvent[]; subscription: Subscription } {
  const input = new Subject<TremoloEvent>();
  const out: TremoloEvent[] = [];
  const ctx = {
    alias: `p/${def.name}`,
    args: {},
    log: memoryLogger(),
    scheduler: time.scheduler,
    emit: (_port: string, event: TremoloEvent) => void out.push(event),
    error: () => undefined,
    ready: () => true,
  };
  const subscription = input.pipe(def.create(def.config.parse(rawConfig), ctx)).subscribe((e) => out.push(e));
  return { input, out, subscription };
}

/** One (connector, stream). */
export const origin = (connector: number, stream: number): Origin => ({ connector, stream });

/** An event that must be settled, recording how. */
export function settled(data: unknown, log: string[], origins: readonly Origin[] = [origin(1, 0)]): TremoloEvent {
  return {
    ...createEvent(data, {}, origins),
    settle: { ack: () => void log.push(`ack ${String(data)}`), fail: (why) => void log.push(`fail ${String(data)}: ${why}`) },
  };
}
