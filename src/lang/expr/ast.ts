/**
 * The parsed form of an expression. Every node keeps its span in the source so that load-time
 * checks (unknown function, arity, regex placement) and run-time messages can point at it.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type Root = 'event' | 'meta' | 'args' | 'state' | 'group';

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '~=';

export type Node =
  | (Span & { readonly kind: 'literal'; readonly value: unknown })
  | (Span & { readonly kind: 'regex'; readonly regex: RegExp })
  | (Span & { readonly kind: 'array'; readonly items: readonly Node[] })
  | (Span & { readonly kind: 'record'; readonly entries: readonly RecordEntry[] })
  | (Span & { readonly kind: 'root'; readonly root: Root })
  /** `.name`, or `[expr]` (a literal key in brackets stays an index node whose key is a literal). */
  | (Span & { readonly kind: 'field'; readonly object: Node; readonly name: string })
  | (Span & { readonly kind: 'index'; readonly object: Node; readonly index: Node })
  | (Span & { readonly kind: 'call'; readonly name: string; readonly args: readonly Node[] })
  | (Span & { readonly kind: 'negate'; readonly operand: Node })
  | (Span & { readonly kind: 'not'; readonly operand: Node })
  | (Span & { readonly kind: 'and' | 'or'; readonly left: Node; readonly right: Node })
  | (Span & { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Node; readonly right: Node; readonly opStart: number })
  | (Span & { readonly kind: 'conditional'; readonly test: Node; readonly then: Node; readonly otherwise: Node })
  /** A name bound by an enclosing comprehension (`x` in `[x * 2 for x in event.list]`). */
  | (Span & { readonly kind: 'name'; readonly name: string })
  /**
   * `[body for value in iterable if filter]`, or `for key, value in ...`: the body's value for each
   * item of an array (key: its index) or each field of a record (key: its name) that passes the filter.
   */
  | (Span & { readonly kind: 'for'; readonly names: readonly string[]; readonly iterable: Node; readonly filter: Node | undefined; readonly body: Node });

export interface RecordEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: Node;
}

/** How each root is written; a Map, so that `toString` and friends are not roots. */
export const ROOT_NAMES: ReadonlyMap<string, Root> = new Map<string, Root>([
  ['event', 'event'],
  ['$', 'meta'],
  ['args', 'args'],
  ['state', 'state'],
  ['group', 'group'],
]);
