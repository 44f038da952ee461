import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PeerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Answers it (when the peer holds requests, the test does; otherwise the peer's `reply` has). */
  respond(status: number, headers?: http.OutgoingHttpHeaders, body?: string): void;
}

export interface PeerReply {
  readonly status: number;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string;
}

/** By default: 200 with `{ method, url, body }` as JSON. */
const echo = (r: PeerRequest): PeerReply => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ method: r.method, url: r.url, body: r.body }),
});

/**
 * A bare `node:http` server for http_client tests: records every request, counts those in flight
 * (and the most at once), answers with `reply`, or holds each request until the test answers it.
 */
export class HttpPeer {
  readonly requests: PeerRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  #waiters: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    private readonly options: { hold: boolean; reply: (r: PeerRequest) => PeerReply },
  ) {
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let answered = false;
        const request: PeerRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          respond: (status, headers = {}, body = '') => {
            if (answered) return;
            answered = true;
            this.inFlight--;
            res.writeHead(status, headers);
            res.end(body);
          },
        };
        this.requests.push(request);
        if (!this.options.hold) {
          const r = this.options.reply(request);
          request.respond(r.status, r.headers, r.body);
        }
        this.#wake();
      });
    });
  }

  static async start(options: { hold?: boolean; reply?: (r: PeerRequest) => PeerReply } = {}): Promise<HttpPeer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new HttpPeer(server, { hold: options.hold ?? false, reply: options.reply ?? echo });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` requests have arrived in all. */
  waitRequests(count: number, timeoutMs = 2000): Promise<PeerRequest[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the peer received ${this.requests.length} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
      const check = (): void => {
        if (this.requests.length >= count) {
          clearTimeout(timer);
          resolve(this.requests);
        } else this.#waiters.push(check);
      };
      check();
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
