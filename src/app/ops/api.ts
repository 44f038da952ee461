import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { reason } from '../../sdk/errors.js';
import type { Flow } from '../../engine/flow.js';
import type { Logger } from '../../sdk/logger.js';
import { allowedHostsText, hostAllowed } from './api-hosts.js';
import { ApiError, json, match, segments, type ApiReply, type ApiRequest, type ApiRoute } from './api-routes.js';
import { GraphRoutes } from './graph/routes.js';
import { health } from './health.js';
import { Metrics } from './metrics.js';

/**
 * The status API (`tremolo run --api HOST:PORT`): Tremor's /v1 routes to see flows and
 * connectors, PATCH to pause and resume them, and /metrics in Prometheus form. It binds where it is
 * told, loopback by default, and is off unless asked for. It answers only requests whose Host is an
 * IP address, localhost, or a name in `allowedHosts` (see api-hosts.ts: DNS rebinding).
 */
export interface ApiOptions {
  readonly host?: string;
  readonly port: number;
  readonly version: string;
  readonly log: Logger;
  /** Host names answered besides IP addresses and localhost: `name`, `.domain` (and every name under it), or `*`. */
  readonly allowedHosts?: readonly string[];
}

/** The largest PATCH body read; a bigger one is answered 413. */
export const MAX_BODY_BYTES = 64 * 1024;
/** A request (headers and body) not received in full within this is answered 408. */
export const REQUEST_TIMEOUT_MS = 10_000;

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `the body is over ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, `expected a JSON body, received ${JSON.stringify(text.slice(0, 80))}`);
  }
}

/** A body as it is quoted back: JSON.parse takes nestings that JSON.stringify has no stack for. */
function shown(body: unknown): string {
  try {
    return JSON.stringify(body).slice(0, 200);
  } catch {
    return `${Array.isArray(body) ? 'an array' : 'an object'} nested too deep to quote`;
  }
}

/** `{ "status": "paused" | "running" }`, as Tremor's API takes it. */
async function wanted(req: http.IncomingMessage): Promise<'paused' | 'running'> {
  const body = await readJson(req);
  const status = (body as { status?: unknown } | null)?.status;
  if (status !== 'paused' && status !== 'running') {
    throw new ApiError(400, `expected { "status": "paused" } or { "status": "running" }, received ${shown(body)}`);
  }
  return status;
}

/** A reply's bytes: text and bytes as they are, anything else as a line of JSON. */
function encode(reply: ApiReply): { reply: ApiReply; body: string | Buffer } {
  const body = typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : `${JSON.stringify(reply.body)}\n`;
  return { reply, body };
}

export class ApiServer {
  readonly metrics: Metrics;
  readonly graph: GraphRoutes;
  readonly #routes: ApiRoute[] = [];
  readonly #allowedHosts: readonly string[];
  #server: http.Server | undefined;

  constructor(
    private readonly flows: () => readonly Flow[],
    private readonly options: ApiOptions,
  ) {
    this.metrics = new Metrics(flows);
    this.graph = new GraphRoutes(flows);
    this.#allowedHosts = options.allowedHosts ?? [];
    for (const r of this.#builtins()) this.route(r);
  }

  /** Adds a route; the first route matching a request's method and path answers it. */
  route(route: ApiRoute): void {
    this.#routes.push(route);
  }

  get address(): string {
    const a = this.#server?.address() as AddressInfo | null;
    return a === null || a === undefined ? '' : `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async start(): Promise<string> {
    // A client that dawdles over its request is cut off (408) after REQUEST_TIMEOUT_MS, checked every second.
    const limits = { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 };
    const server = http.createServer(limits, (req, res) => void this.#handle(req, res));
    this.#server = server;
    // A malformed request concerns that one client.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      this.options.log.debug(`status API: bad request: ${err.code ?? err.message}`);
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    server.on('error', (err) => this.options.log.error(`status API: ${reason(err)}`));
    this.options.log.info(`status API on ${this.address} (/v1/status, /v1/flows, /metrics; the flow graph at /)`);
    return this.address;
  }

  stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** Never rejects: whatever goes wrong is an answer (a 4xx for the request, a 500 for a bug, logged). */
  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let out: { reply: ApiReply; body: string | Buffer };
    try {
      const reply = await this.#answer(req, res);
      if (reply === undefined) return; // the flow graph answered (a page, an asset or its event stream)
      out = encode(reply);
    } catch (err) {
      out = encode(this.#failure(req, err));
    }
    if (res.headersSent || res.destroyed) return;
    const { reply, body } = out;
    const text = typeof reply.body === 'string' || Buffer.isBuffer(reply.body);
    res.writeHead(reply.status, {
      'content-type': text ? (reply.type ?? 'text/plain; charset=utf-8') : 'application/json',
      'content-length': Buffer.byteLength(body),
      ...reply.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #failure(req: http.IncomingMessage, err: unknown): ApiReply {
    if (err instanceof ApiError) return { status: err.status, body: { error: err.message }, headers: err.headers };
    this.options.log.error(`status API: ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${reason(err)}`);
    return json(500, { error: `internal error: ${reason(err)}` });
  }

  async #answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<ApiReply | undefined> {
    if (!hostAllowed(req.headers.host, this.#allowedHosts)) {
      this.options.log.info(`status API: refused a request for host ${JSON.stringify(req.headers.host)} from ${req.socket.remoteAddress} with 403`);
      throw new ApiError(403, `host ${JSON.stringify(req.headers.host)} is not allowed; allowed: ${allowedHostsText(this.#allowedHosts)} (more with --api-allow-host)`);
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://api');
    } catch {
      throw new ApiError(400, `the request-target ${JSON.stringify((req.url ?? '').slice(0, 200))} is not a valid URL`);
    }
    // After the Host check: the graph page is as much a target of DNS rebinding as /v1.
    if (this.graph.handle(req, res, url.pathname)) return undefined;
    const parts = segments(url.pathname);
    const method = req.method ?? 'GET';
    const found = match(this.#routes, method, parts);
    if (found === undefined) return json(404, { error: `${url.pathname} not found` });
    if ('allow' in found) {
      throw new ApiError(405, `${method} is not allowed here; ${found.allow.join(' or ')}`, { allow: found.allow.join(', ') });
    }
    return found.route.handle({ req, params: found.params, query: url.searchParams });
  }

  #flow({ params }: ApiRequest): Flow {
    const flow = this.flows().find((f) => f.id === params.flow);
    if (flow === undefined) throw new ApiError(404, `flow ${JSON.stringify(params.flow)} not found`);
    return flow;
  }

  #connector(request: ApiRequest): { flow: Flow; alias: string; host: NonNullable<ReturnType<Flow['connectors']['get']>> } {
    const flow = this.#flow(request);
    const alias = request.params.alias!;
    const host = flow.connectors.get(alias);
    if (host === undefined) throw new ApiError(404, `connector ${JSON.stringify(alias)} of flow ${JSON.stringify(flow.id)} not found`);
    return { flow, alias, host };
  }

  #builtins(): ApiRoute[] {
    const connector = (flow: Flow, alias: string): unknown => flow.status().connectors.find((c) => c.alias === alias);
    return [
      { method: 'GET', path: '/metrics', handle: async () => ({ status: 200, body: await this.metrics.text(), type: this.metrics.contentType }) },
      { method: 'GET', path: '/v1/version', handle: () => json(200, { version: this.options.version }) },
      {
        method: 'GET',
        path: '/v1/status',
        handle: () => {
          const h = health(this.flows());
          return json(h.status === 'ok' ? 200 : 503, h);
        },
      },
      { method: 'GET', path: '/v1/flows', handle: () => json(200, this.flows().map((f) => ({ id: f.id, state: f.state, connectors: f.connectors.size, pipelines: f.pipelines.size }))) },
      { method: 'GET', path: '/v1/flows/:flow', handle: (r) => json(200, this.#flow(r).status()) },
      {
        method: 'PATCH',
        path: '/v1/flows/:flow',
        handle: async (r) => {
          const flow = this.#flow(r);
          if ((await wanted(r.req)) === 'paused') flow.pause();
          else flow.resume();
          return json(200, flow.status());
        },
      },
      { method: 'GET', path: '/v1/flows/:flow/connectors', handle: (r) => json(200, this.#flow(r).status().connectors) },
      {
        method: 'GET',
        path: '/v1/flows/:flow/connectors/:alias',
        handle: (r) => {
          const { flow, alias } = this.#connector(r);
          return json(200, connector(flow, alias));
        },
      },
      {
        method: 'PATCH',
        path: '/v1/flows/:flow/connectors/:alias',
        handle: async (r) => {
          const { flow, alias, host } = this.#connector(r);
          if ((await wanted(r.req)) === 'paused') host.pause();
          else host.resume();
          return json(200, connector(flow, alias));
        },
      },
    ];
  }
}
