import type { PathKey } from './locate.js';

/**
 * How deeply records and arrays may nest in a flow or module file (and in a `--arg` value). Every
 * step after parsing (shape checks, substitution, config schemas) walks values recursively, so a
 * deeper file would end in a bare RangeError; real flows stay far below this.
 */
export const MAX_FLOW_DEPTH = 128;

/**
 * The path to the first record or array (in document order) nested more than `max` levels deep,
 * the outermost value being level 1; undefined when there is none. Iterative, since the value may
 * be deeper than the stack.
 */
export function tooDeep(value: unknown, max = MAX_FLOW_DEPTH): PathKey | undefined {
  const stack: { readonly value: unknown; readonly path: PathKey }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= max) return path;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    // Pushed last to first, so the first child is looked at first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (child !== null && typeof child === 'object') stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}

export const tooDeepMessage = (max = MAX_FLOW_DEPTH): string =>
  `records and arrays nested more than ${max} levels deep; expected at most ${max} levels (the limit for flow files)`;
