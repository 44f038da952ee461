import http2 from 'node:http2';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { quote, reason } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
import type { HostPort } from '../../sdk/io/socket-url.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';
import { decodeGrpcMessage, frame, maxMessageSize, parseOtelUrl, signalSwitches, Status, statusName, unframe, urlSchema } from './grpc.js';
import { SIGNALS, type Signal } from './otlp-schema.js';
import { encode, ShapeError } from './protobuf-encode.js';

/**
 * Header names a request may not carry as metadata besides the connection-specific ones, which HTTP/2
 * forbids (Node throws on them at every request): those this client sets itself; gRPC's own `grpc-*`
 * are refused too.
 */
const RESERVED_METADATA = new Set(['te', 'host', 'content-type', 'content-length', 'user-agent', 'grpc-timeout']);

const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** Why a metadata name cannot be sent, or undefined when it can. */
function badMetadataName(name: string): string | undefined {
  if (name.startsWith(':')) return `expected a metadata name of your own, received the pseudo-header ${JSON.stringify(name)}, which HTTP/2 sets itself`;
  if (!/^[a-z0-9_.-]+$/.test(name)) return `expected a lowercase header name (letters, digits, _ . -), received ${JSON.stringify(name)}`;
  if (CONNECTION_SPECIFIC.has(name)) return `expected a metadata name of your own, received ${JSON.stringify(name)}, a connection-specific header, which HTTP/2 forbids`;
  if (RESERVED_METADATA.has(name) || name.startsWith('grpc-')) return `expected a metadata name of your own, received ${JSON.stringify(name)}, which ${RESERVED_METADATA.has(name) ? 'this client sets itself' : 'gRPC reserves (grpc-*)'}`;
  return undefined;
}

/**
 * gRPC metadata: names checked against the reserved ones; values printable ASCII (gRPC's ASCII
 * values; a `-bin` one is base64). A bad value is named by its key only: it may be a secret.
 */
const metadataSchema = z
  .record(z.string(), z.string())
  .superRefine((metadata, ctx) => {
    for (const [name, value] of Object.entries(metadata)) {
      const bad = badMetadataName(name);
      if (bad !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: bad });
      else if (!/^[\x20-\x7e]*$/.test(value)) ctx.addIssue({ code: 'custom', path: [name], message: 'expected a value of printable ASCII (a -bin name takes base64); the value is not shown' });
    }
  })
  .default({});

const Config = z.strictObject({
  url: urlSchema('127.0.0.1:4317', 'host:port (or http://host:port) of the OpenTelemetry collector, OTLP/gRPC without TLS (h2c)'),
  ...signalSwitches('send'),
  max_message_size: maxMessageSize.describe('largest request message in bytes (4 MiB, gRPC’s default); a larger event fails to err'),
  connect_timeout_ms: z.number().int().positive().default(10_000).describe('give up a connection attempt that takes longer (retried per `reconnect`)'),
  timeout_ms: z.number().int().positive().default(10_000).describe('a request not answered within this fails to err (ERR_TIMEOUT); sent as its grpc-timeout'),
  max_in_flight: z.number().int().positive().default(64).describe('requests under way at once; past it the streams sending them are paused'),
  metadata: metadataSchema.describe('gRPC metadata (headers) sent with every request, such as an API key: lowercase names of your own (connection-specific headers, te, host, content-type, content-length, user-agent and grpc-* are refused at load time), printable ASCII values (base64 for a -bin name); their values never reach logs or errors'),
});

const { HTTP2_HEADER_PATH, HTTP2_HEADER_METHOD, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_STATUS, HTTP2_HEADER_TE, HTTP2_HEADER_USER_AGENT } = http2.constants;

const SHAPES = 'expected an event { "trace": [...] }, { "metrics": [...] } or { "logs": [...] }';

/** The signal an event is, by its one top-level key, or why it is none. */
function signalOf(data: unknown): Signal | string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return `${SHAPES}, received ${quote(data)}`;
  const keys = Object.keys(data);
  const found = SIGNALS.filter((s) => keys.includes(s.key));
  if (found.length !== 1 || keys.length !== 1) return `${SHAPES}, received one with the keys ${quote(keys)}`;
  return found[0]!;
}

/**
 * Tremor's `otel_client`: each event, Tremor's JSON of one OTLP request, is sent to a collector by the
 * Export call its top-level key names (`trace`, `metrics`, `logs`), over one HTTP/2 connection that
 * reconnects per `reconnect`. An event is delivered once the collector answered OK; any other
 * answer, a timeout or a lost connection fails it to `err` with the reason.
 */
export const otelClient = defineConnector({
  kind: 'otel_client',
  description:
    'Sends each event to an OpenTelemetry collector over OTLP/gRPC (HTTP/2 without TLS): `{"trace": [...]}` by the TraceService, `{"metrics": [...]}` by the MetricsService, `{"logs": [...]}` by the LogsService, in Tremor’s JSON (the current protocol’s names, `scope_spans`, `scope`, `log_records`, are read too). An event is delivered once the collector answered OK; another status, a timeout or a lost connection fails it to `err` with the reason, as does an event of another shape. One connection, reconnecting per `reconnect`.',
  config: Config,
  codec: 'structured',
  ports: { out: ['err'] },
  create(config, ctx) {
    const address = parseOtelUrl(config.url) as HostPort;
    const label = formatHostPort(address.host, address.port);
    const authority = `http://${label}`;
    /** The connection new requests go on; undefined once it is going away (GOAWAY, closed), before the next. */
    let session: http2.ClientHttp2Session | undefined;
    /** Sessions whose loss was reported: reported once, whichever of GOAWAY, an error or the close comes first. */
    const lost = new WeakSet<http2.ClientHttp2Session>();
    /** A session's GOAWAY's last stream id: the streams past it were not processed (RFC 9113 §6.8). */
    const lastStreamOf = new WeakMap<http2.ClientHttp2Session, number>();
    let stopping = false;
    /** Resolves `flush` once nothing is under way. */
    let idle: (() => void) | undefined;
    let inputOver = false;
    const inFlight = new Set<http2.ClientHttp2Stream>();
    let holding = false;
    let sent = 0;

    const settled = (req: http2.ClientHttp2Stream): void => {
      inFlight.delete(req);
      if (holding && inFlight.size < config.max_in_flight) {
        holding = false;
        ctx.release('requests');
      }
      // Input over and everything answered: the connection is closed (GOAWAY), not lost.
      if (inFlight.size === 0) {
        idle?.();
        if (inputOver) closeWhenIdle();
      }
    };

    const closeWhenIdle = (): void => {
      if (inFlight.size > 0 || session === undefined) return;
      stopping = true;
      session.close();
    };

    /** The connection is going away: the host reconnects now, while what is under way on it finishes. */
    const lose = (s: http2.ClientHttp2Session, why: string): void => {
      if (lost.has(s)) return;
      lost.add(s);
      if (session === s) session = undefined;
      // Not left open beside the next one: what is under way on it finishes, then it closes.
      s.close();
      if (!stopping) ctx.connectionLost(why);
    };

    const send = (event: TremoloEvent, signal: Signal, message: Uint8Array, s: http2.ClientHttp2Session): void => {
      const path = signal.path;
      let req: http2.ClientHttp2Stream;
      try {
        req = s.request({
          [HTTP2_HEADER_METHOD]: 'POST',
          [HTTP2_HEADER_PATH]: path,
          [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
          [HTTP2_HEADER_TE]: 'trailers',
          [HTTP2_HEADER_USER_AGENT]: 'tremolo-otel-client',
          'grpc-timeout': `${config.timeout_ms}m`,
          ...config.metadata,
        });
      } catch (err) {
        if (s.closed || s.destroyed) {
          // The session went away between the check and the request (a GOAWAY just in): held for the next.
          lose(s, `${label}: ${reason(err)}`);
          ctx.requeue(event);
        } else {
          // The request itself cannot be made (its headers, say): another connection would not help.
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: ${path} to ${label} could not be sent: ${reason(err)}`);
        }
        return;
      }
      inFlight.add(req);
      if (inFlight.size >= config.max_in_flight && !holding) {
        holding = true;
        ctx.hold('requests', event.origins);
      }
      let done = false;
      const finish = (status: number, text: string): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        settled(req);
        if (status === Status.OK) {
          sent++;
          ctx.delivered(event);
        } else {
          const code = status === Status.DEADLINE_EXCEEDED && text.startsWith('no answer') ? 'ERR_TIMEOUT' : 'ERR_REMOTE';
          ctx.fail(event, code, `${ctx.alias}: ${path} to ${label} failed: ${statusName(status)}${text === '' ? '' : `: ${text}`}`);
        }
      };
      const timer = setTimeout(() => {
        finish(Status.DEADLINE_EXCEEDED, `no answer within timeout_ms (${config.timeout_ms})`);
        req.close(http2.constants.NGHTTP2_CANCEL);
      }, config.timeout_ms);
      let httpStatus = 0;
      let status: number | undefined;
      let text = '';
      const chunks: Buffer[] = [];
      let size = 0;
      const fromHeaders = (headers: http2.IncomingHttpHeaders): void => {
        const raw = headers['grpc-status'];
        if (raw !== undefined) {
          status = Number(raw);
          text = decodeGrpcMessage(headers['grpc-message'] as string | undefined);
        }
      };
      req.on('response', (headers) => {
        httpStatus = Number(headers[HTTP2_HEADER_STATUS]);
        fromHeaders(headers);
      });
      req.on('trailers', fromHeaders);
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // The answer (an Export…ServiceResponse) is tiny; a peer sending more is not buffered.
        if (size <= config.max_message_size + 5) chunks.push(chunk);
      });
      /**
       * Refused before the collector read any of it: reset REFUSED_STREAM, or past the last stream a
       * GOAWAY says was taken. Safe to send again, so it is, on another connection rather than this one.
       */
      const retried = (): boolean => {
        if (done || status !== undefined) return false;
        const last = lastStreamOf.get(s);
        if (req.rstCode !== http2.constants.NGHTTP2_REFUSED_STREAM && !(last !== undefined && req.id !== undefined && req.id > last)) return false;
        done = true;
        clearTimeout(timer);
        if (session !== undefined && session !== s && !session.closed && !session.destroyed) send(event, signal, message, session);
        else {
          lose(s, `${label} refused the request unread (${req.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ? 'REFUSED_STREAM' : 'past its GOAWAY'})`);
          ctx.requeue(event);
        }
        // After the event is placed again, so that an input already over does not close up for good.
        settled(req);
        return true;
      };
      req.on('error', (err) => {
        if (!retried()) finish(Status.UNAVAILABLE, `the connection failed: ${reason(err)}`);
      });
      req.on('close', () => {
        if (retried()) return;
        if (status === undefined) {
          if (httpStatus !== 0 && httpStatus !== 200) finish(Status.UNKNOWN, `answered HTTP ${httpStatus}, not gRPC`);
          else finish(Status.UNAVAILABLE, `the stream closed without a grpc-status (code ${req.rstCode ?? 0})`);
          return;
        }
        if (status === Status.OK && size > 0) {
          const answer = unframe(Buffer.concat(chunks));
          if ('status' in answer) {
            finish(answer.status, `the answer: ${answer.reason}`);
            return;
          }
        }
        finish(status, text);
      });
      req.end(frame(message));
    };

    return {
      async connect() {
        const s = http2.connect(authority, { maxSessionMemory: 16 });
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve, reject) => {
          s.once('connect', () => {
            s.off('error', reject);
            resolve();
          });
          s.once('error', reject);
          timer = setTimeout(() => reject(new Error(`no connection within connect_timeout_ms (${config.connect_timeout_ms})`)), config.connect_timeout_ms);
        })
          .catch((err: unknown) => {
            s.destroy();
            throw new Error(`${label}: ${reason(err)}`);
          })
          .finally(() => clearTimeout(timer));
        if (stopping) {
          s.destroy();
          throw new Error('stopped while connecting');
        }
        session = s;
        let failure: string | undefined;
        s.on('error', (err) => (failure = reason(err)));
        s.once('goaway', (code, lastStreamID) => {
          lastStreamOf.set(s, lastStreamID);
          lose(s, `${label} is closing the connection (GOAWAY ${code})`);
          // Node leaves the streams past the last one open, though the peer will never answer them:
          // closed here, each is sent again (see `retried`) instead of waiting out its timeout.
          for (const req of inFlight) if (req.session === s && req.id !== undefined && req.id > lastStreamID) req.destroy();
        });
        s.once('close', () => lose(s, failure ?? `${label} closed the connection`));
        ctx.log.debug(`connected to ${label}`);
      },
      write(event) {
        const signal = signalOf(event.data);
        if (typeof signal === 'string') {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: ${signal}; not sent`);
          return;
        }
        if (!config[signal.key]) {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: a ${signal.key} event, but this connector does not send ${signal.key} (${signal.key}: false); not sent`);
          return;
        }
        let message: Uint8Array;
        try {
          message = encode(signal.request, event.data);
        } catch (err) {
          if (!(err instanceof ShapeError)) throw err;
          ctx.fail(event, 'ERR_CODEC_ENCODE', `${ctx.alias}: not a valid ${signal.request.name}: ${err.message}; not sent`);
          return;
        }
        if (message.length > config.max_message_size) {
          ctx.fail(event, 'ERR_PROCESSOR_MAX_LENGTH', `${ctx.alias}: a ${signal.request.name} of ${message.length} bytes is larger than max_message_size (${config.max_message_size}); not sent`);
          return;
        }
        if (session === undefined || session.closed || session.destroyed) {
          if (session !== undefined) lose(session, `${label} closed the connection`);
          ctx.requeue(event);
          return;
        }
        send(event, signal, message, session);
      },
      confirmsDelivery: true,
      inputEnded() {
        inputOver = true;
        closeWhenIdle();
      },
      status: () => ({ connected: session !== undefined, in_flight: inFlight.size, sent }),
      async flush() {
        // What is under way is answered (or times out, each within timeout_ms) before the connection closes.
        if (inFlight.size > 0) await new Promise<void>((resolve) => (idle = resolve));
        idle = undefined;
      },
      stop() {
        stopping = true;
        const s = session;
        session = undefined;
        if (s === undefined) return;
        for (const req of inFlight) req.close(http2.constants.NGHTTP2_CANCEL);
        s.close();
        setTimeout(() => s.destroy(), 1000).unref();
      },
    };
  },
});

export type OtelClientConfig = z.output<typeof Config>;
