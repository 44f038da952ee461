import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { z } from 'zod';
import { defineConnector, type ConnectorContext, type SourceStream } from '../../sdk/connector-api.js';
import type { Meta } from '../../sdk/event.js';
import { KeepaliveSchema, keepalive } from './keepalive.js';
import { applySocketOptions, SocketOptionsSchema } from '../../sdk/io/socket-options.js';
import { ClientTlsSchema, loadClientTls, type ClientTlsOptions } from '../../sdk/io/tls.js';
import { clientPolicy } from '../../sdk/io/slow-consumer.js';
import { isBinaryEvent, WaterMarksSchema, WsOutlet, type WsMarks } from './ws-outlet.js';
import { formatHostPort, parseWsUrl } from '../../sdk/io/ws-url.js';

const Config = z
  .strictObject({
    url: z.string().describe('ws://host:port/path or wss://host:port/path to connect to'),
    tls: ClientTlsSchema.optional().describe('true (system roots) or { cafile, domain, cert, key }; implied by wss://'),
    headers: z.record(z.string(), z.string()).default({}).describe('handshake headers, e.g. Authorization'),
    protocols: z.array(z.string()).default([]).describe('subprotocols to offer'),
    socket_options: SocketOptionsSchema,
    max_message_size: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024)
      .describe('largest message accepted, in bytes'),
    connect_timeout_ms: z.number().int().positive().default(10_000).describe('give up an attempt whose handshake takes longer'),
    linger_ms: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('once the input has ended, close after this long without a message arriving (each one starts the wait again), so that replies still coming are not lost; 0: close at once'),
    close_timeout_ms: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe("how long a close waits for the server's close frame, messages still arriving meanwhile delivered, before dropping the connection"),
    max_messages: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('close and finish once this many messages have been received (1: one-shot); until then the end of the input does not close; null: no limit'),
    ...KeepaliveSchema,
    ...WaterMarksSchema,
  })
  .superRefine((c, ctx) => {
    const url = parseWsUrl(c.url);
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    else if (url.secure === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `expected ws:// or wss:// before the host, received ${JSON.stringify(c.url)}` });
    else if (url.secure === false && c.tls !== undefined && c.tls !== false) ctx.addIssue({ code: 'custom', path: ['url'], message: `tls is configured but the url is ws://; write wss://, received ${JSON.stringify(c.url)}` });
  });

/** The client's one connection: its outlet, its stream, and whether the host has heard it was lost. */
class ClientConnection extends WsOutlet {
  lost = false;

  constructor(
    ws: WebSocket,
    socket: Socket,
    ctx: ConnectorContext,
    marks: WsMarks,
    readonly stream: SourceStream,
    readonly stopKeepalive: () => void,
  ) {
    // One connection at a time: its flow-control key needs no address.
    super(ws, socket, 'connection', ctx, marks);
  }
}

export const wsClient = defineConnector({
  kind: 'ws_client',
  description:
    'A WebSocket client with one connection (one stream per connection made). Reconnects per `reconnect`, also when the server closes or stops answering pings; events sent while disconnected wait in a bounded queue. Once its input has ended and no message has arrived for `linger_ms`, it closes (close 1000), delivers what arrives until the server answers or `close_timeout_ms` passes, and finishes.',
  config: Config,
  codec: 'required',
  metadata: '`meta.ws_client = { tls, peer: { host, port } }`, plus `binary: true` for a binary frame.',
  create(config, ctx) {
    const url = parseWsUrl(config.url) as Exclude<ReturnType<typeof parseWsUrl>, string>;
    const secure = url.secure === true;
    const sendConfig = clientPolicy(config);
    let tls: ClientTlsOptions | undefined;
    let current: ClientConnection | undefined;
    let paused = false;
    let stopping = false;
    let connecting: WebSocket | undefined;
    /** The input ended, or max_messages arrived: the next close is the last, not one to reconnect after. */
    let ending = false;
    let received = 0;
    let linger: NodeJS.Timeout | undefined;

    /** Closes the connection for good; what arrives until the server's close frame is still delivered. */
    const finish = (): void => {
      ending = true;
      clearTimeout(linger);
      linger = undefined;
      const conn = current;
      if (conn === undefined) {
        ctx.finished();
        return;
      }
      conn.ws.close(1000);
      const timer = setTimeout(() => {
        ctx.log.info(`no answer to the close frame within ${config.close_timeout_ms} ms (close_timeout_ms); connection dropped`);
        conn.ws.terminate();
      }, config.close_timeout_ms);
      conn.ws.once('close', () => clearTimeout(timer));
    };

    /** The host hears of a lost connection once, at the first sign: a close frame, or the close. */
    const lose = (conn: { lost: boolean }, why: string): void => {
      if (conn.lost || stopping) return;
      conn.lost = true;
      ctx.connectionLost(why);
    };

    return {
      confirmsDelivery: true,
      async start() {
        if (secure) tls = (await loadClientTls(config.tls ?? true)) ?? {};
      },
      connect() {
        return new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(config.url, config.protocols, {
            headers: config.headers,
            maxPayload: config.max_message_size,
            handshakeTimeout: config.connect_timeout_ms,
            perMessageDeflate: false,
            ...(tls ?? {}),
          });
          connecting = ws;
          let open = false;
          ws.on('unexpected-response', (_req, res) => {
            ws.terminate();
            reject(new Error(`handshake refused with HTTP ${res.statusCode}`));
          });
          ws.on('error', (err) => {
            if (!open) reject(err);
            else current?.stream.error('ERR_PROTOCOL', `connection: ${err.message}`);
          });
          ws.on('open', () => {
            open = true;
            connecting = undefined;
            if (stopping) {
              ws.terminate();
              reject(new Error('stopped while connecting'));
              return;
            }
            const socket = (ws as unknown as { _socket: Socket })._socket;
            applySocketOptions(socket, config.socket_options);
            const peer = { host: socket.remoteAddress ?? url.host, port: socket.remotePort ?? url.port };
            const inner = { tls: secure, peer };
            const meta = ctx.meta(inner);
            const binaryMeta: Meta = ctx.meta({ ...inner, binary: true });
            const stream = ctx.openStream(meta);
            const key = formatHostPort(peer.host, peer.port);
            const conn = new ClientConnection(ws, socket, ctx, sendConfig, stream, keepalive(ws, config, (why) => ctx.log.info(`server ${key} dead: ${why}`)));
            current = conn;
            if (paused) ws.pause();
            ws.on('message', (data: Buffer, isBinary: boolean) => {
              stream.push(data, isBinary ? binaryMeta : meta);
              if (config.max_messages !== null && ++received === config.max_messages) finish();
              else if (linger !== undefined) linger.refresh();
            });
            ws.on('close', (code: number, why: Buffer) => {
              conn.stopKeepalive();
              stream.end();
              ctx.endSinkStream(stream.id);
              conn.closed();
              if (current === conn) current = undefined;
              const how = `closed with ${code}${why.length > 0 ? ` ${why.toString()}` : ''}`;
              if (!ending) lose(conn, how);
              else if (!stopping) {
                ctx.log.debug(`connection to ${key} ${how}`);
                ctx.finished();
              }
            });
            ctx.log.debug(`connected to ${config.url} (${key})`);
            resolve();
          });
        });
      },
      status: () => ({ connected: current !== undefined }),
      write(event) {
        if (current === undefined || !current.isOpen()) {
          // The server's close frame has arrived and the socket's close not yet: the event waits
          // for the next connection, with those after it.
          if (current !== undefined) lose(current, 'the server is closing the connection');
          ctx.requeue(event);
          return;
        }
        current.send(event, current.stream.id, isBinaryEvent(event, ctx));
      },
      pause() {
        paused = true;
        current?.ws.pause();
      },
      resume() {
        paused = false;
        current?.ws.resume();
      },
      inputEnded() {
        // Nothing more to send, but replies may still be coming. A server answers a close frame at
        // once, dropping what it had still to send (Python's websockets does): so the close waits
        // for the replies to stop (linger_ms), or for as many as asked for (max_messages).
        ending = true;
        if (config.max_messages !== null && received < config.max_messages) return;
        if (config.linger_ms === 0 || !ctx.linked('out')) finish();
        else linger = setTimeout(finish, config.linger_ms);
      },
      async flush() {
        if (current !== undefined) await current.drained();
      },
      async stop() {
        stopping = true;
        clearTimeout(linger);
        connecting?.terminate();
        const conn = current;
        if (conn === undefined) return;
        await new Promise<void>((resolve) => {
          conn.ws.once('close', () => resolve());
          conn.ws.close(1000, 'stopping');
          setTimeout(() => conn.ws.terminate(), config.close_timeout_ms).unref();
        });
      },
    };
  },
});
