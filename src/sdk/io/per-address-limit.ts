import type { Socket } from 'node:net';

/**
 * Open connections per client address, each held until its socket closes (whatever closes it: the
 * one finaliser of every path). Shared by the servers that take `max_connections_per_ip`.
 */
export class PerAddressLimit {
  readonly #open = new Map<string, number>();

  /** `max` undefined: no limit, and nothing is counted. */
  constructor(readonly max: number | undefined) {}

  /** Whether `socket` may stay: false when its address holds `max` connections already. */
  enter(socket: Socket): boolean {
    if (this.max === undefined) return true;
    const address = socket.remoteAddress ?? '';
    const held = this.#open.get(address) ?? 0;
    if (held >= this.max) return false;
    this.#open.set(address, held + 1);
    socket.once('close', () => {
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left > 0) this.#open.set(address, left);
      else this.#open.delete(address);
    });
    return true;
  }
}
