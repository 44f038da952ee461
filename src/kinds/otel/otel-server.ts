import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import { reason, type ErrorCode } from '../../sdk/errors.js';
import type { HostPort } from '../../sdk/io/socket-url.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';
import { encodeGrpcMessage, frame, maxMessageSize, parseOtelUrl, signalSwitches, Status, statusName, unframe, urlSchema } from './grpc.js';
import { SIGNALS, type Signal } from './otlp-schema.js';
import { decode, DecodeLimitError } from './protobuf-decode.js';
import { WireError } from './protobuf-wire.js';

const Config = z.strictObject({
  url: urlSchema('127.0.0.1:4317', 'host:port (or http://host:port) to listen on for OTLP/gRPC without TLS (h2c); port 0 binds any free port'),
  ...signalSwitches('accept'),
  max_message_size: maxMessageSize,
  max_concurrent_streams: z.number().int().positive().default(100).describe('requests under way at once on one connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); a client opening more is refused by HTTP/2'),
  max_connections: z.number().int().positive().default(1024).describe('connections at once; past it a new connection is closed at once'),
  max_decoded_items: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('most messages, fields and values one request may decode to; default a quarter of max_message_size (1048576 at 4 MiB), about 40 MB and a few hundred ms of decoding at most. A few bytes can stand for a whole record (an empty span is 2 bytes, a dozen fields decoded), so the message size alone does not bound what a request costs; past it the request is refused with RESOURCE_EXHAUSTED'),
  max_buffered_bytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024)
    .describe('request bytes held at once across all connections and streams while requests are read (64 MiB); a request whose bytes would go past it is refused with RESOURCE_EXHAUSTED (the exporter retries), so many large uploads at once cannot grow memory without bound'),
  idle_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(300_000)
    .describe('a connection with no traffic for this long is closed (GOAWAY) and, one second later, dropped with whatever it left unfinished, so idle or stalled connections cannot hold max_connections; exporters reconnect when they next send'),
  request_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('a request whose message has not arrived in full this long after it began is answered DEADLINE_EXCEEDED and goes to err (ERR_TIMEOUT), its bytes given back, so a request sent a byte at a time cannot be held open for ever'),
});

const { HTTP2_HEADER_PATH, HTTP2_HEADER_METHOD, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_STATUS } = http2.constants;
const EMPTY_RESPONSE = frame(new Uint8Array(0));
const BY_PATH = new Map(SIGNALS.map((s) => [s.path, s]));
/** How long a connection closed for idleness may take to finish what it has under way before it is dropped. */
const IDLE_GRACE_MS = 1000;

/** One client connection: its source stream, opened with its first request. */
interface Connection {
  readonly session: http2.ServerHttp2Session;
  readonly peer: { host: string; port: number };
  stream?: SourceStream;
}

/**
 * Tremor's `otel_server`: an OpenTelemetry collector endpoint (OTLP over gRPC, the three collector
 * services' Export), each request an event in Tremor's JSON (`{"trace": [...]}`, `{"metrics": [...]}`,
 * `{"logs": [...]}`). A request is answered once its event is delivered (OK), or failed
 * (UNAVAILABLE, so the exporter retries); a request that cannot be read is answered with its gRPC
 * status and reason, and goes to `err`.
 */
export const otelServer = defineConnector({
  kind: 'otel_server',
  description:
    'An OpenTelemetry collector endpoint: OTLP over gRPC (HTTP/2 without TLS), the TraceService, MetricsService and LogsService Export calls. Each request is an event in Tremor’s JSON, `{"trace": [...]}`, `{"metrics": [...]}` or `{"logs": [...]}`, answered OK once the event is delivered, UNAVAILABLE when it failed (the exporter retries). A request that cannot be read is answered with its gRPC status (INVALID_ARGUMENT for bad protobuf, RESOURCE_EXHAUSTED over max_message_size, UNIMPLEMENTED for an unknown or disabled service or a compressed message) and goes to `err` with the reason.',
  config: Config,
  codec: 'structured',
  ports: { in: [], out: ['out', 'err'] },
  metadata: '`meta.otel_server = { peer: { host, port }, service: "trace" | "metrics" | "logs" }` on each request event.',
  create(config, ctx) {
    const address = parseOtelUrl(config.url) as HostPort;
    const connections = new Set<Connection>();
    let server: http2.Http2Server | undefined;
    let closed: Promise<void> | undefined;
    let paused = false;
    let stopping = false;
    let requests = 0;
    const streams = new Set<http2.ServerHttp2Stream>();
    const maxItems = config.max_decoded_items ?? Math.floor(config.max_message_size / 4);
    /** Request bytes held across all streams, against max_buffered_bytes. */
    let buffered = 0;

    /** Answers with a status and no message (gRPC's trailers-only response). */
    const refuse = (req: http2.ServerHttp2Stream, status: number, text: string): void => {
      if (req.destroyed || req.closed) return;
      if (req.headersSent) {
        req.end();
        return;
      }
      req.respond({ [HTTP2_HEADER_STATUS]: 200, [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc', 'grpc-status': String(status), 'grpc-message': encodeGrpcMessage(text) }, { endStream: true });
    };

    const answerOk = (req: http2.ServerHttp2Stream): void => {
      if (req.destroyed || req.closed) return;
      req.respond({ [HTTP2_HEADER_STATUS]: 200, [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc', 'grpc-accept-encoding': 'identity' }, { waitForTrailers: true });
      req.once('wantTrailers', () => req.sendTrailers({ 'grpc-status': '0' }));
      req.end(EMPTY_RESPONSE);
    };

    const sourceOf = (conn: Connection): SourceStream => (conn.stream ??= ctx.openStream(ctx.meta({ peer: conn.peer })));

    /** A refused request: its answer, and an `err` event with the reason. */
    const reject = (conn: Connection, req: http2.ServerHttp2Stream, status: number, code: ErrorCode, text: string, data?: Buffer): void => {
      const why = `${ctx.alias}: ${text}`;
      refuse(req, status, why);
      sourceOf(conn).error(code, `${why} (answered ${statusName(status)})`, data);
    };

    const received = (conn: Connection, req: http2.ServerHttp2Stream, signal: Signal, body: Buffer): void => {
      const one = unframe(body);
      if ('status' in one) {
        reject(conn, req, one.status, 'ERR_PROTOCOL', `${signal.path}: ${one.reason}`);
        return;
      }
      let value: Record<string, unknown>;
      try {
        value = decode(signal.request, one.message, maxItems);
      } catch (err) {
        if (err instanceof DecodeLimitError) {
          const setting = config.max_decoded_items === undefined ? `max_decoded_items (${maxItems}, a quarter of max_message_size)` : `max_decoded_items (${maxItems})`;
          reject(conn, req, Status.RESOURCE_EXHAUSTED, 'ERR_PROCESSOR_MAX_LENGTH', `${signal.path}: not read: ${err.message}, past ${setting}`, one.message.subarray(0, 64));
          return;
        }
        if (!(err instanceof WireError)) throw err;
        reject(conn, req, Status.INVALID_ARGUMENT, 'ERR_CODEC_DECODE', `${signal.path}: not a valid ${signal.request.name}: ${err.message}`, one.message.subarray(0, 64));
        return;
      }
      requests++;
      let settled = false;
      sourceOf(conn).pushValue(value, ctx.meta({ peer: conn.peer, service: signal.key }), 'out', {
        ack: () => {
          if (settled) return;
          settled = true;
          answerOk(req);
        },
        fail: (why) => {
          if (settled) return;
          settled = true;
          refuse(req, Status.UNAVAILABLE, `${ctx.alias}: the request was not delivered: ${why}`);
        },
      });
    };

    const onStream = (conn: Connection, req: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void => {
      // A peer's reset or a broken connection: the stream is gone, nothing to answer.
      req.on('error', (err) => ctx.log.debug(`stream from ${conn.peer.host}:${conn.peer.port}: ${reason(err)}`));
      const path = String(headers[HTTP2_HEADER_PATH] ?? '');
      const type = String(headers[HTTP2_HEADER_CONTENT_TYPE] ?? '');
      if (!/^application\/grpc([+;]|$)/.test(type)) {
        // Not a gRPC request at all: HTTP's answer (the gRPC spec's 415), with the reason.
        const text = `${ctx.alias}: expected content-type application/grpc, received ${JSON.stringify(type)}`;
        if (!req.headersSent) req.respond({ [HTTP2_HEADER_STATUS]: 415, [HTTP2_HEADER_CONTENT_TYPE]: 'text/plain; charset=utf-8', 'grpc-status': String(Status.INTERNAL), 'grpc-message': encodeGrpcMessage(text) });
        req.end(`${text}\n`);
        sourceOf(conn).error('ERR_PROTOCOL', `${text} (answered 415)`);
        return;
      }
      const signal = BY_PATH.get(path);
      if (signal === undefined || headers[HTTP2_HEADER_METHOD] !== 'POST') {
        reject(conn, req, Status.UNIMPLEMENTED, 'ERR_PROTOCOL', `unknown method ${JSON.stringify(path)}; this server answers ${SIGNALS.filter((s) => config[s.key]).map((s) => s.path).join(', ')} (POST)`);
        return;
      }
      if (!config[signal.key]) {
        reject(conn, req, Status.UNIMPLEMENTED, 'ERR_PROTOCOL', `${signal.path}: this server does not accept ${signal.key} (${signal.key}: false)`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      let declared = -1;
      /** Gives this request's bytes back to the server-wide count, once. */
      const release = (): void => {
        buffered -= size;
        size = 0;
      };
      streams.add(req);
      const deadline = setTimeout(() => {
        if (over) return;
        // Held back by this flow's own backpressure, not by the peer: the deadline starts over.
        if (paused) {
          deadline.refresh();
          return;
        }
        over = true;
        chunks.length = 0;
        release();
        const why = `${ctx.alias}: ${signal.path}: the request's message did not arrive in full within request_timeout_ms (${config.request_timeout_ms})`;
        refuse(req, Status.DEADLINE_EXCEEDED, why);
        sourceOf(conn).error('ERR_TIMEOUT', `${why} (answered DEADLINE_EXCEEDED)`);
        req.close(http2.constants.NGHTTP2_CANCEL);
      }, config.request_timeout_ms);
      req.once('close', () => {
        clearTimeout(deadline);
        streams.delete(req);
        release();
      });
      if (paused) req.pause();
      req.on('data', (chunk: Buffer) => {
        if (over) return;
        if (buffered + chunk.length > config.max_buffered_bytes) {
          over = true;
          chunks.length = 0;
          const held = buffered - size;
          release();
          reject(conn, req, Status.RESOURCE_EXHAUSTED, 'ERR_PROCESSOR_MAX_LENGTH', `${signal.path}: the server holds ${held} bytes of requests being read, and this one's would go past max_buffered_bytes (${config.max_buffered_bytes}); retry later`);
          req.close(http2.constants.NGHTTP2_NO_ERROR);
          return;
        }
        size += chunk.length;
        buffered += chunk.length;
        chunks.push(chunk);
        // The prefix's length is checked as soon as it is in: an oversize message is refused before it is read.
        if (declared < 0 && size >= 5) declared = (chunks.length === 1 ? chunk : Buffer.concat(chunks)).readUInt32BE(1);
        if (declared > config.max_message_size || size > config.max_message_size + 5) {
          over = true;
          chunks.length = 0;
          const got = Math.max(declared, size - 5);
          release();
          reject(conn, req, Status.RESOURCE_EXHAUSTED, 'ERR_PROCESSOR_MAX_LENGTH', `${signal.path}: a message of ${got} bytes is larger than max_message_size (${config.max_message_size})`);
          // The rest of the upload is not wanted: the stream is reset once the answer is out.
          req.close(http2.constants.NGHTTP2_NO_ERROR);
        }
      });
      req.on('end', () => {
        clearTimeout(deadline);
        if (over) return;
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        chunks.length = 0;
        // Read in full: its bytes are the decoder's now, and no longer held against other requests.
        release();
        try {
          received(conn, req, signal, body);
        } catch (err) {
          // Nothing a peer sends may throw out of here; a bug answers INTERNAL rather than crashing the flow.
          reject(conn, req, Status.INTERNAL, 'ERR_PROTOCOL', `${signal.path}: ${reason(err)}`);
        }
      });
    };

    return {
      async start() {
        server = http2.createServer({ settings: { maxConcurrentStreams: config.max_concurrent_streams } });
        server.on('session', (session) => {
          const socket = session.socket;
          if (connections.size >= config.max_connections || stopping) {
            ctx.log.warn(`connection from ${socket.remoteAddress}:${socket.remotePort} refused: ${stopping ? 'stopping' : `max_connections (${config.max_connections}) reached`}`);
            session.destroy();
            return;
          }
          const conn: Connection = { session, peer: { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 } };
          connections.add(conn);
          session.on('error', (err) => ctx.log.debug(`connection from ${conn.peer.host}:${conn.peer.port}: ${reason(err)}`));
          session.on('stream', (req, headers) => onStream(conn, req, headers));
          session.setTimeout(config.idle_timeout_ms, () => {
            ctx.log.debug(`connection from ${conn.peer.host}:${conn.peer.port} idle for ${config.idle_timeout_ms} ms: closed`);
            session.close();
            // close() waits for open streams, and a stalled upload never ends: it is dropped after a grace.
            setTimeout(() => {
              if (session.destroyed) return;
              // Its slot is free from now, not from the socket's close a moment later.
              connections.delete(conn);
              session.destroy();
            }, IDLE_GRACE_MS).unref();
          });
          session.once('close', () => {
            connections.delete(conn);
            conn.stream?.end();
          });
        });
        // Before a session exists (a client that does not speak HTTP/2): logged, the socket closed by Node.
        server.on('sessionError', (err) => ctx.log.debug(`bad connection: ${reason(err)}`));
        server.on('unknownProtocol', (socket) => socket.destroy());
        await new Promise<void>((resolve, reject) => {
          server!.once('error', reject);
          server!.listen({ host: address.host, port: address.port }, () => {
            server!.off('error', reject);
            resolve();
          });
        });
        server.on('error', (err) => ctx.log.error(`server error: ${reason(err)}`));
        closed = new Promise((resolve) => server!.once('close', () => resolve()));
        ctx.listening(`http://${formatHostPort(address.host, (server.address() as AddressInfo).port)}`);
      },
      status: () => ({ connections: connections.size, requests }),
      pause() {
        paused = true;
        for (const req of streams) req.pause();
      },
      resume() {
        paused = false;
        for (const req of streams) req.resume();
      },
      quiesce() {
        stopping = true;
        if (server?.listening) server.close();
        // GOAWAY: clients finish what is under way and open no more streams here.
        for (const conn of connections) conn.session.close();
      },
      async stop() {
        stopping = true;
        if (server === undefined || closed === undefined) return;
        if (server.listening) server.close();
        for (const conn of connections) conn.session.close();
        // A client that never finishes its request is not waited for long.
        const force = setTimeout(() => {
          for (const conn of connections) conn.session.destroy();
        }, 1000);
        await closed;
        clearTimeout(force);
      },
    };
  },
});

export type OtelServerConfig = z.output<typeof Config>;
