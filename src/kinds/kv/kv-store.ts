import { compareUtf8 } from '../../sdk/utf8-order.js';

/**
 * The kv connector's data: string keys to values, in memory. Scans go in key order, the order of
 * the keys' UTF-8 bytes (code points), as in Tremor's sled-backed store, whatever the insertion order.
 */
export class KvStore {
  readonly #values = new Map<string, unknown>();
  /** The keys in order, built by the first scan after a key was added or removed. */
  #sorted: string[] | undefined;

  get size(): number {
    return this.#values.size;
  }

  /** The value, or undefined when the key is absent (a stored null is null). */
  get(key: string): unknown {
    return this.#values.get(key);
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** Stores the value (undefined stores null) and returns the previous one, undefined if none. */
  set(key: string, value: unknown): unknown {
    const previous = this.#values.get(key);
    if (previous === undefined && !this.#values.has(key)) this.#sorted = undefined;
    this.#values.set(key, value === undefined ? null : value);
    return previous;
  }

  /** Removes the key and returns its value, undefined if it was absent. */
  delete(key: string): unknown {
    const previous = this.#values.get(key);
    if (this.#values.delete(key)) this.#sorted = undefined;
    return previous;
  }

  /** The entries with start <= key < end (end absent: to the last), in key order. */
  scan(start: string, end?: string): [string, unknown][] {
    const keys = this.#keys();
    const out: [string, unknown][] = [];
    for (let i = lowerBound(keys, start); i < keys.length; i++) {
      const key = keys[i]!;
      if (end !== undefined && compareUtf8(key, end) >= 0) break;
      out.push([key, this.#values.get(key)]);
    }
    return out;
  }

  /** Every entry, in key order (a snapshot of the store). */
  entries(): [string, unknown][] {
    return this.scan('');
  }

  #keys(): string[] {
    this.#sorted ??= [...this.#values.keys()].sort(compareUtf8);
    return this.#sorted;
  }
}

/** The first index whose key is >= `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
