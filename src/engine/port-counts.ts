/**
 * Events through each port of a connector, in and out, for the status API and metrics. Counted on
 * every event: each port's count is an object found by the port name and bumped in place, so no
 * key string or record is built per event.
 */
export class PortCounts {
  readonly #in = new Map<string, { n: number }>();
  readonly #out = new Map<string, { n: number }>();

  /** One more event written to the connector's input `port`. */
  countIn(port: string): void {
    bump(this.#in, port);
  }

  /** One more event the connector sent on its output `port`. */
  countOut(port: string): void {
    bump(this.#out, port);
  }

  /** The counts as the status API shows them: `{ in: { port: n }, out: { port: n } }`. */
  snapshot(): { in: Record<string, number>; out: Record<string, number> } {
    const ports = { in: {} as Record<string, number>, out: {} as Record<string, number> };
    for (const [port, count] of this.#in) ports.in[port] = count.n;
    for (const [port, count] of this.#out) ports.out[port] = count.n;
    return ports;
  }
}

function bump(counts: Map<string, { n: number }>, port: string): void {
  const count = counts.get(port);
  if (count !== undefined) count.n++;
  else counts.set(port, { n: 1 });
}
