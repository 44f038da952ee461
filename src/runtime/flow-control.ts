import type { Origin } from './event.js';

/** What flow control needs of a connector host: pause and resume one of its streams. */
export interface Pausable {
  pauseStream(stream: number): void;
  resumeStream(stream: number): void;
}

/**
 * Pressure from sinks back to sources. A sink target over its high-water mark (a connection's
 * buffered bytes, a file's write buffer) holds the origins of the events it was given: exactly the
 * streams feeding it. For an echo that is the one connection that reads too fast; for a file
 * copied to a socket, the file. Each origin is paused while any target holds it, and resumes when
 * the last one releases it. Nothing here runs per event unless a target is over its mark.
 *
 * An origin whose every path to the sink passes through an operator that absorbs pressure itself
 * (a `backpressure` operator discarding to `overflow`) is not paused: `coupled` says so.
 */
export class FlowControl {
  readonly #holders = new Map<string, Set<string>>();
  readonly #counts = new Map<string, number>();
  readonly #origins = new Map<string, Origin>();
  readonly #holding = new Map<number, number>();
  /** origin → the streams answering on its behalf (a gateway's upstream for one browser). */
  readonly #standIns = new Map<string, Set<string>>();
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
      const key = `${origin.connector}:${origin.stream}`;
      if (held.has(key) || !this.coupled(origin.connector, connector)) continue;
      held.add(key);
      const count = (this.#counts.get(key) ?? 0) + 1;
      this.#counts.set(key, count);
      this.#origins.set(key, origin);
      if (count === 1) {
        this.pauses++;
        this.hosts(origin.connector)?.pauseStream(origin.stream);
        for (const standIn of this.#standIns.get(key) ?? []) this.#each(standIn, (h, s) => h.pauseStream(s));
      }
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
      this.hosts(origin.connector)?.resumeStream(origin.stream);
      for (const standIn of this.#standIns.get(key) ?? []) this.#each(standIn, (h, s) => h.resumeStream(s));
    }
  }

  /**
   * A stream whose events carry another stream's origins (a per-stream client answering for a
   * browser) stands in for it: pressure on the origin pauses the stand-in too, since it is what
   * produces the events. Until `removeStandIn`.
   */
  addStandIn(origin: Origin, connector: number, stream: number): void {
    const key = `${origin.connector}:${origin.stream}`;
    let set = this.#standIns.get(key);
    if (set === undefined) this.#standIns.set(key, (set = new Set()));
    set.add(`${connector}:${stream}`);
    if (this.#counts.has(key)) this.hosts(connector)?.pauseStream(stream);
  }

  removeStandIn(origin: Origin, connector: number, stream: number): void {
    const key = `${origin.connector}:${origin.stream}`;
    const set = this.#standIns.get(key);
    if (set === undefined) return;
    set.delete(`${connector}:${stream}`);
    if (set.size === 0) this.#standIns.delete(key);
  }

  #each(standIn: string, act: (host: Pausable, stream: number) => void): void {
    const [connector, stream] = standIn.split(':').map(Number) as [number, number];
    const host = this.hosts(connector);
    if (host !== undefined) act(host, stream);
  }

  /** Whether a sink connector has any target over its high-water mark. */
  isHolding(connector: number): boolean {
    return this.#holding.has(connector);
  }

  /** Holders currently pausing something, for status and tests. */
  get holders(): string[] {
    return [...this.#holders.keys()];
  }

  isPaused(origin: Origin): boolean {
    return this.#counts.has(`${origin.connector}:${origin.stream}`);
  }
}
