import type http from 'node:http';
import type { Flow } from '../../../engine/flow.js';
import { Sampler } from './snapshot.js';

export interface FeedOptions {
  /** How often the figures are sent. Default 1000 ms. */
  readonly intervalMs?: number;
  /** Pages open at once; more are answered 503. Default 16. */
  readonly maxClients?: number;
}

/**
 * `/graph/events`: the live figures as Server-Sent Events, one JSON snapshot per interval (the
 * browser's EventSource reconnects by itself). A plain GET, so the status API's checks apply to it
 * as to any route. One snapshot is taken per tick for every page at once, and only while a page is
 * open; a page that does not read is skipped until it drains, so it holds one snapshot at most.
 */
export class GraphFeed {
  readonly #clients = new Set<http.ServerResponse>();
  readonly #sampler: Sampler;
  readonly #intervalMs: number;
  readonly #maxClients: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(flows: () => readonly Flow[], options: FeedOptions = {}) {
    this.#sampler = new Sampler(flows);
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#maxClients = options.maxClients ?? 16;
  }

  get clients(): number {
    return this.#clients.size;
  }

  open(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.#clients.size >= this.#maxClients) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
      res.end(`${JSON.stringify({ error: `too many graph pages open (at most ${this.#maxClients})` })}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: 2000\n\n${this.#frame()}`);
    this.#clients.add(res);
    const close = (): void => {
      this.#clients.delete(res);
      if (this.#clients.size === 0) this.#stopTimer();
    };
    res.on('close', close);
    req.on('error', close);
    this.#timer ??= setInterval(() => this.#tick(), this.#intervalMs);
    // The API's own server keeps the process alive; the page's timer need not.
    this.#timer.unref();
  }

  /** Ends every open page (the API is stopping). */
  close(): void {
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    this.#stopTimer();
  }

  #frame(): string {
    try {
      return `data: ${JSON.stringify(this.#sampler.take())}\n\n`;
    } catch (err) {
      // A status a connector could not give must not end the feed: the next tick tries again.
      return `event: problem\ndata: ${JSON.stringify({ error: (err as Error).message })}\n\n`;
    }
  }

  #tick(): void {
    const frame = this.#frame();
    for (const res of this.#clients) {
      if (res.destroyed || res.writableEnded) this.#clients.delete(res);
      else if (!res.writableNeedDrain) res.write(frame);
    }
    if (this.#clients.size === 0) this.#stopTimer();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
