import { inFile, substitute, type Scope } from './args.js';
import type { PathKey } from '../lang/source/locate.js';
import type { LoadedFile } from './modules.js';
import type { Problems } from './problems.js';

/**
 * An instance made `from` a definition is the definition with the instance's keys laid over it
 * (`config` merged key by key). Each value remembers the file and path it was written at, so a
 * problem in the merged result is reported where the offending text is.
 */
export interface Layer {
  readonly entry: Readonly<Record<string, unknown>>;
  readonly file: LoadedFile;
  /** Where the entry is written in its file, e.g. `['connectors', 'console']`. */
  readonly path: PathKey;
}

export interface Merged {
  readonly value: Record<string, unknown>;
  /** Reports a problem at a path of the merged entry, in the file that wrote it. */
  report(problems: Problems, code: Parameters<Problems['add']>[0], path: PathKey, message: string, at?: 'key' | 'value'): void;
}

/** Keys merged one level deep rather than replaced. */
const MERGED_KEYS = new Set(['config']);
/** Keys that belong to the layering itself, not to the result. */
const LAYER_KEYS = new Set(['from', 'args', 'description']);

export function mergeLayers(layers: readonly Layer[], scopes: readonly Scope[], problems: Problems): Merged {
  const value: Record<string, unknown> = {};
  const owner = new Map<string, Layer>();
  layers.forEach((layer, i) => {
    const scope = inFile(scopes[i]!, layer.file.dir);
    const substituted = substitute(layer.entry, scope, problems.substitution('ERR_ARG_INVALID', layer.file, layer.path)) as Record<string, unknown>;
    for (const [key, v] of Object.entries(substituted)) {
      if (LAYER_KEYS.has(key)) continue;
      if (MERGED_KEYS.has(key) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const into = (value[key] ??= {}) as Record<string, unknown>;
        for (const [inner, iv] of Object.entries(v)) {
          into[inner] = iv;
          owner.set(`${key}\u0000${inner}`, layer);
        }
        owner.set(key, owner.get(key) ?? layer);
      } else {
        value[key] = v;
        owner.set(key, layer);
      }
    }
  });
  const last = layers[layers.length - 1]!;
  return {
    value,
    report(problems, code, path, message, at = 'value') {
      const [first, second] = path;
      const layer =
        (first !== undefined && second !== undefined && owner.get(`${String(first)}\u0000${String(second)}`)) ||
        (first !== undefined && owner.get(String(first))) ||
        last;
      problems.add(code, layer.file, [...layer.path, ...path], message, at);
    },
  };
}
