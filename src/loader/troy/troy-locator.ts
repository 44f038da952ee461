import type { Locator, PathKey, Position } from '../../lang/source/locate.js';
import type { Place } from '../../lang/troy/errors.js';

const join = (path: PathKey): string => path.join('\u0000');

/**
 * Places in the .troy text of the paths of the JSON5 flow it compiles to, so that the flow loader's
 * problems (found in the JSON5 shape) point at the .troy line and column that wrote the value. A
 * path with no place of its own takes its nearest enclosing path's: a problem deep inside an
 * operator's config points at the Trickle statement that made the operator.
 */
export class TroyLocator implements Locator {
  readonly #values = new Map<string, Position>();
  readonly #keys = new Map<string, Position>();

  constructor(
    /** Only places in this file are recorded: the loader names this file in its messages. */
    private readonly file: string,
  ) {}

  mark(path: PathKey, at: Place, what: 'key' | 'value'): void {
    if (at.file !== this.file) return;
    const map = what === 'key' ? this.#keys : this.#values;
    const k = join(path);
    if (!map.has(k)) map.set(k, { line: at.line, column: at.column });
  }

  #nearest(path: PathKey): Position {
    for (let n = path.length; n >= 0; n--) {
      const found = this.#values.get(join(path.slice(0, n)));
      if (found) return found;
    }
    return { line: 1, column: 1 };
  }

  value(path: PathKey): Position {
    return this.#values.get(join(path)) ?? this.#nearest(path);
  }

  key(path: PathKey): Position {
    return this.#keys.get(join(path)) ?? this.value(path);
  }
}
