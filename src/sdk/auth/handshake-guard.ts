import { maxHeaderSize, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { createAuthenticator, type Authenticator, type Identity } from './authenticate.js';
import { AuthSchema, type AuthConfig } from './schema.js';
import { quote } from '../http/request-target.js';
import { PerAddressLimit } from '../io/per-address-limit.js';

/** Who may connect to a server, checked at the HTTP handshake, before any event exists. */
export const HandshakeSchema = {
  auth: AuthSchema.optional(),
  allowed_origins: z
    .array(z.string())
    .optional()
    .describe('Origin headers accepted (exact, or with * wildcards); others get 403. A request without Origin (not a browser) is accepted'),
  max_connections: z
    .number()
    .int()
    .positive()
    .default(20_000)
    .describe('connections at most, each counted from the start of its handshake (while its credentials are checked) until its socket closes; more are refused with 503'),
  max_connections_per_ip: z.number().int().positive().optional().describe('connections per client address at most, counted the same way; more are refused with 503 (default: no limit)'),
  handshake_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('a client that has not sent its whole handshake request by then gets 408 Request Timeout and is dropped; so is a TLS handshake not done by then'),
};

export interface HandshakeConfig {
  readonly auth?: AuthConfig | undefined;
  readonly allowed_origins?: readonly string[] | undefined;
  readonly max_connections: number;
  readonly max_connections_per_ip?: number | undefined;
}

export type Refusal = { readonly ok: false; readonly status: number; readonly reason: string; readonly headers?: Record<string, string>; readonly error?: unknown };
export type Admission = { readonly ok: true; readonly identity: Identity | undefined } | Refusal;

const wildcard = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');

/** How many times the request names a header: Node.js keeps the first Authorization and joins Origins. */
function count(req: IncomingMessage, name: string): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === name) n++;
  return n;
}

/**
 * Counts connections and checks each handshake: capacity first (cheapest, see `enter`), then the
 * Origin, then the credentials (`admit`). A refusal is an HTTP status on the raw socket, never an
 * open-then-close.
 */
export class HandshakeGuard {
  #open = 0;
  readonly #perIp: PerAddressLimit;
  readonly #origins: RegExp[] | undefined;

  private constructor(
    private readonly config: HandshakeConfig,
    private readonly authenticator: Authenticator | undefined,
  ) {
    this.#origins = config.allowed_origins?.map(wildcard);
    this.#perIp = new PerAddressLimit(config.max_connections_per_ip);
  }

  static async create(config: HandshakeConfig): Promise<HandshakeGuard> {
    return new HandshakeGuard(config, config.auth === undefined ? undefined : await createAuthenticator(config.auth));
  }

  get open(): number {
    return this.#open;
  }

  get verifyToken(): Authenticator['verifyToken'] {
    return this.authenticator?.verifyToken;
  }

  /**
   * Takes a place among max_connections for a handshake that starts: the place is held while its
   * credentials are checked (else concurrent handshakes would all pass a count of the open ones)
   * and given back when the socket closes, whatever ends it: the one finaliser of every path.
   */
  enter(socket: Socket): Refusal | undefined {
    // Closed already, it would never say so again: nothing to count.
    if (socket.destroyed) return { ok: false, status: 400, reason: 'the client went away' };
    if (this.#open >= this.config.max_connections) return { ok: false, status: 503, reason: `max_connections (${this.config.max_connections}) reached` };
    if (!this.#perIp.enter(socket)) return { ok: false, status: 503, reason: `max_connections_per_ip (${this.#perIp.max}) reached for ${socket.remoteAddress ?? ''}` };
    this.#open++;
    socket.once('close', () => this.#open--);
    return undefined;
  }

  /** The Origin and the credentials. Never rejects: what it cannot check is a refusal (500, with the error). */
  async admit(req: IncomingMessage): Promise<Admission> {
    try {
      // Ambiguous: a proxy in front may have checked the other one.
      if (count(req, 'authorization') > 1) return { ok: false, status: 400, reason: 'more than one Authorization header' };
      if (count(req, 'origin') > 1) return { ok: false, status: 400, reason: 'more than one Origin header' };
      const origin = req.headers.origin;
      if (this.#origins !== undefined && origin !== undefined && !this.#origins.some((o) => o.test(origin))) {
        return { ok: false, status: 403, reason: `origin ${quote(origin)} is not allowed` };
      }
      if (this.authenticator === undefined) return { ok: true, identity: undefined };
      const result = await this.authenticator.authenticate(req);
      if (!result.ok) {
        const headers: Record<string, string> = result.status === 429 ? { 'retry-after': String(result.retryAfterS) } : { 'www-authenticate': result.challenge };
        return { ok: false, status: result.status, reason: result.reason, headers };
      }
      return { ok: true, identity: result.identity };
    } catch (error) {
      return { ok: false, status: 500, reason: 'the credentials could not be checked', error };
    }
  }
}

/**
 * The status for a request Node's HTTP parser gave up on, as Node's own server answers when nobody
 * listens for 'clientError': 408 for a request not complete in time (a slowloris), 431 for headers
 * over --max-http-header-size, 413 for chunk extensions over their limit, else 400.
 */
export function clientErrorStatus(err: Error & { code?: string }): number {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

/** clientErrorStatus with the reason a handshake's refusal gives. */
export function clientErrorAnswer(err: Error & { code?: string }, timeoutMs: number): [number, string] {
  const status = clientErrorStatus(err);
  switch (status) {
    case 408:
      return [status, `the handshake was not complete within handshake_timeout_ms (${timeoutMs} ms)`];
    case 431:
      return [status, `the request line and headers are over ${maxHeaderSize} bytes`];
    case 413:
      return [status, 'chunk extensions over their limit'];
    default:
      return [status, err.message];
  }
}

/** Answers a handshake with an HTTP error and closes the socket: the client never sees an open connection. */
export function refuse(socket: Duplex, status: number, body: string, headers: Record<string, string> = {}): void {
  // Also when a response to an earlier request on this socket is half written: nothing can follow it.
  if (!socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true) {
    socket.destroy();
    return;
  }
  const phrase = STATUS_CODES[status] ?? 'Error';
  const text = `${status} ${phrase}: ${body}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${phrase}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  // Closed once the answer is written: a client that never closes its side holds nothing (as ws does).
  socket.once('finish', socket.destroy);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}
