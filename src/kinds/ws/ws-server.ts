import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { defineConnector } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import { KeepaliveSweep } from './keepalive.js';
import { applySocketOptions, reusePortMissing } from '../../sdk/io/socket-options.js';
import { listen } from '../../sdk/io/socket-listen.js';
import type { Identity } from '../../sdk/auth/authenticate.js';
import { clientErrorAnswer, HandshakeGuard, refuse } from '../../sdk/auth/handshake-guard.js';
import { RateLimiter } from './rate-limiter.js';
import { hostPortPeers, routeReply, type ReplyRoutes } from '../../sdk/io/reply-routing.js';
import { serveStatic } from './static-files.js';
import { resolveTarget, type Target } from './upstream-targets.js';
import { loadServerTls } from '../../sdk/io/tls.js';
import { isBinaryEvent } from './ws-outlet.js';
import { formatHostPort, parseWsUrl } from '../../sdk/io/ws-url.js';
import { parseRequestTarget, quote, type RequestTarget } from '../../sdk/http/request-target.js';
import { redactHeaders, redactQuery } from '../../sdk/io/credential-redaction.js';
import { ServerConnection } from './ws-server-connection.js';
import { connectUpstream } from './upstream-connect.js';
import { discardUpstream } from '../../sdk/io/upstream-handoff.js';
import { parseRequestPath, type RequestPath } from './request-path.js';
import { takeCarry } from './utf8-carry.js';
import type { SessionDelivery } from '../../sdk/server-extension.js';
import { WsServerExtensions } from './ws-server-extensions.js';
import { WsServerSession } from './ws-server-session.js';
import { Config, effectiveTls } from './ws-server-config.js';
import { parseSubprotocols } from './subprotocols.js';

type Connection = ServerConnection;

// The handshake's own headers: the same on every connection, or (the key) of no use once it is
// open, and a connection's metadata lives as long as the connection. Credentials become ***.
const HANDSHAKE_ONLY = new Set(['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions']);
const connectionHeaders = (headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders =>
  redactHeaders(Object.fromEntries(Object.entries(headers).filter(([name]) => !HANDSHAKE_ONLY.has(name))));

export const wsServer = defineConnector({
  kind: 'ws_server',
  description:
    'A WebSocket server. Each connection is a stream; an event sent to `in` goes back to the connection named by `meta.ws_server.peer`, else to every connection among its origins, else to `err`.',
  config: Config,
  codec: 'required',
  metadata:
    '`meta.ws_server = { tls, peer: { host, port }, path, protocol, headers, auth? }` (`path`: the request path and query; `headers`: the upgrade request\'s, less those of the handshake itself: connection, upgrade, sec-websocket-key, -version and -extensions; credentials show as `***`: the values of Authorization, Proxy-Authorization, each cookie, and headers and query parameters whose names contain token, secret, passw, pwd, api key, auth, credential or signature, or are key or sig; `auth = { method, user, claims? }` when authentication is configured), plus `binary: true` for a binary frame. On `in`: `meta.ws_server.broadcast` (`true`: every connection; `"others"`: all but the ones the event came from), else `meta.ws_server.peer` picks the connection; `meta.ws_server.binary`, `meta.ws_client.binary` or Tremor\'s `meta.binary` send a binary frame. A server extension (`extensions:` on the connector, from a package) may take text messages before the codec and choose the connections an event goes to, reading metadata of its own under `meta.ws_server`.',
  extensible: true,
  create(config, ctx) {
    const address = parseWsUrl(config.url) as Exclude<ReturnType<typeof parseWsUrl>, string>;
    const tlsConfig = effectiveTls(config.tls, ctx.log);
    const secure = tlsConfig !== undefined;
    const byStream = new Map<number, Connection>();
    const byPeer = new Map<string, Connection>();
    const spoken = config.protocols === undefined ? undefined : new Set(config.protocols);
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.max_message_size,
      perMessageDeflate: false,
      ...(spoken === undefined ? {} : { handleProtocols: (asked: Set<string>) => [...asked].find((p) => spoken.has(p)) ?? false }),
    });
    let server: http.Server | undefined;
    let guard: HandshakeGuard | undefined;
    let paused = false;
    let stopping = false;
    // Aborts the upstream connections handshakes are making (upstream.connect) when the server stops.
    const dialling = new AbortController();
    // One listener per handshake connecting at that moment (bounded by the handshake limits).
    setMaxListeners(0, dialling.signal);
    const sweep = new KeepaliveSweep(config, (key, why) => ctx.log.info(`connection ${key} dead: ${why}`));
    // Server extensions (a package's protocol over these connections): see src/sdk/server-extension.ts.
    const extensions = ctx.extensions.length === 0 ? undefined : new WsServerExtensions(ctx.extensions, ctx);
    const verifier = () => guard?.verifyToken;

    // One set of listeners for every connection, each finding its connection on the socket.
    function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
      const conn = ServerConnection.of(this);
      if (conn.limiter !== undefined && !conn.limiter.take()) {
        if (config.rate_limit!.action === 'close') {
          ctx.log.info(`connection ${conn.key} closed: over its rate limit of ${config.rate_limit!.messages_per_s} messages/s`);
          this.close(1008, 'rate limit exceeded');
        } else if (performance.now() - conn.limitReportedAt >= 1000) {
          // One report a second, with the count, however fast the excess comes.
          conn.limitReportedAt = performance.now();
          conn.stream.error('ERR_RATE_LIMITED', `connection ${conn.key} is over its rate limit of ${config.rate_limit!.messages_per_s} messages/s; ${conn.limiter.dropped()} messages dropped so far`, data);
        }
        return;
      }
      if (conn.session !== undefined && !isBinary && extensions!.taken(conn.session, data)) return;
      conn.stream.push(data, conn.metaOf(isBinary));
    }
    function onError(this: WebSocket, err: Error & { code?: string }): void {
      const conn = ServerConnection.of(this);
      conn.stream.error('ERR_PROTOCOL', `connection ${conn.key}: ${err.message}${err.code ? ` (${err.code})` : ''}`);
    }
    function onClose(this: WebSocket, code: number): void {
      const conn = ServerConnection.of(this);
      conn.expiry?.clear();
      if (conn.session !== undefined) extensions!.closed(conn.session);
      sweep.unwatch(this);
      byStream.delete(conn.stream.id);
      byPeer.delete(conn.key);
      conn.stream.end();
      ctx.endSinkStream(conn.stream.id);
      conn.closed();
      ctx.log.debug(`connection ${conn.key} closed (${code})`);
    }

    const accept = (ws: WebSocket, req: http.IncomingMessage, socket: Socket, requested: RequestTarget, identity: Identity | undefined, target: Target | undefined): void => {
      const peer = Object.freeze({ host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
      const inner = {
        tls: secure,
        peer,
        path: requested.query === '' ? requested.path : `${requested.path}?${redactQuery(requested.query)}`,
        protocol: ws.protocol,
        headers: connectionHeaders(req.headers),
        ...(identity === undefined ? {} : { auth: identity }),
        ...(target === undefined ? {} : { target }),
      };
      const meta = ctx.meta(inner);
      const stream = ctx.openStream(meta);
      const key = formatHostPort(peer.host, peer.port);
      const limiter = config.rate_limit === undefined ? undefined : new RateLimiter(config.rate_limit.messages_per_s, config.rate_limit.burst);
      const conn = new ServerConnection(ws, socket, key, ctx, config, peer.host, stream, meta, identity, limiter);
      if (extensions !== undefined) conn.session = new WsServerSession(conn, verifier);
      byStream.set(stream.id, conn);
      sweep.watch(ws, key);
      byPeer.set(key, conn);
      ctx.log.debug(`connection ${key} opened (stream ${stream.id}, path ${inner.path}${identity ? `, ${identity.method} user ${identity.user}` : ''})`);
      if (paused) ws.pause();
      ws.on('message', onMessage);
      if (config.open_event) stream.push(Buffer.alloc(0));
      ws.on('error', onError);
      ws.on('close', onClose);
    };

    /** An extension's choice of sessions: each still open gets its event, under the same slow-consumer policy as any. */
    const deliver = (deliveries: readonly SessionDelivery[]): void => {
      for (const { session, event } of deliveries) {
        const conn = byStream.get(session.stream);
        if (conn === undefined || conn.session !== session) continue;
        conn.send(event, conn.stream.id, isBinaryEvent(event, ctx), config.text_when_utf8);
      }
    };

    const routes: ReplyRoutes<Connection> = { connector: ctx.id, kind: 'ws_server', byStream, ...hostPortPeers(byPeer) };

    return {
      async start() {
        const tls = tlsConfig === undefined ? undefined : await loadServerTls(tlsConfig);
        guard = await HandshakeGuard.create(config);
        // Slow or half-open handshakes are dropped: the HTTP request and the TLS handshake alike.
        const limits = {
          headersTimeout: config.handshake_timeout_ms,
          requestTimeout: config.handshake_timeout_ms,
          connectionsCheckingInterval: Math.min(1000, config.handshake_timeout_ms),
        };
        server = tls === undefined ? http.createServer(limits) : https.createServer({ ...tls, ...limits, handshakeTimeout: config.handshake_timeout_ms });
        server.on('connection', (socket: Socket) => applySocketOptions(socket, config.socket_options));
        // A failed TLS or HTTP handshake concerns that one client; the server goes on accepting.
        server.on('tlsClientError', (err: Error, socket: Socket) => {
          ctx.log.info(`TLS handshake from ${socket.remoteAddress}:${socket.remotePort} failed: ${err.message}`);
          socket.destroy();
        });
        server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
          ctx.log.info(`bad request from ${socket.remoteAddress}:${socket.remotePort}: ${err.message}`);
          const [status, why] = clientErrorAnswer(err, config.handshake_timeout_ms);
          refuse(socket, status, why);
        });
        server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
          if (config.static !== undefined) {
            void serveStatic(config.static, req, res);
            return;
          }
          res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket', connection: 'close' });
          res.end('426 Upgrade Required: this is a WebSocket endpoint\n');
        });
        // Defined out here: a closure made inside the upgrade handler would share its scope, and so
        // keep the upgrade request and its head alive for as long as the socket lives.
        const earlyError = (err: Error): void => ctx.log.debug(`socket error before upgrade: ${err.message}`);
        server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
          socket.on('error', earlyError);
          const from = formatHostPort(socket.remoteAddress ?? '', socket.remotePort ?? 0);
          const refused = (status: number, why: string, headers?: Record<string, string>, detail = why): void => {
            ctx.log.info(`handshake from ${from} refused with ${status}: ${detail}`);
            refuse(socket, status, why, headers);
          };
          const full = guard!.enter(socket);
          if (full !== undefined) return refused(full.status, full.reason);
          const target = parseRequestTarget(req.url);
          // The log quotes the target without its query, which may hold an access_token.
          if (typeof target === 'string') return refused(400, `malformed request target: ${target}`, undefined, `${quote((req.url ?? '').split('?', 1)[0]!)}: ${target}`);
          if (config.paths !== undefined && !config.paths.includes(target.path)) {
            return refused(404, `no WebSocket at ${quote(target.path)}; expected ${config.paths.map((p) => JSON.stringify(p)).join(' or ')}`);
          }
          if (spoken !== undefined) {
            // A malformed header is left to ws, which answers it with 400.
            const asked = parseSubprotocols(req.headers['sec-websocket-protocol']) ?? [];
            if (asked.length > 0 && !asked.some((p) => spoken.has(p))) {
              return refused(400, `no subprotocol in common; expected ${config.protocols!.map((p) => JSON.stringify(p)).join(' or ')} or none`, undefined, `subprotocols ${asked.map((p) => JSON.stringify(p)).join(', ')} not spoken`);
            }
          }
          let upgraded = false;
          guard!
            .admit(req)
            .then(async (admission) => {
              if (socket.destroyed) return;
              if (stopping) return refused(503, 'the server is stopping');
              if (!admission.ok) {
                if (admission.error !== undefined) ctx.log.error(`handshake from ${from}: ${reason(admission.error)}`);
                return refused(admission.status, admission.reason, admission.headers);
              }
              const requestPath = config.upstream === undefined ? undefined : parseRequestPath(req.url ?? '/');
              let upstream = requestPath === undefined ? undefined : await resolveTarget(config.upstream!, req, requestPath);
              if (socket.destroyed) return;
              // The client gets the same reason for every 403; the log says which rule refused it.
              if (upstream !== undefined && 'status' in upstream) return refused(upstream.status, upstream.reason, undefined, upstream.detail);
              if (upstream !== undefined && config.upstream!.connect) {
                // ouistiti's order: the WebSocket is accepted only once its upstream answered.
                // A target was found, so the path parsed.
                const connected = await connectUpstream(upstream, (requestPath as RequestPath).path, config.handshake_timeout_ms, dialling.signal);
                if ('status' in connected) return refused(connected.status, connected.reason, connected.headers, connected.detail);
                upstream = connected;
                // Whatever becomes of the handshake from here, a connection nobody adopted goes with it.
                const ticket = connected.connection!;
                socket.once('close', () => discardUpstream(ticket));
                if (socket.destroyed) return discardUpstream(ticket);
                if (stopping) return refused(503, 'the server is stopping');
              }
              wss.handleUpgrade(req, socket, head, (ws) => {
                upgraded = true;
                accept(ws, req, socket, target, admission.identity, upstream);
              });
            })
            .catch((err: unknown) => {
              // A bug, not the peer's fault: that one handshake fails, the server goes on.
              ctx.log.error(`handshake from ${from} failed: ${reason(err)}`);
              if (upgraded) socket.destroy();
              else refuse(socket, 500, 'the handshake could not be completed');
            });
        });
        let reusePort = config.socket_options.SO_REUSEPORT;
        if (reusePort && reusePortMissing !== undefined) {
          ctx.log.warn(`socket_options.SO_REUSEPORT: ${reusePortMissing}; listening without it, so no other process can listen on this port`);
          reusePort = false;
        }
        await listen(server, { host: address.host, port: address.port, backlog: config.backlog, reusePort });
        server.on('error', (err) => ctx.log.error(`server error: ${reason(err)}`));
        const bound = server.address() as AddressInfo;
        ctx.listening(`${secure ? 'wss' : 'ws'}://${formatHostPort(address.host, bound.port)}`);
      },
      write(event) {
        const claimed = extensions?.route(event);
        if (claimed !== undefined) return deliver(claimed);
        const targets = routeReply(event, routes);
        if (typeof targets === 'string') {
          ctx.fail(event, 'ERR_ROUTE_NO_TARGET', `${ctx.alias}: no connection to send to: ${targets}`);
          return;
        }
        const binary = isBinaryEvent(event, ctx);
        for (const conn of targets) conn.send(event, conn.stream.id, binary, config.text_when_utf8);
      },
      pause(stream) {
        if (stream === undefined) {
          paused = true;
          for (const conn of byStream.values()) conn.ws.pause();
        } else byStream.get(stream)?.ws.pause();
      },
      resume(stream) {
        if (stream === undefined) {
          paused = false;
          for (const conn of byStream.values()) conn.ws.resume();
        } else if (!paused) byStream.get(stream)?.ws.resume();
      },
      status: () => ({ connections: byStream.size }),
      closeStream(stream, why, cause) {
        const conn = byStream.get(stream);
        if (conn === undefined) return;
        ctx.log.debug(`closing connection ${conn.key}: ${why}`);
        // The start of a character that never got its end is sent as the bytes it is.
        const rest = takeCarry(conn);
        if (rest !== undefined && conn.isOpen()) conn.ws.send(rest, { binary: true });
        // A per_stream client's upstream closing or unreachable (per-stream-client.ts) has a code of
        // its own; any other failure is 1014 (RFC 6455 registry: "Bad Gateway").
        const codes = config.upstream_close_codes;
        const code = cause === 'upstream_closed' ? codes.closed : cause === 'upstream_unreachable' ? codes.unreachable : cause === true || cause === 'failed' ? 1014 : 1000;
        conn.ws.close(code, why.slice(0, 120));
      },
      quiesce() {
        server?.close();
      },
      async flush() {
        await Promise.all([...byStream.values()].map((conn) => conn.drained()));
      },
      async stop() {
        stopping = true;
        dialling.abort();
        const closing = [...byStream.values()].map(
          (conn) =>
            new Promise<void>((resolve) => {
              conn.ws.once('close', () => resolve());
              conn.ws.close(1001, 'going away');
              // A peer that does not answer the close handshake is not waited for long.
              setTimeout(() => conn.ws.terminate(), 1000).unref();
            }),
        );
        await Promise.all(closing);
        sweep.stop();
        wss.close();
        server?.closeAllConnections?.();
        await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
      },
    };
  },
});
