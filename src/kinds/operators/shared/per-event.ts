import type { OperatorFunction } from 'rxjs';
import type { EvalContext } from '../../../lang/expr/index.js';
import { isRuntimeError, reason, RuntimeError } from '../../../sdk/errors.js';
import type { TremoloEvent } from '../../../sdk/event.js';
import type { OperatorContext, StateCell } from '../../../sdk/operator-api.js';
import { stageOperator, type Stage, type StageIO, type StageTarget } from '../../../sdk/stage.js';
import { typeText } from './type-text.js';

/**
 * An RxJS operator from a per-event function: `step(event, emit)` sends zero or more events on the
 * main output. A throw sends that event to `err` with the reason and the stream goes on (errors
 * flow as values); unsubscribing always tears the upstream subscription down.
 */
export function perEvent(
  ctx: OperatorContext,
  step: (event: TremoloEvent, emit: (event: TremoloEvent) => void) => void,
  onComplete?: (emit: (event: TremoloEvent) => void) => void,
): OperatorFunction<TremoloEvent, TremoloEvent> {
  return stageOperator((io) => new PerEventStage(ctx, step, io.emit, onComplete, io));
}

/**
 * `perEvent` for the built-in operators: the step sends with `out.next(event)`, a method V8 knows
 * (the next stage's or the port's), rather than through `emit`, a function made per stage.
 */
export function perEventTo(
  ctx: OperatorContext,
  step: (event: TremoloEvent, out: StageTarget) => void,
  onComplete?: (emit: (event: TremoloEvent) => void) => void,
): OperatorFunction<TremoloEvent, TremoloEvent> {
  return stageOperator((io) => new PerEventStage(ctx, step, io.out, onComplete, io));
}

/** A class, not an object literal of closures: see `fuseStages` for why. */
class PerEventStage<Out> implements Stage {
  constructor(
    private readonly ctx: OperatorContext,
    private readonly step: (event: TremoloEvent, out: Out) => void,
    private readonly out: Out,
    private readonly onComplete: ((emit: (event: TremoloEvent) => void) => void) | undefined,
    private readonly io: StageIO,
  ) {}

  next(event: TremoloEvent): void {
    try {
      this.step(event, this.out);
    } catch (err) {
      this.ctx.error(event, isRuntimeError(err) ? err.code : 'ERR_OPERATOR_FAILED', reason(err));
    }
  }

  complete(): void {
    this.onComplete?.(this.io.emit);
    this.io.complete();
  }

  stop(): void {}
}

/**
 * The context expressions are evaluated in, one per operator instance and reloaded per event: no
 * allocation per event, and one shape for every operator, so a path's read of `ctx.event` sees one.
 */
export class EventScope implements EvalContext {
  event: unknown = null;
  meta: TremoloEvent['meta'] = {};
  group: unknown = null;
  /** Declared here, so a comprehension filling it in does not change the object's shape. */
  locals: unknown[] | undefined = undefined;

  constructor(
    readonly args: Readonly<Record<string, unknown>>,
    /** Read and written through, not copied per event: operators sharing it see each other's writes at once. */
    private readonly cell: StateCell = { value: null },
  ) {}

  get state(): unknown {
    return this.cell.value;
  }

  set state(value: unknown) {
    this.cell.value = value;
  }

  load(event: TremoloEvent): EvalContext {
    this.event = event.data;
    this.meta = event.meta;
    return this;
  }
}

/** One reusable evaluation context per operator instance. */
export const evalContext = (ctx: OperatorContext): EventScope => new EventScope(ctx.args, ctx.state);

/** Conditions are booleans; `null` (a missing path) counts as false. */
export function truth(value: unknown, what: string): boolean {
  if (value === true) return true;
  if (value === false || value === null || value === undefined) return false;
  throw new RuntimeError('ERR_EXPR_EVAL', `${what} must be a boolean, received ${typeText(value)}`);
}
