import type { Meta } from '../../sdk/event.js';

/** What an expression can read while it is evaluated: one object per evaluation, built by the caller. */
export interface EvalContext {
  /** The event's data (root `event`). */
  event: unknown;
  /** The event's metadata (root `$`). */
  meta: Meta;
  /** The pipeline's args (root `args`). */
  args: Readonly<Record<string, unknown>>;
  /** The value that lives across events (root `state`): the operator's, or one it shares; null when absent. */
  state?: unknown;
  /** The current window group key (root `group`); null when absent. */
  group?: unknown;
  /** The values of the names comprehensions bind, by slot; created by the first comprehension evaluated. */
  locals?: unknown[];
}

export interface Expression {
  readonly source: string;
  /** True when the expression reads no event, meta, state or group (a constant given the args). */
  readonly constant: boolean;
  evaluate(ctx: EvalContext): unknown;
}

/** An assignable path such as `event.a.b`, `$.x.y`, `event[0]` for set/remove/rename operators. */
export interface PathExpression {
  readonly source: string;
  readonly root: 'event' | 'meta';
  readonly segments: readonly (string | number)[];
  get(ctx: EvalContext): unknown;
  /**
   * Returns the NEW root value with the path set, copying only the records/arrays along the path
   * (events are immutable; never mutate the input). Creates missing records along the way.
   */
  set(root: unknown, value: unknown): unknown;
  /** Returns the new root with the key removed (copy-on-write likewise); unchanged root if absent. */
  remove(root: unknown): unknown;
}

/** A compiled node: one closure per node of the syntax tree, called once per evaluation. */
export type Evaluator = (ctx: EvalContext) => unknown;
