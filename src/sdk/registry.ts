import { RuntimeError } from './errors.js';
import { didYouMean } from './suggest.js';

/**
 * One registry per kind of definition (connectors, codecs, processors, operators, server extensions). Built-ins fill the
 * root registries through the same define helpers users call; a flow that loads code modules gets a
 * child registry, so a custom kind is visible to that flow only.
 */
export class Registry<T> {
  readonly #entries = new Map<string, T>();

  constructor(
    /** What the registry holds, for messages: "connector type", "codec", ... */
    readonly what: string,
    readonly keyOf: (def: T) => string,
    readonly parent?: Registry<T>,
  ) {}

  register(def: T): this {
    const name = this.keyOf(def);
    if (this.has(name)) {
      throw new RuntimeError('ERR_KIND_DUPLICATE', `${this.what} ${JSON.stringify(name)} is already defined`);
    }
    this.#entries.set(name, def);
    return this;
  }

  has(name: string): boolean {
    return this.#entries.has(name) || (this.parent?.has(name) ?? false);
  }

  find(name: string): T | undefined {
    return this.#entries.get(name) ?? this.parent?.find(name);
  }

  /** The definition, or an ERR_KIND_UNKNOWN error that lists the known names. */
  get(name: string): T {
    const def = this.find(name);
    if (def === undefined) throw new RuntimeError('ERR_KIND_UNKNOWN', this.unknownMessage(name));
    return def;
  }

  unknownMessage(name: string): string {
    const names = this.names();
    return `unknown ${this.what} ${JSON.stringify(name)}; ${didYouMean(name, names)}known: ${names.join(', ')}`;
  }

  names(): string[] {
    const names = new Set(this.parent?.names() ?? []);
    for (const name of this.#entries.keys()) names.add(name);
    return [...names].sort();
  }

  values(): T[] {
    return this.names().map((n) => this.get(n));
  }

  child(): Registry<T> {
    return new Registry(this.what, this.keyOf, this);
  }
}
