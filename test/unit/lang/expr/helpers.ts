import * as assert from 'uvu/assert';
import { compile, type EvalContext } from '../../../../src/lang/expr/index.js';
import { RuntimeError } from '../../../../src/sdk/errors.js';

/** A context with the given event; meta, args, state and group as given or empty. */
export const ctx = (event: unknown = null, rest: Partial<EvalContext> = {}): EvalContext => ({ event, meta: {}, args: {}, ...rest });

/** Compiles and evaluates in one go. */
export const run = (source: string, context: EvalContext = ctx()): unknown => compile(source).evaluate(context);

function caught(f: () => unknown): RuntimeError {
  let error: unknown;
  try {
    f();
  } catch (err) {
    error = err;
  }
  if (!(error instanceof RuntimeError)) assert.unreachable(`expected a RuntimeError, got ${String(error)}`);
  return error as RuntimeError;
}

/** Asserts that compiling `source` fails with exactly this syntax error. */
export function syntaxError(source: string, message: string, offset: number): void {
  const err = caught(() => compile(source));
  assert.is(err.code, 'ERR_EXPR_SYNTAX');
  assert.is(err.message, message);
  assert.equal(err.details, { offset });
}

/** Asserts that `source` compiles but evaluating it fails with exactly this message. */
export function evalError(source: string, message: string, context: EvalContext = ctx()): void {
  const expr = compile(source);
  const err = caught(() => expr.evaluate(context));
  assert.is(err.code, 'ERR_EXPR_EVAL');
  assert.is(err.message, message);
}

/** Asserts any thrown RuntimeError's code and message. */
export function throws(f: () => unknown, code: string, message: string): void {
  const err = caught(f);
  assert.is(err.code, code);
  assert.is(err.message, message);
}

/** The engine's own message for an invalid pattern, which messages quote and which varies by Node version. */
export function regexProblem(pattern: string): string {
  try {
    new RegExp(pattern);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}
