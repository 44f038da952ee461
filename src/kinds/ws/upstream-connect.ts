import { dialTcp, dialUnix } from '../../sdk/io/socket-dial.js';
import { DEFAULT_SOCKET_OPTIONS } from '../../sdk/io/socket-options.js';
import { parseHostPort } from '../../sdk/io/socket-url.js';
import { offerUpstream } from '../../sdk/io/upstream-handoff.js';
import { quote, type Target } from './upstream-targets.js';

/** Why a handshake's upstream could not be connected: the answer to the client, and the log's detail. */
export interface UpstreamRefusal {
  readonly status: 403 | 502 | 503;
  readonly reason: string;
  readonly detail: string;
  readonly headers?: Record<string, string>;
}

// What a UNIX connect answers when nothing usable is there: ouistiti answers 403, as for a missing
// file, and so does the gateway, with the same text as every other 403.
const NOBODY = new Set(['ECONNREFUSED', 'ENOENT', 'ENOTSOCK', 'EACCES', 'EPROTOTYPE', 'ENOTDIR', 'ENAMETOOLONG', 'EINVAL']);

/**
 * Connects a handshake's upstream before the upgrade completes (ws_server `upstream.connect`), so
 * a WebSocket is only accepted when something relays it. Resolves to the target with the ticket of
 * the connection (`connection`), or to the refusal: 403 when nobody listens on the socket (as
 * ouistiti), 503 with Retry-After when its backlog stayed full or it did not answer in time, 502
 * when a TCP link could not be reached. Never rejects.
 */
export async function connectUpstream(target: Target, path: string, timeoutMs: number, signal: AbortSignal): Promise<Target | UpstreamRefusal> {
  try {
    let socket;
    if ('unix' in target) socket = await dialUnix(target.unix, { timeoutMs, signal });
    else {
      const address = parseHostPort(target.tcp, 'tcp');
      if (typeof address === 'string') return { status: 502, reason: 'the upstream could not be reached', detail: `link ${JSON.stringify(target.tcp)}: ${address}` };
      socket = await dialTcp(address, { tls: undefined, socketOptions: DEFAULT_SOCKET_OPTIONS, timeoutMs, signal });
    }
    return { ...target, connection: offerUpstream(socket) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    const where = 'unix' in target ? target.unix : target.tcp;
    const detail = `${quote(path)}: cannot connect to ${where}: ${message}`;
    if (code === 'EAGAIN' || code === 'ETIMEDOUT') {
      return { status: 503, reason: 'the upstream is busy; try again', detail, headers: { 'Retry-After': '1' } };
    }
    if ('unix' in target && (code === undefined || NOBODY.has(code))) return { status: 403, reason: `no upstream for ${quote(path)}`, detail };
    return { status: 502, reason: 'the upstream could not be reached', detail };
  }
}
