import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RuntimeError } from '../runtime/errors.js';
import type { Flow } from '../runtime/flow.js';
import type { Logger } from '../runtime/logger.js';
import { GraphRoutes } from './graph/routes.js';
import { Metrics } from './metrics.js';

/**
 * The status API (`tremolo run --api HOST:PORT`): Tremor's /v1 routes to see flows and
 * connectors, PATCH to pause and resume them, and /metrics in Prometheus form. It binds where it is
 * told, loopback by default, and is off unless asked for.
 */
export interface ApiOptions {
  readonly host?: string;
  readonly port: number;
  readonly version: string;
  readonly log: Logger;
}

type Reply = { status: number; body: unknown };

const json = (status: number, body: unknown): Reply => ({ status, body });
const notFound = (what: string): Reply => json(404, { error: `${what} not found` });

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 65536) throw new RuntimeError('ERR_USAGE', 'body too large');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RuntimeError('ERR_USAGE', `expected a JSON body, received ${JSON.stringify(text.slice(0, 80))}`);
  }
}

/** `{ "status": "paused" | "running" }`, as Tremor's API takes it. */
function wanted(body: unknown): 'paused' | 'running' {
  const status = (body as { status?: unknown } | null)?.status;
  if (status !== 'paused' && status !== 'running') {
    throw new RuntimeError('ERR_USAGE', `expected { "status": "paused" } or { "status": "running" }, received ${JSON.stringify(body)}`);
  }
  return status;
}

export class ApiServer {
  readonly metrics: Metrics;
  readonly graph: GraphRoutes;
  #server: http.Server | undefined;

  constructor(
    private readonly flows: () => readonly Flow[],
    private readonly options: ApiOptions,
  ) {
    this.metrics = new Metrics(flows);
    this.graph = new GraphRoutes(flows);
  }

  get address(): string {
    const a = this.#server?.address() as AddressInfo | null;
    return a === null || a === undefined ? '' : `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async start(): Promise<string> {
    const server = http.createServer((req, res) => void this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.options.log.info(`status API on ${this.address} (/v1/status, /v1/flows, /metrics; the flow graph at /)`);
    return this.address;
  }

  stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return Promise.resolve();
    this.graph.feed.close();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (this.graph.handle(req, res, url.pathname)) return;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (url.pathname === '/metrics' && req.method === 'GET') {
        const text = await this.metrics.text();
        res.writeHead(200, { 'content-type': this.metrics.contentType });
        res.end(text);
        return;
      }
      const reply = await this.#route(req.method ?? 'GET', parts, req);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(reply.body)}\n`);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ error: (err as Error).message })}\n`);
    }
  }

  async #route(method: string, parts: string[], req: http.IncomingMessage): Promise<Reply> {
    if (parts[0] !== 'v1') return notFound(`/${parts.join('/')}`);
    const [, what, id, sub, alias] = parts;
    const flows = this.flows();
    if (what === 'version' && parts.length === 2) return json(200, { version: this.options.version });
    if (what === 'status' && parts.length === 2) {
      const states = flows.map((f) => ({ id: f.id, state: f.state }));
      const ok = states.every((s) => s.state === 'running');
      return json(ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', flows: states });
    }
    if (what !== 'flows') return notFound(`/${parts.join('/')}`);
    if (id === undefined) return json(200, flows.map((f) => ({ id: f.id, state: f.state, connectors: f.connectors.size, pipelines: f.pipelines.size })));
    const flow = flows.find((f) => f.id === id);
    if (flow === undefined) return notFound(`flow ${JSON.stringify(id)}`);
    if (sub === undefined) {
      if (method === 'PATCH') {
        if (wanted(await readJson(req)) === 'paused') flow.pause();
        else flow.resume();
      } else if (method !== 'GET') return json(405, { error: `${method} is not allowed here; GET or PATCH` });
      return json(200, flow.status());
    }
    if (sub !== 'connectors') return notFound(`/${parts.join('/')}`);
    if (alias === undefined) return json(200, flow.status().connectors);
    const host = flow.connectors.get(alias);
    if (host === undefined) return notFound(`connector ${JSON.stringify(alias)} of flow ${JSON.stringify(id)}`);
    if (method === 'PATCH') {
      if (wanted(await readJson(req)) === 'paused') host.pause();
      else host.resume();
    } else if (method !== 'GET') return json(405, { error: `${method} is not allowed here; GET or PATCH` });
    return json(200, flow.status().connectors.find((c) => c.alias === alias));
  }
}
