import type WebSocket from 'ws';
import { z } from 'zod';

export const KeepaliveSchema = {
  ping_interval_ms: z.number().int().min(0).default(30_000).describe('send a ping this often; 0 disables keepalive'),
  pong_timeout_ms: z.number().int().positive().default(10_000).describe('close the connection when no pong arrives within this'),
};

/**
 * Pings a connection and terminates it when a pong does not come back in time, so a half-open
 * TCP peer (cable pulled, NAT forgot us) is noticed instead of looking connected forever.
 * Returns the function that stops it.
 */
export function keepalive(
  ws: WebSocket,
  { ping_interval_ms, pong_timeout_ms }: { ping_interval_ms: number; pong_timeout_ms: number },
  dead: (why: string) => void,
): () => void {
  if (ping_interval_ms === 0) return () => {};
  let deadline: NodeJS.Timeout | undefined;
  const onPong = (): void => {
    clearTimeout(deadline);
    deadline = undefined;
  };
  ws.on('pong', onPong);
  const interval = setInterval(() => {
    if (deadline !== undefined || ws.readyState !== ws.OPEN) return;
    ws.ping();
    deadline = setTimeout(() => {
      dead(`no pong within ${pong_timeout_ms} ms`);
      ws.terminate();
    }, pong_timeout_ms);
  }, ping_interval_ms);
  return () => {
    clearInterval(interval);
    clearTimeout(deadline);
    ws.off('pong', onPong);
  };
}

interface Watched {
  /** When the unanswered ping went out; undefined while none is outstanding. */
  pingedAt: number | undefined;
  lastPing: number;
  readonly key: string;
}

/**
 * Keepalive for a server's many connections from one timer instead of one interval (and two
 * closures) per connection: idle connections are a server's bulk, and a timer each showed in the
 * memory per connection. Each connection is pinged every `ping_interval_ms` and terminated when
 * its pong is `pong_timeout_ms` late, checked at a granularity of the shorter of the two.
 */
export class KeepaliveSweep {
  readonly #watched = new Map<WebSocket, Watched>();
  readonly #interval: number;
  readonly #timeout: number;
  #timer: NodeJS.Timeout | undefined;
  // One listener for every connection: `this` is the socket that got the pong.
  readonly #onPong: (this: WebSocket) => void;

  constructor(
    { ping_interval_ms, pong_timeout_ms }: { ping_interval_ms: number; pong_timeout_ms: number },
    private readonly dead: (key: string, why: string) => void,
  ) {
    this.#interval = ping_interval_ms;
    this.#timeout = pong_timeout_ms;
    const watched = this.#watched;
    this.#onPong = function (this: WebSocket) {
      const w = watched.get(this);
      if (w !== undefined) w.pingedAt = undefined;
    };
  }

  /** Watches a connection, named `key` in what `dead` is told. */
  watch(ws: WebSocket, key: string): void {
    if (this.#interval === 0) return;
    this.#watched.set(ws, { pingedAt: undefined, lastPing: performance.now(), key });
    ws.on('pong', this.#onPong);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#sweep(), Math.min(this.#interval, this.#timeout));
      this.#timer.unref();
    }
  }

  unwatch(ws: WebSocket): void {
    if (!this.#watched.delete(ws)) return;
    ws.off('pong', this.#onPong);
    if (this.#watched.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sweep(): void {
    const now = performance.now();
    for (const [ws, w] of this.#watched) {
      if (w.pingedAt !== undefined) {
        if (now - w.pingedAt < this.#timeout) continue;
        this.#watched.delete(ws);
        ws.off('pong', this.#onPong);
        this.dead(w.key, `no pong within ${this.#timeout} ms`);
        ws.terminate();
      } else if (now - w.lastPing >= this.#interval && ws.readyState === ws.OPEN) {
        w.pingedAt = w.lastPing = now;
        ws.ping();
      }
    }
  }
}
