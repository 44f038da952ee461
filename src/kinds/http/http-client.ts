import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { quote, reason, type ErrorCode } from '../../sdk/errors.js';
import { batchParts, type TremoloEvent } from '../../sdk/event.js';
import { REDACTED, redactUrl, redactUrls } from '../../sdk/redact.js';
import { redactHeaders } from '../../sdk/io/credential-redaction.js';
import { encodeBody, pushBody } from './http-body.js';
import { firstValue, headersFrom, HeadersSchema, isToken, MimeMappingSchema, wildcardType, type HeaderRecord } from './http-headers.js';
import { Slots } from './http-slots.js';
import { parseHttpUrl } from './http-url.js';
import { ClientTlsSchema, loadClientTls } from '../../sdk/io/tls.js';

/**
 * Tremor's http_client spellings, accepted so that a Tremor config loads as it is: `concurrency`
 * for `max_concurrency`, `timeout` in nanoseconds for `timeout_ms`, and `auth: { basic: { username,
 * password } }` (or "none") for an Authorization header. Giving both spellings of one option is an
 * error rather than a silent choice.
 */
function fromTremor(raw: unknown, ctx: z.RefinementCtx): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const c = { ...(raw as Record<string, unknown>) };
  const rename = (tremor: string, ours: string, convert: (v: unknown) => unknown = (v) => v): void => {
    if (!(tremor in c)) return;
    if (ours in c) ctx.addIssue({ code: 'custom', path: [tremor], message: `${tremor} (Tremor's spelling) and ${ours} both given; keep one` });
    c[ours] = convert(c[tremor]);
    delete c[tremor];
  };
  rename('concurrency', 'max_concurrency');
  rename('timeout', 'timeout_ms', (ns) => (typeof ns === 'number' && ns > 0 ? Math.max(1, Math.round(ns / 1e6)) : ns));
  if ('auth' in c) {
    const auth = c.auth;
    delete c.auth;
    const basic = (auth as { basic?: { username?: unknown; password?: unknown } } | null)?.basic;
    if (auth === 'none') {
      // Tremor's default: no header.
    } else if (basic !== undefined && typeof basic.username === 'string' && typeof basic.password === 'string') {
      const headers = { ...((c.headers as Record<string, unknown> | undefined) ?? {}) };
      if (Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) ctx.addIssue({ code: 'custom', path: ['auth'], message: 'auth and an authorization header both given; keep one' });
      headers.authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
      c.headers = headers;
    } else {
      // The password is not quoted back, whatever else is wrong.
      const shown = basic?.password === undefined ? auth : { ...auth as object, basic: { ...basic, password: REDACTED } };
      ctx.addIssue({ code: 'custom', path: ['auth'], message: `expected "none" or { basic: { username, password } } (gcp is not supported), received ${JSON.stringify(shown)}` });
    }
  }
  return c;
}

const Config = z.preprocess(fromTremor, z
  .strictObject({
    url: z.string().describe('http://host:port/path or https://...: where requests go; a relative meta.http_client.request.url resolves against it'),
    method: z.string().default('POST').describe('the method of requests, case-insensitive (POST, as in Tremor)'),
    mime_mapping: MimeMappingSchema,
    headers: HeadersSchema.default({}).describe('headers of every request, a value or a list of values each'),
    header_lists: z
      .boolean()
      .default(false)
      .describe("true: every header value in `meta.http_client.response.headers` is a list (`{\"transfer-encoding\": [\"chunked\"]}`), as Tremor gives them (the default in `.troy` flows); false: a value as text, a header given several times as a list"),
    tls: ClientTlsSchema.optional().describe('true (system roots) or { cafile, domain, cert, key }; implied by https://'),
    timeout_ms: z.number().int().positive().default(30_000).describe('a request without its whole response within this fails to err (ERR_TIMEOUT)'),
    max_concurrency: z.number().int().positive().default(16).describe('requests in flight at once; the next ones wait in order'),
    max_waiting: z.number().int().min(0).default(1000).describe('requests waiting for a free slot; past it a request fails to err (ERR_QUEUE_FULL)'),
    max_body_size: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024)
      .describe('largest response body read, in bytes; a bigger one is cut off and the request fails to err (ERR_PROCESSOR_MAX_LENGTH)'),
  })
  .superRefine((c, ctx) => {
    const url = parseHttpUrl(c.url);
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    else if (!url.secure && c.tls !== undefined && c.tls !== false) ctx.addIssue({ code: 'custom', path: ['url'], message: `tls is configured but the url is http://; write https://, received ${JSON.stringify(c.url)}` });
    if (!isToken(c.method)) ctx.addIssue({ code: 'custom', path: ['method'], message: `expected an HTTP method such as GET or POST, received ${JSON.stringify(c.method)}` });
    const headers = headersFrom(c.headers, 'headers');
    if (typeof headers === 'string') ctx.addIssue({ code: 'custom', path: ['headers'], message: headers });
  }));

/**
 * The request as sent, for `meta.http_client.request` and messages: its url without credentials
 * and its credential headers as `***` (as ws_server shows a request's: see credential-redaction).
 */
interface Sent {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderRecord;
}

interface Job {
  readonly event: TremoloEvent;
  readonly url: URL;
  /** The headers that go out, credentials included. */
  readonly headers: HeaderRecord;
  readonly sent: Sent;
  /** The body's pieces (none for GET and HEAD): each a chunk of a chunked request. */
  readonly body: readonly Buffer[] | undefined;
  readonly correlation: unknown;
}

const BODILESS = new Set(['GET', 'HEAD']);

export const httpClient = defineConnector({
  kind: 'http_client',
  description:
    'An HTTP(S) client. Each event reaching `in` is a request, its data the body (encoded by the codec claiming its Content-Type; with no Content-Type, by the `*/*` codec of `mime_mapping`, labelled with a type the mapping gives that codec, else by the connector codec with its postprocessors, labelled with the codec\'s type; GET and HEAD send none). A batch (from a `batch` operator) is one request: its body is each of its events encoded in turn, sent as one chunk each when the request is `transfer-encoding: chunked`, and its method, url, headers and correlation are those of its first event, as in Tremor. Each response is an event on `out`, its body decoded by the codec claiming its Content-Type, else by the connector codec with its preprocessors (an empty body is null), carrying the origins of the request event so that it routes back to where the request came from. Every status is a response; a request that fails (refused, timed out) goes to `err`. At most `max_concurrency` requests are in flight; the next wait in order. Tremor\'s spellings are accepted: `concurrency`, `timeout` (nanoseconds) and `auth: { basic: { username, password } }` (an Authorization header).',
  config: Config,
  codec: { optional: 'json' },
  mimeMapping: (config) => config.mime_mapping,
  batches: true,
  metadata:
    '`meta.http_client = { request: { method, url, headers }, response: { status, headers }, correlation }` on responses: the request as sent (a password in its url, and the values of credential headers, as `***`: Authorization, Proxy-Authorization, cookie values and credential-named headers such as X-Api-Key), and `correlation` copied from the request event (a fresh id when it has none); `err` events of failed requests carry `request` and `correlation`. On `in`: `meta.http_client.request = { method, url, headers }` overrides the method, the url (absolute, or relative to `url`) and headers (merged over `headers`) of one request; `meta.http_client.correlation` is copied to its response.',
  create(config, ctx) {
    const method = config.method.toUpperCase();
    const defaults = headersFrom(config.headers, 'headers') as HeaderRecord;
    const wildcard = wildcardType(config.mime_mapping);
    const inFlight = new Map<http.ClientRequest, Job>();
    const httpAgent = new http.Agent({ keepAlive: true, maxSockets: config.max_concurrency });
    let httpsAgent: https.Agent | undefined;
    let nextBody = 0;
    let stopping = false;

    // Urls in these messages come from the config or the event: their credentials never show.
    const reject = (event: TremoloEvent, why: string): void => ctx.fail(event, 'ERR_WRITE_FAILED', redactUrls(`${ctx.alias}: ${why}; request not sent`));

    /** The request an event stands for, or undefined when it cannot be made (the event went to err). */
    const prepare = (event: TremoloEvent): Job | undefined => {
      // A batch is asked for as its first event asks (Tremor's rule); its parts are built once, here.
      const parts = batchParts(event) ?? [event];
      const head = parts[0] ?? event;
      const own = head.meta.http_client as { request?: unknown; correlation?: unknown } | undefined;
      const over = own?.request ?? {};
      if (typeof over !== 'object' || over === null || Array.isArray(over)) {
        reject(event, `meta.http_client.request must be a record { method, url, headers }, received ${quote(over)}`);
        return undefined;
      }
      const given = over as { method?: unknown; url?: unknown; headers?: unknown };
      const verb = given.method ?? method;
      if (typeof verb !== 'string' || !isToken(verb)) {
        reject(event, `meta.http_client.request.method must be an HTTP method such as GET or POST, received ${quote(verb)}`);
        return undefined;
      }
      let url: URL;
      try {
        if (given.url !== undefined && typeof given.url !== 'string') throw new Error();
        url = new URL(given.url ?? config.url, config.url);
      } catch {
        reject(event, `meta.http_client.request.url must be a url, absolute or relative to ${config.url}, received ${quote(given.url)}`);
        return undefined;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(event, `meta.http_client.request.url must be http:// or https://, received ${quote(given.url)}`);
        return undefined;
      }
      const extra = headersFrom(given.headers, 'meta.http_client.request.headers');
      if (typeof extra === 'string') {
        reject(event, extra);
        return undefined;
      }
      const headers: HeaderRecord = { ...defaults, ...extra };
      const upper = verb.toUpperCase();
      let body: readonly Buffer[] | undefined;
      if (!BODILESS.has(upper)) {
        const declared = firstValue(headers, 'content-type');
        const encoded = encodeBody(ctx, event, nextBody++, declared, wildcard, parts);
        if (encoded === undefined) return undefined;
        body = encoded.chunks;
        if (declared === undefined && encoded.contentType !== undefined) headers['content-type'] = encoded.contentType;
        // A request the flow sends chunked carries no length: HTTP allows one framing, not both.
        if (firstValue(headers, 'transfer-encoding') === undefined) headers['content-length'] = String(encoded.length);
      }
      const correlation = own?.correlation !== undefined ? own.correlation : randomUUID();
      return { event, url, headers, sent: { method: upper, url: redactUrl(url), headers: redactHeaders(headers) as HeaderRecord }, body, correlation };
    };

    const failed = (job: Job, code: ErrorCode, why: string): void => {
      job.event.settle?.fail(why);
      const stream = ctx.openStream(ctx.meta({ request: job.sent, correlation: job.correlation }), job.event.origins);
      stream.error(code, `${job.sent.method} ${job.sent.url} failed: ${why}`);
      stream.end();
    };

    const responded = (job: Job, res: http.IncomingMessage, body: Buffer): void => {
      job.event.settle?.ack();
      const response = { status: res.statusCode ?? 0, headers: config.header_lists ? { ...res.headersDistinct } : { ...res.headers } };
      const stream = ctx.openStream(ctx.meta({ request: job.sent, response, correlation: job.correlation }), job.event.origins);
      pushBody(ctx, stream, body, firstValue(res.headers, 'content-type'), `the response to ${job.sent.method} ${job.sent.url}`);
      stream.end();
    };

    const send = (job: Job, done: () => void): void => {
      const secure = job.url.protocol === 'https:';
      let req: http.ClientRequest;
      try {
        req = (secure ? https : http).request(job.url, { method: job.sent.method, headers: job.headers, agent: secure ? httpsAgent : httpAgent });
      } catch (err) {
        // Node refuses some headers only here (characters outside Latin-1).
        done();
        failed(job, 'ERR_WRITE_FAILED', redactUrls(reason(err)));
        return;
      }
      inFlight.set(req, job);
      let over = false;
      /** Whether the outcome is still to be reported: once, and not after stop (stop reports it). */
      const settle = (): boolean => {
        if (over) return false;
        over = true;
        clearTimeout(timer);
        inFlight.delete(req);
        done();
        return !stopping;
      };
      const timer = setTimeout(() => {
        if (settle()) failed(job, 'ERR_TIMEOUT', `no response within ${config.timeout_ms} ms (timeout_ms)`);
        req.destroy();
      }, config.timeout_ms);
      req.on('error', (err: Error) => {
        if (settle()) failed(job, 'ERR_WRITE_FAILED', redactUrls(reason(err)));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        // A server may send without end: what is held for one response is bounded.
        const tooBig = (): void => {
          if (settle()) failed(job, 'ERR_PROCESSOR_MAX_LENGTH', `the response body is over max_body_size (${config.max_body_size} bytes); cut off`);
          req.destroy();
        };
        if (Number(res.headers['content-length'] ?? 0) > config.max_body_size) {
          tooBig();
          return;
        }
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > config.max_body_size) tooBig();
          else chunks.push(chunk);
        });
        res.on('error', (err: Error) => {
          if (settle()) failed(job, 'ERR_WRITE_FAILED', `the response broke off: ${reason(err)}`);
        });
        res.on('end', () => {
          if (settle()) responded(job, res, Buffer.concat(chunks));
        });
      });
      // Node frames each write as a chunk of its own when the request is chunked; else the pieces
      // simply follow each other under the content-length.
      for (const chunk of job.body ?? []) req.write(chunk);
      req.end();
    };

    // Requests waiting for a slot hold the streams they came from, so a fast producer is paused
    // instead of filling the queue; the last one leaving the queue lets them go.
    const slots = new Slots<Job>(config.max_concurrency, config.max_waiting, send, () => ctx.release('requests'));

    return {
      async start() {
        const tls = config.tls === undefined || config.tls === false ? {} : ((await loadClientTls(config.tls)) ?? {});
        httpsAgent = new https.Agent({ keepAlive: true, maxSockets: config.max_concurrency, ...tls });
      },
      write(event) {
        const job = prepare(event);
        if (job === undefined) return;
        const placed = slots.submit(job);
        if (placed === 'queued') ctx.hold('requests', event.origins);
        else if (placed === 'full') {
          ctx.fail(event, 'ERR_QUEUE_FULL', `${ctx.alias}: ${slots.active} requests in flight and ${slots.waiting} waiting (max_waiting); request not sent`);
        }
      },
      async flush() {
        await slots.idle();
      },
      stop() {
        stopping = true;
        for (const job of slots.drain()) ctx.fail(job.event, 'ERR_STOPPED', `${ctx.alias}: stopped before the request was sent`);
        for (const [req, job] of inFlight) {
          ctx.fail(job.event, 'ERR_STOPPED', `${ctx.alias}: stopped before the response to ${job.sent.method} ${job.sent.url}`);
          req.destroy();
        }
        httpAgent.destroy();
        httpsAgent?.destroy();
      },
    };
  },
});

export type HttpClientConfig = z.output<typeof Config>;
