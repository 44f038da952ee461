import type { Origin } from '../sdk/event.js';

/** What flow control needs of a connector host: pause and resume one of its streams. */
export interface Pausable {
  pauseStream(stream: number): void;
  resumeStream(stream: number): void;
}

const keyOf = (connector: number, stream: number): string => `${connector}:${stream}`;

/**
 * Pressure from sinks back to sources. A sink target over its high-water mark (a connection's
 * buffered bytes, a file's write buffer) holds the origins of the events it was given: exactly the
 * streams feeding it. For an echo that is the one connection that reads too fast; for a file
 * copied to a socket, the file. Each origin is paused while any target holds it, and resumes when
 * the last one releases it. Nothing here runs per event unless a target is over its mark.
 *
 * An origin whose every path to the sink passes through an operator that absorbs pressure itself
 * (a `backpressure` operator discarding to `overflow`) is not paused: `coupled` says so.
 *
 * A stream whose events carry another stream's origins (a gateway's upstream answering for one
 * browser) stands in for that origin: pressure on the origin pauses it too, and a sink that the
 * origin does not feed but the stand-in does (the browser's own connection, written by the
 * upstream) holds the stand-in alone. A stream is paused while it is held itself or any origin
 * it stands in for is.
 */
export class FlowControl {
  readonly #holders = new Map<string, Set<string>>();
  readonly #counts = new Map<string, number>();
  readonly #origins = new Map<string, Origin>();
  readonly #holding = new Map<number, number>();
  /** origin → the streams answering on its behalf, by key. */
  readonly #standIns = new Map<string, Map<string, Origin>>();
  /** stand-in → the origins it answers for. */
  readonly #standsFor = new Map<string, Set<string>>();
  /** How many times an origin was paused, for status and tests. */
  pauses = 0;

  constructor(
    private readonly hosts: (connector: number) => Pausable | undefined,
    private readonly coupled: (source: number, sink: number) => boolean = () => true,
  ) {}

  hold(connector: number, target: string, origins: readonly Origin[]): void {
    const holder = `${connector}:${target}`;
    let held = this.#holders.get(holder);
    if (held === undefined) {
      held = new Set();
      this.#holders.set(holder, held);
      this.#holding.set(connector, (this.#holding.get(connector) ?? 0) + 1);
    }
    for (const origin of origins) {
      if (this.coupled(origin.connector, connector)) {
        this.#hold(held, origin);
        continue;
      }
      // The origin does not feed this sink: a stream answering for it does, and produces these
      // events. It alone is held; the origin goes on (a browser may still send to its upstream).
      const standIns = this.#standIns.get(keyOf(origin.connector, origin.stream));
      if (standIns === undefined) continue;
      for (const standIn of standIns.values()) if (this.coupled(standIn.connector, connector)) this.#hold(held, standIn);
    }
  }

  #hold(held: Set<string>, origin: Origin): void {
    const key = keyOf(origin.connector, origin.stream);
    if (held.has(key)) return;
    held.add(key);
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (count > 1) return;
    this.#origins.set(key, origin);
    this.pauses++;
    if (!this.#heldFor(key)) this.hosts(origin.connector)?.pauseStream(origin.stream);
    for (const [standInKey, standIn] of this.#standIns.get(key) ?? []) {
      if (!this.#counts.has(standInKey) && !this.#heldFor(standInKey, key)) this.hosts(standIn.connector)?.pauseStream(standIn.stream);
    }
  }

  release(connector: number, target: string): void {
    const holder = `${connector}:${target}`;
    const held = this.#holders.get(holder);
    if (held === undefined) return;
    this.#holders.delete(holder);
    const left = (this.#holding.get(connector) ?? 1) - 1;
    if (left > 0) this.#holding.set(connector, left);
    else this.#holding.delete(connector);
    for (const key of held) {
      const count = (this.#counts.get(key) ?? 1) - 1;
      if (count > 0) {
        this.#counts.set(key, count);
        continue;
      }
      this.#counts.delete(key);
      const origin = this.#origins.get(key)!;
      this.#origins.delete(key);
      if (!this.#heldFor(key)) this.hosts(origin.connector)?.resumeStream(origin.stream);
      for (const [standInKey, standIn] of this.#standIns.get(key) ?? []) {
        if (!this.#counts.has(standInKey) && !this.#heldFor(standInKey)) this.hosts(standIn.connector)?.resumeStream(standIn.stream);
      }
    }
  }

  /** Whether an origin that `key` stands in for (other than `except`) is held, which keeps `key` paused. */
  #heldFor(key: string, except?: string): boolean {
    for (const origin of this.#standsFor.get(key) ?? []) if (origin !== except && this.#counts.has(origin)) return true;
    return false;
  }

  /**
   * A stream whose events carry another stream's origins (a per-stream client answering for a
   * browser) stands in for it, until `removeStandIn`. One opened while its origin is held starts
   * paused.
   */
  addStandIn(origin: Origin, connector: number, stream: number): void {
    const key = keyOf(origin.connector, origin.stream);
    const standInKey = keyOf(connector, stream);
    let set = this.#standIns.get(key);
    if (set === undefined) this.#standIns.set(key, (set = new Map()));
    set.set(standInKey, { connector, stream });
    let origins = this.#standsFor.get(standInKey);
    if (origins === undefined) this.#standsFor.set(standInKey, (origins = new Set()));
    origins.add(key);
    if (this.#counts.has(key)) this.hosts(connector)?.pauseStream(stream);
  }

  removeStandIn(origin: Origin, connector: number, stream: number): void {
    const key = keyOf(origin.connector, origin.stream);
    const standInKey = keyOf(connector, stream);
    const set = this.#standIns.get(key);
    if (set !== undefined) {
      set.delete(standInKey);
      if (set.size === 0) this.#standIns.delete(key);
    }
    const origins = this.#standsFor.get(standInKey);
    if (origins !== undefined) {
      origins.delete(key);
      if (origins.size === 0) this.#standsFor.delete(standInKey);
    }
  }

  /** Whether a sink connector has any target over its high-water mark. */
  isHolding(connector: number): boolean {
    return this.#holding.has(connector);
  }

  /** Holders currently pausing something, for status and tests. */
  get holders(): string[] {
    return [...this.#holders.keys()];
  }

  /** Whether a stream is paused by flow control: held itself, or standing in for a held origin. */
  isPaused(origin: Origin): boolean {
    const key = keyOf(origin.connector, origin.stream);
    return this.#counts.has(key) || this.#heldFor(key);
  }
}
