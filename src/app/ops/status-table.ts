import { paint, stripColors, type Style } from '../../sdk/colors.js';
import type { Flow } from '../../engine/flow.js';
import { connectionsOf, sum } from './connector-figures.js';

/**
 * `tremolo run --status`: a table of connectors: run state (running, paused, stopped, failed),
 * link (listening, connected, connecting, retrying, gave up), connections, events/s in and out,
 * errors. On a terminal it stays below the log: it is redrawn in place every second, and a log
 * line erases it, is printed where it stood, and the table is drawn again under it, so log lines
 * scroll above it and none is overwritten. Elsewhere (a pipe, a file) it is printed as lines
 * every 10 s between the log lines.
 */
export interface Row {
  readonly name: string;
  readonly kind: string;
  /** What the connector does: starting, running, paused, stopping, stopped, failed. */
  readonly state: string;
  /** Whether it can reach its peer: listening (a server), connected, connecting, retrying, gave up, closed; `-` when it has none. */
  readonly link: string;
  readonly connections: string;
  readonly inRate: string;
  readonly outRate: string;
  readonly errors: string;
}

export interface StatusTableOptions {
  /** Colour the states (the CLI decides, as for log lines). */
  readonly color?: boolean;
  /** Off a terminal, hands the rows over (to a JSON log line, say) instead of printing the table. */
  readonly report?: (rows: Row[]) => void;
}

const LINKS: Record<string, string> = { idle: 'idle', connecting: 'connecting', connected: 'connected', waiting: 'retrying', failed: 'gave up', stopped: 'closed' };

const STYLES: Record<string, Style> = { running: 'green', paused: 'yellow', stopping: 'yellow', starting: 'yellow', stopped: 'dim', failed: 'red', connected: 'green', listening: 'green', connecting: 'yellow', retrying: 'yellow', 'gave up': 'red', closed: 'dim' };

function runState(flowState: string, connectorState: unknown, connectivity: unknown): string {
  if (flowState === 'deploying') return 'starting';
  if (flowState === 'stopping' || flowState === 'stopped' || flowState === 'failed') return flowState;
  if (connectivity === 'failed') return 'failed';
  if (connectivity === 'stopped') return 'stopped';
  return connectorState === 'paused' ? 'paused' : 'running';
}

function link(connectivity: unknown, address: unknown): string {
  if (connectivity === 'server') return typeof address === 'string' ? 'listening' : '-';
  return LINKS[String(connectivity)] ?? String(connectivity);
}

export class StatusTable {
  #last = new Map<string, { at: number; in: number; out: number }>();
  /** The lines on screen now (a terminal only), to erase and to draw again after a log line. */
  #shown: string[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly flows: () => readonly Flow[],
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly options: StatusTableOptions = {},
  ) {}

  rows(now = performance.now()): Row[] {
    const rows: Row[] = [];
    for (const flow of this.flows()) {
      const status = flow.status();
      for (const c of status.connectors) {
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
          state: runState(status.state, c.state, c.connectivity),
          link: link(c.connectivity, c.address),
          connections: String(connectionsOf(c) ?? '-'),
          inRate: rate(inCount, prev?.in),
          outRate: rate(outCount, prev?.out),
          errors: String(ports.out.err ?? 0),
        });
      }
    }
    return rows;
  }

  render(rows: readonly Row[]): string[] {
    const head = ['connector', 'kind', 'state', 'link', 'conns', 'in/s', 'out/s', 'errors'];
    const cells = rows.map((r) => [r.name, r.kind, r.state, r.link, r.connections, r.inRate, r.outRate, r.errors]);
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const color = this.options.color === true;
    const cell = (x: string, i: number, heading: boolean): string => {
      const padded = i >= 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!);
      if (!color) return padded;
      if (heading) return paint('bold', padded);
      const style = i === 2 || i === 3 ? STYLES[x] : i === 7 && x !== '0' ? 'red' : undefined;
      return style === undefined ? padded : paint(style, padded);
    };
    const line = (c: string[], heading = false): string => c.map((x, i) => cell(x, i, heading)).join('  ').trimEnd();
    return [line(head, true), ...cells.map((c) => line(c))];
  }

  /** Draws the table once: in place on a terminal, as new lines otherwise. */
  draw(): void {
    const rows = this.rows();
    if (this.out.isTTY !== true && this.options.report !== undefined) {
      this.options.report(rows);
      return;
    }
    const lines = this.render(rows);
    if (this.out.isTTY !== true) {
      this.out.write(`${lines.join('\n')}\n`);
      return;
    }
    const shown = this.#fit(lines);
    this.out.write(`${this.#erase()}${shown.join('\n')}\n`);
    this.#shown = shown;
  }

  /**
   * Writes log text where the table stands and the table again below it (a terminal), or just
   * the text. The logger's sink while the table runs.
   */
  above(text: string): void {
    if (this.#shown.length === 0) {
      this.out.write(`${text}\n`);
      return;
    }
    // One write, so the terminal never shows the table half erased.
    this.out.write(`${this.#erase()}${text}\n${this.#shown.join('\n')}\n`);
  }

  /** Redraws every second on a terminal, every `periodMs` otherwise; returns the stop function. */
  start(periodMs = this.out.isTTY === true ? 1000 : 10_000): () => void {
    this.rows();
    this.#timer = setInterval(() => this.draw(), periodMs);
    return () => this.stop();
  }

  /** Stops redrawing; the last table stays on screen and later lines go below it. */
  stop(): void {
    clearInterval(this.#timer);
    this.#shown = [];
  }

  /** Moves to the first line of the table and clears from there down. */
  #erase(): string {
    return this.#shown.length === 0 ? '' : `\r\u001b[${this.#shown.length}A\u001b[0J`;
  }

  /**
   * Lines cut to the terminal's width and the table to its height: a wrapped line or a table
   * taller than the screen would leave the cursor-up count wrong and the table smeared.
   */
  #fit(lines: string[]): string[] {
    const columns = this.out.columns ?? 80;
    const height = Math.max(2, (this.out.rows ?? 24) - 1);
    const cut = lines.map((l) => (stripColors(l).length < columns ? l : `${stripColors(l).slice(0, columns - 2)}…`));
    if (cut.length <= height) return cut;
    return [...cut.slice(0, height - 1), `… and ${cut.length - height + 1} more connectors`];
  }
}
