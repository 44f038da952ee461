import WebSocket from 'ws';
import { TestSocket } from './sockets.js';

/** How a server answered a WebSocket handshake. */
export interface HandshakeAnswer {
  /** 101 when it opened. */
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The refusal's body ('' when it opened). */
  readonly body: string;
  readonly ms: number;
}

/**
 * One handshake by the `ws` client, bounded in time. An opened connection is closed again, or kept
 * in `keep` (the caller terminates it) when a test needs it to hold its place.
 */
export function handshake(url: string, options: WebSocket.ClientOptions = {}, keep?: WebSocket[], timeoutMs = 10_000): Promise<HandshakeAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no answer to the handshake with ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started });
        ws.terminate();
      });
    });
    ws.on('open', () => {
      clearTimeout(timer);
      resolve({ status: 101, headers: {}, body: '', ms: performance.now() - started });
      if (keep === undefined) ws.close();
      else keep.push(ws);
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** How many answers had each status: `{ 101: 5, 503: 55 }`. */
export const tally = (answers: readonly { status: number }[]): Record<number, number> =>
  answers.reduce<Record<number, number>>((t, a) => ((t[a.status] = (t[a.status] ?? 0) + 1), t), {});

/**
 * An upgrade request as text, with a request-target and extra headers of the caller's choosing:
 * header lines as they are sent (each ending in \r\n, repeats and oddities included), or a record.
 */
export const upgradeRequest = (target: string, headers: string | Readonly<Record<string, string>> = '', host = '127.0.0.1'): string =>
  `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${
    typeof headers === 'string' ? headers : Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
  }\r\n`;

/** An HTTP answer as read off the socket: status, head (status line and headers) and body. */
export interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Sends `request` as is on a fresh TCP connection and reads the answer until the server closes the connection. */
export async function rawRequest(url: string, request: string, timeoutMs = 3000): Promise<RawAnswer> {
  const socket = await TestSocket.connect(`tcp://${new URL(url).host}`);
  socket.send(request);
  await socket.waitClosed(timeoutMs);
  const text = socket.text;
  const end = text.indexOf('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? 0), head: text.slice(0, end), body: text.slice(end + 4) };
}
