import type http from 'node:http';
import type { FlowModel } from '../../../engine/model.js';
import type { Flow } from '../../../engine/flow.js';
import { ASSETS, readAsset, type AssetName } from './assets.js';
import { describeFlow } from './describe.js';
import { GraphFeed, type FeedOptions } from './feed.js';
import { layoutFlow } from './layout.js';
import { renderSvg } from './svg.js';

/**
 * The live flow graph on the status API (`tremolo run --api`): the page at `/`, its files under
 * `/graph/`, each running flow drawn at `/graph/flows/ID.svg`, and the figures at `/graph/events`.
 */
const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
// An SVG opened on its own is a document too: nothing in it may run or load.
const SVG_POLICY = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";

const FILES: Record<string, AssetName> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/graph/graph.js': 'graph.js',
  '/graph/graph.css': 'graph.css',
  '/graph/page.css': 'page.css',
};

const SVG_PATH = /^\/graph\/flows\/([^/]+)\.svg$/;

export class GraphRoutes {
  readonly feed: GraphFeed;
  /** A flow is drawn once per version of it, however many pages ask. */
  readonly #drawn = new WeakMap<FlowModel, string>();

  constructor(
    private readonly flows: () => readonly Flow[],
    options: FeedOptions = {},
  ) {
    this.feed = new GraphFeed(flows, options);
  }

  /** Answers a request for the page or its parts; false for any other path, which is the API's. Never throws. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
    try {
      return this.#handle(req, res, pathname);
    } catch (err) {
      if (!res.headersSent) reply(res, 500, 'application/json', `${JSON.stringify({ error: (err as Error).message })}\n`);
      else res.destroy();
      return true;
    }
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
    const file = FILES[pathname];
    const svg = SVG_PATH.exec(pathname);
    if (pathname === '/favicon.ico') {
      // Browsers ask for it of every page: no icon, and no 404 in the page's console.
      res.writeHead(204, { 'cache-control': 'max-age=86400' }).end();
      return true;
    }
    if (file === undefined && svg === null && pathname !== '/graph/events') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, 'application/json', `${JSON.stringify({ error: `${req.method} is not allowed here; GET` })}\n`, { allow: 'GET, HEAD' });
    } else if (pathname === '/graph/events') {
      if (req.method === 'GET') this.feed.open(req, res);
      else reply(res, 200, 'text/event-stream; charset=utf-8', '');
    }
    else if (file !== undefined) reply(res, 200, ASSETS[file], readAsset(file), file === 'index.html' ? { 'content-security-policy': PAGE_POLICY } : {});
    else this.#svg(res, svg![1]!);
    return true;
  }

  #svg(res: http.ServerResponse, encoded: string): void {
    let id: string;
    try {
      id = decodeURIComponent(encoded);
    } catch {
      reply(res, 400, 'application/json', `${JSON.stringify({ error: `bad percent-encoding in flow id ${JSON.stringify(encoded)}` })}\n`);
      return;
    }
    const flows = this.flows();
    const index = flows.findIndex((f) => f.id === id);
    if (index < 0) {
      reply(res, 404, 'application/json', `${JSON.stringify({ error: `flow ${JSON.stringify(id)} not found` })}\n`);
      return;
    }
    const model = flows[index]!.model;
    let text = this.#drawn.get(model);
    if (text === undefined) {
      text = renderSvg(layoutFlow(describeFlow(model)), { idPrefix: `flow${index}` });
      this.#drawn.set(model, text);
    }
    reply(res, 200, 'image/svg+xml; charset=utf-8', text, { 'content-security-policy': SVG_POLICY });
  }
}

function reply(res: http.ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
