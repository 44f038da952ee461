/** The syntax tree of an RQL filter; offsets are 0-based into the source, for messages and tests. */

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** A literal as written: numbers past 2^53 written without a fraction keep every digit as bigint. */
export type LiteralValue = string | number | bigint | boolean | null;

/** What a comparison reads: a Ditto JSON pointer into the value, or a placeholder from the context. */
export type Property =
  | { readonly kind: 'pointer'; readonly text: string; readonly segments: readonly string[]; readonly start: number }
  | { readonly kind: 'placeholder'; readonly name: string; readonly start: number };

/** What a property is compared with: a literal, or a value-side placeholder (`time:now`). */
export type Operand =
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly start: number }
  | { readonly kind: 'placeholder'; readonly name: string; readonly start: number };

export type Query =
  | { readonly kind: 'compare'; readonly op: ComparisonOp; readonly property: Property; readonly operand: Operand; readonly start: number }
  | { readonly kind: 'like'; readonly op: 'like' | 'ilike'; readonly property: Property; readonly pattern: string; readonly start: number }
  | { readonly kind: 'in'; readonly property: Property; readonly operands: readonly Operand[]; readonly start: number }
  | { readonly kind: 'exists' | 'empty'; readonly property: Property; readonly start: number }
  | { readonly kind: 'and' | 'or'; readonly queries: readonly Query[]; readonly start: number }
  | { readonly kind: 'not'; readonly query: Query; readonly start: number };

export const QUERY_NAMES = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'ilike', 'in', 'exists', 'empty', 'and', 'or', 'not'] as const;
