import type { Evaluator } from './api.js';

/** A node turned into its closure, with what the compiler needs to know to fold and specialise. */
export interface Compiled {
  readonly fn: Evaluator;
  /** Reads event, meta, state or group, or calls a function whose result changes (`now`). */
  readonly dynamic: boolean;
  readonly usesArgs: boolean;
  /** Present when the value is known at compile time. */
  readonly known?: { readonly value: unknown };
}

export const constant = (value: unknown): Compiled => ({ fn: () => value, dynamic: false, usesArgs: false, known: { value } });

/** The flags of a node computed from its children. */
export const derived = (fn: Evaluator, parts: readonly Compiled[], dynamic = false): Compiled => ({
  fn,
  dynamic: dynamic || parts.some((p) => p.dynamic),
  usesArgs: parts.some((p) => p.usesArgs),
});
