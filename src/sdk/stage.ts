import { Observable, type OperatorFunction } from 'rxjs';
import type { TremoloEvent } from './event.js';

/**
 * An operator's per-event logic as a plain object, one per subscription. Every built-in operator
 * is a stage wrapped as an RxJS operator; the pipeline, when a chain is made only of stages, calls
 * them directly one after the other (no Observable or Subscriber between them), which is the bulk
 * of what a per-event hop costs. Either way the semantics are the RxJS ones: `complete` flushes,
 * `stop` (unsubscribe) cancels, `fail` is an Observable error.
 */
export interface Stage {
  next(event: TremoloEvent): void;
  /** The input completed: hand over what is held, then complete downstream. */
  complete(): void;
  /** Unsubscribed (or restarted): cancel timers. */
  stop(): void;
}

/** What a stage sends its events to: the next stage of a chain, a port, or an RxJS subscriber. */
export interface StageTarget {
  next(event: TremoloEvent): void;
}

export interface StageIO {
  /**
   * The main output as an object: `out.next(event)` is a call of a method V8 knows, the next
   * stage's or the port's, however many pipelines the process runs (see `fuseStages`).
   */
  readonly out: StageTarget;
  /** `out.next` as a function, for code that hands it around. */
  emit(event: TremoloEvent): void;
  complete(): void;
  /** A bug in the operator (a throw in a timer): the chain is restarted with fresh state. */
  fail(err: unknown): void;
}

export type StageFactory = (io: StageIO) => Stage;

const STAGE = Symbol('tremolo.stage');
type Staged = OperatorFunction<TremoloEvent, TremoloEvent> & { [STAGE]?: StageFactory };

/** The RxJS operator of a stage, carrying the stage so that a pipeline can fuse it. */
export function stageOperator(factory: StageFactory): OperatorFunction<TremoloEvent, TremoloEvent> {
  const op: Staged = (source) =>
    new Observable<TremoloEvent>((subscriber) => {
      const stage = factory({
        out: subscriber,
        emit: (event) => subscriber.next(event),
        complete: () => subscriber.complete(),
        fail: (err) => subscriber.error(err),
      });
      const subscription = source.subscribe({
        next: (event) => stage.next(event),
        error: (err) => subscriber.error(err),
        complete: () => stage.complete(),
      });
      return () => {
        subscription.unsubscribe();
        stage.stop();
      };
    });
  op[STAGE] = factory;
  return op;
}

export const stageOf = (op: OperatorFunction<TremoloEvent, TremoloEvent>): StageFactory | undefined => (op as Staged)[STAGE];
