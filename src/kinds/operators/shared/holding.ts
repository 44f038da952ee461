import type { OperatorFunction } from 'rxjs';
import { isRuntimeError, reason } from '../../../sdk/errors.js';
import type { TremoloEvent } from '../../../sdk/event.js';
import type { OperatorContext } from '../../../sdk/operator-api.js';
import { stageOperator, type Stage, type StageIO } from '../../../sdk/stage.js';
import { Timer } from './timer.js';

/** What an operator that holds events (a batch, a window, a queue) does with its input. */
export interface Holder {
  next(event: TremoloEvent): void;
  /**
   * The input completed: hand over what is held (a graceful stop expects partial batches). 'later':
   * what is held still goes out on its timers, and the holder calls `io.complete()` once it is done.
   */
  flush?(): void | 'later';
  /** Completed or unsubscribed: cancel every timer. */
  stop?(): void;
}

export interface HolderIO {
  /** Sends an event on the main output. */
  emit(event: TremoloEvent): void;
  /** A timer on `ctx.scheduler` whose callback reports a throw as a failure of the operator. */
  timer(fire: () => void): Timer;
  /** Completes the output, after a `flush` that answered 'later'. */
  complete(): void;
}

/**
 * An RxJS operator around a `Holder`, made afresh for every subscription (the pipeline resubscribes
 * an operator that failed, and it must start clean). A throw in `next` sends that event to `err`,
 * as in `perEvent`, so `next` must check an event before it changes any state. A throw in a timer
 * is a bug: it errors the Observable and the pipeline restarts the operator.
 */
export function holding(ctx: OperatorContext, start: (io: HolderIO) => Holder): OperatorFunction<TremoloEvent, TremoloEvent> {
  return stageOperator((io) => new HoldingStage(ctx, io, start({ emit: io.emit, timer: (fire) => new Timer(ctx.scheduler, fire, io.fail), complete: io.complete })));
}

/** A class, not an object literal of closures: see `fuseStages` for why. */
class HoldingStage implements Stage {
  constructor(
    private readonly ctx: OperatorContext,
    private readonly io: StageIO,
    private readonly holder: Holder,
  ) {}

  next(event: TremoloEvent): void {
    try {
      this.holder.next(event);
    } catch (err) {
      this.ctx.error(event, isRuntimeError(err) ? err.code : 'ERR_OPERATOR_FAILED', reason(err));
    }
  }

  complete(): void {
    if (this.holder.flush?.() !== 'later') this.io.complete();
  }

  stop(): void {
    this.holder.stop?.();
  }
}
