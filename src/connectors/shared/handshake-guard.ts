import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { createAuthenticator, type Authenticator, type Identity } from './auth/authenticate.js';
import { AuthSchema, type AuthConfig } from './auth/schema.js';

/** Who may connect to a server, checked at the HTTP handshake, before any event exists. */
export const HandshakeSchema = {
  auth: AuthSchema.optional(),
  allowed_origins: z
    .array(z.string())
    .optional()
    .describe('Origin headers accepted (exact, or with * wildcards); others get 403. A request without Origin (not a browser) is accepted'),
  max_connections: z.number().int().positive().default(20_000).describe('open connections at most; more are refused with 503'),
  max_connections_per_ip: z.number().int().positive().optional().describe('open connections per client address at most; more are refused with 503'),
  handshake_timeout_ms: z.number().int().positive().default(10_000).describe('a client that has not finished its handshake by then is dropped'),
};

export interface HandshakeConfig {
  readonly auth?: AuthConfig | undefined;
  readonly allowed_origins?: readonly string[] | undefined;
  readonly max_connections: number;
  readonly max_connections_per_ip?: number | undefined;
}

export type Admission = { readonly ok: true; readonly identity: Identity | undefined } | { readonly ok: false; readonly status: number; readonly reason: string; readonly headers?: Record<string, string> };

const wildcard = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');

/**
 * Counts connections and checks each handshake: capacity first (cheapest), then the Origin, then
 * the credentials. A refusal is an HTTP status on the raw socket, never an open-then-close.
 */
export class HandshakeGuard {
  #open = 0;
  readonly #perIp = new Map<string, number>();
  readonly #origins: RegExp[] | undefined;

  private constructor(
    private readonly config: HandshakeConfig,
    private readonly authenticator: Authenticator | undefined,
  ) {
    this.#origins = config.allowed_origins?.map(wildcard);
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

  async admit(req: IncomingMessage): Promise<Admission> {
    const ip = req.socket.remoteAddress ?? '';
    if (this.#open >= this.config.max_connections) return { ok: false, status: 503, reason: `max_connections (${this.config.max_connections}) reached` };
    const max = this.config.max_connections_per_ip;
    if (max !== undefined && (this.#perIp.get(ip) ?? 0) >= max) return { ok: false, status: 503, reason: `max_connections_per_ip (${max}) reached for ${ip}` };
    const origin = req.headers.origin;
    if (this.#origins !== undefined && origin !== undefined && !this.#origins.some((o) => o.test(origin))) {
      return { ok: false, status: 403, reason: `origin ${JSON.stringify(origin)} is not allowed` };
    }
    if (this.authenticator === undefined) return { ok: true, identity: undefined };
    const result = await this.authenticator.authenticate(req);
    if (!result.ok) return { ok: false, status: 401, reason: result.reason, headers: { 'www-authenticate': result.challenge } };
    return { ok: true, identity: result.identity };
  }

  /** A connection was accepted; call `closed` with the same address when it ends. */
  opened(ip: string): void {
    this.#open++;
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
  }

  closed(ip: string): void {
    this.#open--;
    const n = (this.#perIp.get(ip) ?? 1) - 1;
    if (n > 0) this.#perIp.set(ip, n);
    else this.#perIp.delete(ip);
  }
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** Answers a handshake with an HTTP error and closes the socket: the client never sees an open connection. */
export function refuse(socket: Duplex, status: number, body: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = `${status} ${REASONS[status] ?? 'Error'}: ${body}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}
