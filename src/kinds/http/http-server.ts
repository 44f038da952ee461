import { randomUUID } from 'node:crypto';
import http, { STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import { quote, reason, type ErrorCode } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { claimed, encodeBody, pushBody } from './http-body.js';
import { redactHeaders, redactQuery } from '../../sdk/io/credential-redaction.js';
import { acceptedMimes, firstValue, headersFrom, mimeBase, MimeMappingSchema, wildcardType } from './http-headers.js';
import { RequestBook } from './http-requests.js';
import { parseHttpUrl, requestUrl, type HttpAddress } from './http-url.js';
import { loadServerTls, ServerTlsSchema } from '../../sdk/io/tls.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';
import type { Identity } from '../../sdk/auth/authenticate.js';
import { clientErrorStatus, HandshakeGuard, HandshakeSchema } from '../../sdk/auth/handshake-guard.js';

const Config = z
  .strictObject({
    url: z.string().describe('http://host:port or https://host:port to listen on (every path is served); port 0 picks a free port'),
    tls: ServerTlsSchema.optional().describe('{ cert, key } files: serve https://'),
    mime_mapping: MimeMappingSchema,
    backlog: z.number().int().positive().default(128).describe('pending connections not yet accepted'),
    max_body_size: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024)
      .describe('largest request body accepted, in bytes; a bigger one is answered 413'),
    response_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('a request not answered this long after its body was read is answered 504'),
    request_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe('a client that has not sent its whole request (headers and body) this long after it began is answered 408 and disconnected: a slow sender holds a connection no longer'),
    auth: HandshakeSchema.auth,
    allowed_origins: HandshakeSchema.allowed_origins,
  })
  .superRefine((c, ctx) => {
    const url = parseHttpUrl(c.url);
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    else if (url.path !== '/') ctx.addIssue({ code: 'custom', path: ['url'], message: `expected no path (every path is served), received ${JSON.stringify(c.url)}` });
    else if (url.secure && c.tls === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `https:// needs tls: { cert, key }, received ${JSON.stringify(c.url)} without tls` });
    else if (!url.secure && c.tls !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `tls is configured but the url is http://; write https://, received ${JSON.stringify(c.url)}` });
  });

interface Pending {
  readonly id: string;
  readonly stream: SourceStream;
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  /** For messages: `POST /orders`. */
  readonly line: string;
  timer: NodeJS.Timeout | undefined;
}

export const httpServer = defineConnector({
  kind: 'http_server',
  description:
    'An HTTP(S) server. Each request is a stream with one event: its body, decoded by the codec claiming its Content-Type, else by the connector codec with its preprocessors (an empty body is null). The event reaching `in` for a request is its response, encoded by the codec claiming the response Content-Type, else the request Accept, else the request Content-Type, else the `*/*` codec of `mime_mapping` (labelled with a type the mapping gives that codec, else application/octet-stream, as Tremor does), else the connector codec with its postprocessors; a response with `transfer-encoding: chunked` sends each piece the codec and postprocessors write as a chunk. The events of a batch answer each the request of their own metadata or origins. A body over `max_body_size` is answered 413, one the codec claiming its Content-Type cannot decode 400, a request not answered in time 504; each also goes to `err`.',
  config: Config,
  codec: { optional: 'json' },
  mimeMapping: (config) => config.mime_mapping,
  metadata:
    '`meta.http_server = { request: { method, url, path, query, headers, protocol, peer: { host, port } }, request_id, auth? }` (`auth = { method, user, claims? }` with authentication) (`protocol` is the HTTP version, e.g. `HTTP/1.1`; `query` the raw query string; the values of credentials — Authorization, Cookie, headers and query parameters named like token, secret, password or api key — are `***`). On `in`: the event answers the request named by `meta.http_server.request_id`, else every waiting request of this server among its origins, else it goes to `err`; `meta.http_server.response = { status, headers }` sets the status (default 200) and headers.',
  create(config, ctx) {
    const address = parseHttpUrl(config.url) as HttpAddress;
    const scheme = address.secure ? 'https' : 'http';
    const book = new RequestBook<Pending>();
    const wildcard = wildcardType(config.mime_mapping);
    let server: http.Server | undefined;
    let closed: Promise<void> | undefined;
    let boundHost = formatHostPort(address.host, address.port);
    let paused = false;
    let stopping = false;

    const finish = (p: Pending, why: string): void => {
      clearTimeout(p.timer);
      book.finish(p, why);
      p.stream.end();
    };

    /** Answers with a short text of the connector's own (413, 400, 504, 503, 500). */
    const refuse = (p: Pending, status: number, text: string, why = `request ${p.id} was already answered (${status})`): void => {
      const body = `${status} ${http.STATUS_CODES[status]}: ${text}\n`;
      if (!p.res.headersSent) {
        const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) };
        // The rest of a body not read (413), or a server going away (503), ends the connection.
        if (status === 413 || status === 503) headers.connection = 'close';
        p.res.writeHead(status, headers);
        p.res.end(body);
      } else if (!p.res.writableEnded) p.res.destroy();
      finish(p, why);
    };

    const dispatch = (p: Pending, body: Buffer): void => {
      const refused = pushBody(ctx, p.stream, body, firstValue(p.req.headers, 'content-type'), `request ${p.id} (${p.line})`);
      if (refused !== undefined) refuse(p, 400, refused);
      // The pipeline may have answered already, synchronously, while the event was pushed.
      else if (book.isWaiting(p)) {
        p.timer = setTimeout(() => {
          const text = `not answered within ${config.response_timeout_ms} ms (response_timeout_ms)`;
          p.stream.error('ERR_TIMEOUT', `request ${p.id} (${p.line}): ${text}`);
          refuse(p, 504, text, `request ${p.id} was not answered within ${config.response_timeout_ms} ms and got 504`);
        }, config.response_timeout_ms);
      }
    };

    /** An answer of the connector's own to a request that never became an event. */
    const plain = (res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void => {
      const body = `${status} ${http.STATUS_CODES[status]}: ${text}\n`;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };

    let guard: HandshakeGuard | undefined;
    /** The request-target, then credentials and Origin, before the request becomes an event. */
    const admit = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const target = requestUrl(req.url ?? '/', scheme, req.headers.host, boundHost);
      if (typeof target === 'string') {
        ctx.log.info(`request from ${req.socket.remoteAddress}:${req.socket.remotePort} refused with 400: ${target}`);
        plain(res, 400, target, { connection: 'close' });
        return;
      }
      if (guard === undefined) {
        accept(req, res, target, undefined);
        return;
      }
      guard.admit(req).then(
        (a) => {
          if (a.ok) {
            accept(req, res, target, a.identity);
            return;
          }
          ctx.log.info(`request ${req.method} ${target.pathname} from ${req.socket.remoteAddress} refused with ${a.status}: ${a.reason}`);
          plain(res, a.status, a.reason, a.headers);
        },
        (err: unknown) => {
          // A fault of the check itself, not of the client's credentials: answered, and logged as the bug it is.
          ctx.log.error(`request ${req.method} ${target.pathname} from ${req.socket.remoteAddress}: checking its credentials failed: ${reason(err)}; answered 500`);
          if (!res.headersSent) plain(res, 500, 'the credentials could not be checked', { connection: 'close' });
        },
      );
    };

    const accept = (req: http.IncomingMessage, res: http.ServerResponse, target: URL, identity: Identity | undefined): void => {
      if (stopping) {
        plain(res, 503, 'the server is stopping', { connection: 'close' });
        return;
      }
      const socket: Socket = req.socket;
      const id = randomUUID();
      const method = req.method ?? 'GET';
      // Credentials stay out of the event (flows log, store and forward metadata): as ws_server,
      // names are kept and values become ***; `auth` carries who authenticated.
      const query = redactQuery(target.search.slice(1));
      const request = {
        method,
        url: `${target.origin}${target.pathname}${query === '' ? '' : `?${query}`}`,
        path: target.pathname,
        query,
        headers: redactHeaders(req.headers),
        protocol: `HTTP/${req.httpVersion}`,
        peer: { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      };
      const stream = ctx.openStream(ctx.meta({ request, request_id: id, ...(identity === undefined ? {} : { auth: identity }) }));
      const p: Pending = { id, stream, req, res, line: `${method} ${target.pathname}`, timer: undefined };
      book.add(p);
      res.on('close', () => {
        if (book.isWaiting(p)) finish(p, `the client of request ${id} went away before the answer`);
      });
      // A client aborting mid-body is handled when `res` closes; the error adds nothing to that.
      req.on('error', (err) => ctx.log.debug(`request ${id}: ${err.message}`));
      const tooBig = (): void => {
        const text = `the body is over max_body_size (${config.max_body_size} bytes)`;
        stream.error('ERR_PROCESSOR_MAX_LENGTH', `request ${id} (${p.line}): ${text}`);
        refuse(p, 413, text);
      };
      if (Number(req.headers['content-length'] ?? 0) > config.max_body_size) {
        tooBig();
        return;
      }
      if (paused) req.pause();
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        if (!book.isWaiting(p)) return;
        size += chunk.length;
        if (size > config.max_body_size) tooBig();
        else chunks.push(chunk);
      });
      req.on('end', () => {
        if (book.isWaiting(p)) dispatch(p, Buffer.concat(chunks, size));
      });
    };

    const answer = (p: Pending, event: TremoloEvent): void => {
      const response = (event.meta.http_server as { response?: { status?: unknown; headers?: unknown } } | undefined)?.response;
      const status = response?.status ?? 200;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
        ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: meta.http_server.response.status must be an integer from 200 to 599, received ${quote(status)}; request ${p.id} answered 500`);
        refuse(p, 500, 'the flow gave an invalid response status');
        return;
      }
      const headers = headersFrom(response?.headers, 'meta.http_server.response.headers');
      if (typeof headers === 'string') {
        ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: ${headers}; request ${p.id} answered 500`);
        refuse(p, 500, 'the flow gave invalid response headers');
        return;
      }
      const declared = firstValue(headers, 'content-type');
      const requestType = firstValue(p.req.headers, 'content-type');
      const mime =
        declared ??
        acceptedMimes(firstValue(p.req.headers, 'accept')).find((m) => claimed(ctx, m)) ??
        (claimed(ctx, requestType) ? mimeBase(requestType) : undefined);
      const encoded = encodeBody(ctx, event, p.stream.id, mime, wildcard);
      if (encoded === undefined) {
        refuse(p, 500, 'the response could not be encoded');
        return;
      }
      if (declared === undefined && encoded.contentType !== undefined) headers['content-type'] = encoded.contentType;
      const bodiless = p.req.method === 'HEAD' || status === 204 || status === 304;
      // A response the flow sends chunked carries no length: HTTP allows one framing, not both, and a client refuses both.
      if (!bodiless && firstValue(headers, 'transfer-encoding') === undefined) headers['content-length'] = String(encoded.length);
      try {
        p.res.writeHead(status, headers);
        // Chunked, each piece the codec and postprocessors wrote is a chunk (Tremor's framing).
        if (!bodiless) for (const chunk of encoded.chunks) p.res.write(chunk);
        p.res.end();
      } catch (err) {
        ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: cannot answer request ${p.id}: ${reason(err)}`);
        refuse(p, 500, 'the response could not be written');
        return;
      }
      finish(p, `request ${p.id} was already answered (${status})`);
    };

    return {
      async start() {
        const tls = config.tls === undefined ? undefined : await loadServerTls(config.tls);
        if (config.auth !== undefined || config.allowed_origins !== undefined) {
          guard = await HandshakeGuard.create({ auth: config.auth, allowed_origins: config.allowed_origins, max_connections: Number.POSITIVE_INFINITY });
        }
        // Node checks these timeouts every connectionsCheckingInterval (30 s by default): checked
        // at least every second, a slow sender is cut close to request_timeout_ms.
        const limits = {
          requestTimeout: config.request_timeout_ms,
          headersTimeout: Math.min(60_000, config.request_timeout_ms),
          connectionsCheckingInterval: Math.min(1000, config.request_timeout_ms),
        };
        server = tls === undefined ? http.createServer(limits) : https.createServer({ ...tls, ...limits });
        server.on('request', admit);
        // A broken request or TLS handshake concerns that one client; the server goes on.
        server.on('tlsClientError', (err: Error, socket: Socket) => {
          ctx.log.debug(`TLS handshake from ${socket.remoteAddress}:${socket.remotePort} failed: ${err.message}`);
          socket.destroy();
        });
        server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
          ctx.log.debug(`bad request from ${socket.remoteAddress}:${socket.remotePort}: ${err.message}`);
          if (socket.writable) socket.end(`HTTP/1.1 ${statusLine(clientErrorStatus(err))}\r\nConnection: close\r\n\r\n`);
          else socket.destroy();
        });
        await new Promise<void>((resolve, reject) => {
          server!.once('error', reject);
          server!.listen({ host: address.host, port: address.port, backlog: config.backlog }, () => {
            server!.off('error', reject);
            resolve();
          });
        });
        server.on('error', (err) => ctx.log.error(`server error: ${reason(err)}`));
        closed = new Promise((resolve) => server!.once('close', () => resolve()));
        boundHost = formatHostPort(address.host, (server.address() as AddressInfo).port);
        ctx.listening(`${scheme}://${boundHost}`);
      },
      status: () => ({ waiting: book.size }),
      write(event) {
        const requestId = (event.meta.http_server as { request_id?: unknown } | undefined)?.request_id;
        const targets = book.route(requestId, event.origins, ctx.id);
        if (typeof targets === 'string') ctx.fail(event, 'ERR_ROUTE_NO_TARGET', `${ctx.alias}: no request to answer: ${targets}`);
        else for (const p of targets) answer(p, event);
      },
      pause(stream) {
        if (stream === undefined) {
          paused = true;
          for (const p of book.values()) p.req.pause();
        } else book.byStream(stream)?.req.pause();
      },
      resume(stream) {
        if (stream === undefined) {
          paused = false;
          for (const p of book.values()) p.req.resume();
        } else if (!paused) book.byStream(stream)?.req.resume();
      },
      quiesce() {
        stopping = true;
        if (server?.listening) server.close();
        server?.closeIdleConnections();
      },
      async stop() {
        stopping = true;
        // Answered with `connection: close`, so each connection ends once its 503 is out.
        for (const p of [...book.values()]) refuse(p, 503, 'the server is stopping', `request ${p.id} was not answered: the server stopped (503)`);
        if (server === undefined || closed === undefined) return;
        if (server.listening) server.close();
        server.closeIdleConnections();
        // A client that never finishes sending its request is not waited for long.
        const force = setTimeout(() => server?.closeAllConnections(), 1000);
        await closed;
        clearTimeout(force);
      },
    };
  },
});

export type HttpServerConfig = z.output<typeof Config>;

const statusLine = (status: number): string => `${status} ${STATUS_CODES[status] ?? 'Error'}`;
