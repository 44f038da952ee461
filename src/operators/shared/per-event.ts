import type { OperatorFunction } from 'rxjs';
import type { EvalContext } from '../../expr/index.js';
import { isRuntimeError, reason, RuntimeError } from '../../runtime/errors.js';
import type { TremoloEvent } from '../../runtime/event.js';
import type { OperatorContext } from '../../runtime/operator-api.js';
import { stageOperator } from './stage.js';

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
  return stageOperator((io) => ({
    next(event) {
      try {
        step(event, io.emit);
      } catch (err) {
        ctx.error(event, isRuntimeError(err) ? err.code : 'ERR_OPERATOR_FAILED', reason(err));
      }
    },
    complete() {
      onComplete?.(io.emit);
      io.complete();
    },
    stop() {},
  }));
}

/** One reusable evaluation context per operator instance: no allocation per event. */
export function evalContext(ctx: OperatorContext): EvalContext & { load(event: TremoloEvent): EvalContext } {
  const scope = {
    event: null as unknown,
    meta: {} as TremoloEvent['meta'],
    args: ctx.args,
    load(event: TremoloEvent): EvalContext {
      scope.event = event.data;
      scope.meta = event.meta;
      return scope;
    },
  };
  return scope;
}

/** Conditions are booleans; `null` (a missing path) counts as false. */
export function truth(value: unknown, what: string): boolean {
  if (value === true) return true;
  if (value === false || value === null || value === undefined) return false;
  const type = typeof value === 'object' ? (Array.isArray(value) ? 'an array' : 'a record') : `a ${typeof value}`;
  throw new RuntimeError('ERR_EXPR_EVAL', `${what} must be a boolean, received ${type}`);
}
