import type { Flow } from '../runtime/flow.js';

/**
 * `tremolo run --status`: a table of connectors (connectivity, connections, events/s in and out,
 * errors), redrawn in place on a terminal and printed as periodic lines otherwise.
 */
interface Row {
  readonly name: string;
  readonly kind: string;
  readonly state: string;
  readonly connections: string;
  readonly inRate: string;
  readonly outRate: string;
  readonly errors: string;
}

const sum = (ports: Record<string, number> | undefined, skip?: string): number =>
  Object.entries(ports ?? {}).reduce((n, [p, v]) => (p === skip ? n : n + v), 0);

export class StatusTable {
  #last = new Map<string, { at: number; in: number; out: number }>();
  #drawn = 0;

  constructor(
    private readonly flows: () => readonly Flow[],
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  rows(now = performance.now()): Row[] {
    const rows: Row[] = [];
    for (const flow of this.flows()) {
      for (const c of flow.status().connectors) {
        const name = `${flow.id}/${c.alias}`;
        const ports = c.ports as Record<'in' | 'out', Record<string, number>>;
        const inCount = sum(ports.in);
        const outCount = sum(ports.out, 'err');
        const prev = this.#last.get(name);
        this.#last.set(name, { at: now, in: inCount, out: outCount });
        const seconds = prev === undefined ? 0 : (now - prev.at) / 1000;
        const rate = (n: number, p: number | undefined): string => (seconds > 0 && p !== undefined ? ((n - p) / seconds).toFixed(0) : '-');
        rows.push({
          name,
          kind: String(c.kind),
          state: c.state === 'paused' ? 'paused' : String(c.connectivity),
          connections: typeof c.connections === 'number' ? String(c.connections) : typeof c.connected === 'boolean' ? (c.connected ? '1' : '0') : '-',
          inRate: rate(inCount, prev?.in),
          outRate: rate(outCount, prev?.out),
          errors: String(ports.out.err ?? 0),
        });
      }
    }
    return rows;
  }

  render(rows: readonly Row[]): string[] {
    const head = ['connector', 'kind', 'state', 'conns', 'in/s', 'out/s', 'errors'];
    const cells = rows.map((r) => [r.name, r.kind, r.state, r.connections, r.inRate, r.outRate, r.errors]);
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]): string => c.map((x, i) => (i >= 3 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ');
    return [line(head), ...cells.map(line)];
  }

  /** Draws the table once: in place on a terminal, as new lines otherwise. */
  draw(): void {
    const lines = this.render(this.rows());
    if (this.out.isTTY === true) {
      if (this.#drawn > 0) this.out.write(`\u001b[${this.#drawn}A\u001b[0J`);
      this.#drawn = lines.length;
    }
    this.out.write(`${lines.join('\n')}\n`);
  }

  /** Redraws every second on a terminal, every `periodMs` otherwise; returns the stop function. */
  start(periodMs = this.out.isTTY === true ? 1000 : 10_000): () => void {
    this.rows();
    const timer = setInterval(() => this.draw(), periodMs);
    return () => clearInterval(timer);
  }
}
