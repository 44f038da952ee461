import * as assert from 'uvu/assert';
import { compileRql, type RqlContext } from '../../rql/index.js';
import { RuntimeError } from 'tremolo';

/** Compiles and matches in one go. */
export const matches = (source: string, value: unknown, ctx?: RqlContext): boolean => compileRql(source).matches(value, ctx);

/** Asserts which of `values` the filter keeps. */
export function keeps(source: string, values: readonly unknown[], expected: readonly unknown[], ctx?: RqlContext): void {
  const filter = compileRql(source);
  assert.equal(
    values.filter((v) => filter.matches(v, ctx)),
    expected,
    source,
  );
}

/** Asserts that compiling `source` fails with exactly this message and offset. */
export function syntaxError(source: string, message: string, offset: number): void {
  let error: unknown;
  try {
    compileRql(source);
  } catch (err) {
    error = err;
  }
  if (!(error instanceof RuntimeError)) assert.unreachable(`expected a RuntimeError for ${JSON.stringify(source)}, got ${String(error)}`);
  const err = error as RuntimeError;
  assert.is(err.code, 'ERR_EXPR_SYNTAX', source);
  assert.is(err.message, message, source);
  assert.equal(err.details, { offset }, source);
}
