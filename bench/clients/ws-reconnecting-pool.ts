/**
 * The hand-written reference of the reconnect storm: N `ws` clients, each on its own path
 * (/c0 … /cN-1), sending a numbered tick every interval (`{"onramp":"metronome","ingest_ns","id"}`,
 * what tremolo's metronome makes), holding ticks in a bounded queue while disconnected and sending
 * them in order once back. Reconnects follow tremolo's policy (randomised exponential backoff from
 * --retry-ms, growth 1.5, capped at --max-retry-ms; a connection that lasted at least --retry-ms
 * retries at once), so that the two sides differ by their implementation, not by their policy.
 *
 *   node --import tsx bench/clients/ws-reconnecting-pool.ts --url ws://127.0.0.1:PORT --clients 1000 --tick-ms 100
 *
 * Prints "connected" once every client is connected the first time. SIGTERM stops the ticks,
 * flushes, closes every connection with 1000 and exits.
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { exitWithParent } from '../servers/lifetime.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    clients: { type: 'string', default: '1000' },
    'tick-ms': { type: 'string', default: '100' },
    'retry-ms': { type: 'string', default: '50' },
    'max-retry-ms': { type: 'string', default: '1000' },
    'queue-max': { type: 'string', default: '1000' },
  },
});
const base = values.url!;
const clients = Number(values.clients);
const retryMs = Number(values['retry-ms']);
const maxRetryMs = Number(values['max-retry-ms']);
const queueMax = Number(values['queue-max']);

class Client {
  ws: WebSocket | undefined;
  open = false;
  wait = 0;
  connectedAt = 0;
  stopping = false;
  readonly queue: string[] = [];

  constructor(readonly url: string) {}

  connect(): void {
    const ws = new WebSocket(this.url, { perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => {
      this.open = true;
      this.wait = 0;
      this.connectedAt = performance.now();
      for (const message of this.queue.splice(0)) ws.send(message);
      onConnected();
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      const wasOpen = this.open;
      this.open = false;
      if (this.stopping) return;
      // A connection that lived long enough starts the policy over, with an attempt at once.
      if (wasOpen && performance.now() - this.connectedAt >= retryMs) {
        this.wait = 0;
        this.connect();
        return;
      }
      this.wait = this.wait === 0 ? retryMs : Math.min(maxRetryMs, this.wait + Math.random() * (this.wait * 1.5 - this.wait));
      setTimeout(() => this.connect(), Math.round(this.wait));
    });
  }

  send(message: string): void {
    if (this.open && this.ws?.readyState === WebSocket.OPEN) this.ws.send(message);
    else if (this.queue.length < queueMax) this.queue.push(message);
  }
}

const pool = Array.from({ length: clients }, (_, i) => new Client(`${base}/c${i}`));
let firstConnected = 0;
let announced = false;
function onConnected(): void {
  if (announced) return;
  firstConnected++;
  if (firstConnected === clients) {
    announced = true;
    process.stdout.write('connected\n');
  }
}

let id = 0;
const anchorNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
const ticker = setInterval(() => {
  const message = JSON.stringify({ onramp: 'metronome', ingest_ns: Number(anchorNs + process.hrtime.bigint()), id: id++ });
  for (const c of pool) c.send(message);
}, Number(values['tick-ms']));
for (const c of pool) c.connect();

exitWithParent(async () => {
  clearInterval(ticker);
  for (const c of pool) c.stopping = true;
  await Promise.all(
    pool.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws === undefined || c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(1000, 'stopping');
          setTimeout(() => resolve(), 1000).unref();
        }),
    ),
  );
});
