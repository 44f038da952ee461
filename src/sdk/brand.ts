/**
 * The define helpers mark what they return, so that a user's code module can export definitions in
 * any way it likes and the loader still tells a connector from a codec. `Symbol.for` makes the mark
 * the same across copies of tremolo (a module importing the published package while tests run the
 * sources, say). The mark is not enumerable: the definition stays the plain object the user wrote.
 */
export type DefinitionKind = 'connector' | 'codec' | 'processor' | 'operator' | 'extension';

export const DEFINITION_KIND = Symbol.for('tremolo.definition-kind');

export function brand<T extends object>(def: T, kind: DefinitionKind): T {
  if (!Object.prototype.hasOwnProperty.call(def, DEFINITION_KIND)) {
    Object.defineProperty(def, DEFINITION_KIND, { value: kind, enumerable: false });
  }
  return def;
}

export const kindOf = (value: unknown): DefinitionKind | undefined =>
  value !== null && typeof value === 'object' ? ((value as Record<symbol, unknown>)[DEFINITION_KIND] as DefinitionKind | undefined) : undefined;
