import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { applySocketOptions, type SocketOptions } from './socket-options.js';
import type { HostPort } from './socket-url.js';
import type { ClientTlsOptions } from './tls.js';

/** A place to connect to: what a client dials, and what the events it reads from there carry. */
export interface SocketTarget {
  /** The target as messages name it: `127.0.0.1:4242`, `/run/app.sock`. */
  readonly label: string;
  /** One connection attempt: resolves once established, rejects with the reason it failed or when `signal` aborts. */
  dial(signal: AbortSignal): Promise<Socket>;
  /** `meta[kind]` of the events read from a connection to it. */
  inner(socket: Socket): Record<string, unknown>;
}

export interface TcpDialOptions {
  /** TLS options when the connection is secure (`loadClientTls`), else undefined. */
  readonly tls: ClientTlsOptions | undefined;
  readonly socketOptions: SocketOptions;
  readonly timeoutMs: number;
  /** Aborts the attempt (the connector is stopping). */
  readonly signal: AbortSignal;
}

/** A TCP (or TLS) connection, resolved once established (after the handshake for TLS). */
export function dialTcp(target: HostPort, options: TcpDialOptions): Promise<Socket> {
  if (options.tls === undefined) {
    return settle(net.connect({ host: target.host, port: target.port }), 'connect', options, (s) => applySocketOptions(s, options.socketOptions));
  }
  // SNI must not be an IP address (RFC 6066); the certificate is still checked against it.
  const servername = options.tls.servername ?? (net.isIP(target.host) === 0 ? target.host : undefined);
  const socket = tls.connect({ host: target.host, port: target.port, ...options.tls, ...(servername === undefined ? {} : { servername }) });
  return settle(socket, 'secureConnect', options, (s) => applySocketOptions(s, options.socketOptions));
}

/** The first wait before trying a full UNIX socket again, and the longest. */
const BUSY_FIRST_MS = 2;
const BUSY_MAX_MS = 50;

/**
 * A UNIX stream socket connection, resolved once established. A listener whose backlog is full
 * answers EAGAIN at once where TCP would queue the SYN (a service that forks per connection, under
 * a burst of clients): that is a busy server, not a missing one, so it is tried again with a short
 * backoff (2 ms doubling to 50 ms) until `timeoutMs` has passed, as a blocking connect would wait.
 */
export async function dialUnix(path: string, options: { readonly timeoutMs: number; readonly signal: AbortSignal }): Promise<Socket> {
  const deadline = performance.now() + options.timeoutMs;
  for (let wait = BUSY_FIRST_MS; ; wait = Math.min(wait * 2, BUSY_MAX_MS)) {
    const left = deadline - performance.now();
    try {
      return await settle(net.connect({ path }), 'connect', { timeoutMs: Math.max(1, left), signal: options.signal }, () => {});
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN' || options.signal.aborted) throw err;
      if (performance.now() + wait >= deadline) throw Object.assign(new Error(`${path} is busy: its backlog stayed full for ${options.timeoutMs} ms (EAGAIN)`), { code: 'EAGAIN' });
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function settle(
  socket: Socket,
  ready: 'connect' | 'secureConnect',
  { timeoutMs, signal }: { readonly timeoutMs: number; readonly signal: AbortSignal },
  setup: (s: Socket) => void,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let done = false;
    // ETIMEDOUT, as the kernel's own connect timeout: callers tell a peer that did not answer by it.
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`no connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    const abort = (): void => void socket.destroy(new Error('stopped while connecting'));
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    // Stays attached: an error after the caller took over is the caller's to handle through
    // 'close', and an 'error' without a listener would crash the process.
    socket.on('error', (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      socket.destroy();
      reject(err);
    });
    socket.once(ready, () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      setup(socket);
      resolve(socket);
    });
  });
}
