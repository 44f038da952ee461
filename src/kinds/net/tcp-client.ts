import type { Socket } from 'node:net';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { quote } from '../../sdk/errors.js';
import { PerStreamSchema, perStreamClient } from './per-stream-client.js';
import { socketClient } from './socket-client.js';
import { failoverTarget } from './failover-target.js';
import { dialTcp, type SocketTarget } from '../../sdk/io/socket-dial.js';
import { SocketOptionsSchema } from '../../sdk/io/socket-options.js';
import { BufSizeSchema, WaterMarksSchema } from '../../sdk/io/socket-io.js';
import { checkWaterMarks } from '../../sdk/io/water-marks.js';
import { parseHostPort, type HostPort } from '../../sdk/io/socket-url.js';
import { ClientTlsSchema, loadClientTls, type ClientTlsOptions } from '../../sdk/io/tls.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';

const Config = z
  .strictObject({
    url: z.string().optional().describe('host:port or tcp://host:port to connect to (with per_stream, the default when an event names none)'),
    urls: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('per_stream, instead of url: the host:port addresses of one service (the nodes of a cluster), tried in turn until one accepts the connection; each new connection starts with the address that answered last (failover)'),
    socket_options: SocketOptionsSchema,
    buf_size: BufSizeSchema,
    tls: ClientTlsSchema.optional().describe('true (system roots, the url host as the name) or { cafile, domain, cert, key }'),
    connect_timeout_ms: z.number().int().positive().default(10_000).describe('give up an attempt (TCP and TLS handshake) that takes longer'),
    ...WaterMarksSchema,
    ...PerStreamSchema,
  })
  .superRefine((c, ctx) => {
    const check = (text: string, path: (string | number)[]): void => {
      const url = parseHostPort(text, 'tcp');
      if (typeof url === 'string') ctx.addIssue({ code: 'custom', path, message: url });
      else if (url.port === 0) ctx.addIssue({ code: 'custom', path, message: `expected a port other than 0 to connect to, received ${JSON.stringify(text)}` });
    };
    checkWaterMarks(c, ctx);
    if (c.urls !== undefined) {
      if (c.url !== undefined) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'expected url or urls, not both' });
      if (!c.per_stream) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'expected per_stream: true (a single connection reconnects per `reconnect` instead)' });
      c.urls.forEach((text, i) => check(text, ['urls', i]));
      return;
    }
    if (c.url === undefined) {
      if (!c.per_stream) ctx.addIssue({ code: 'custom', path: ['url'], message: 'missing; expected host:port (only per_stream clients may take it from each event)' });
      return;
    }
    check(c.url, ['url']);
  });

export const tcpClient = defineConnector({
  kind: 'tcp_client',
  description:
    'A TCP client, optionally TLS, with one connection (one stream per connection made), reconnecting per `reconnect`, also when the server closes. With `per_stream`, one connection per originating stream instead (a gateway): the url may be overridden per event by `meta.tcp_client.url`, replies carry the originating stream’s origins, and each connection lives and dies with its stream.',
  config: Config,
  codec: 'required',
  metadata:
    '`meta.tcp_client = { tls, peer: { host, port } }`. On `in`, with `per_stream`: `meta.tcp_client.url` (host:port) picks the upstream of the stream the event comes from, read from the event that opens it; `meta.tcp_client.connection`, a ws_server handshake\'s ticket (`meta.ws_server.target.connection`, with `upstream.connect`), makes it adopt the connection that handshake made instead of connecting anew.',
  create(config, ctx) {
    const configured = config.url === undefined ? undefined : (parseHostPort(config.url, 'tcp') as HostPort);
    const secure = config.tls !== undefined && config.tls !== false;
    let tls: ClientTlsOptions | undefined;

    const target = (address: HostPort): SocketTarget => ({
      label: formatHostPort(address.host, address.port),
      dial: (signal) => dialTcp(address, { tls, socketOptions: config.socket_options, timeoutMs: config.connect_timeout_ms, signal }),
      inner: (socket: Socket) => ({ tls: secure, peer: { host: socket.remoteAddress ?? address.host, port: socket.remotePort ?? address.port } }),
    });
    const start = async (): Promise<void> => {
      if (secure) tls = await loadClientTls(config.tls!);
    };

    if (config.per_stream) {
      const addresses = config.urls?.map((u) => parseHostPort(u, 'tcp') as HostPort) ?? (configured === undefined ? [] : [configured]);
      const fixed = addresses.length === 0 ? undefined : failoverTarget(addresses.map(target));
      return {
        start,
        ...perStreamClient(ctx, {
          config,
          target(event) {
            const url = (event.meta.tcp_client as { url?: unknown } | undefined)?.url;
            if (url === undefined) return fixed ?? 'no meta.tcp_client.url, and no url configured';
            const address = typeof url === 'string' ? parseHostPort(url, 'tcp') : `expected a string, received ${quote(url)}`;
            return typeof address === 'string' ? `meta.tcp_client.url: ${address}` : target(address);
          },
        }),
      };
    }
    return { start, ...socketClient(ctx, { config, target: target(configured!) }) };
  },
});

export type TcpClientConfig = z.output<typeof Config>;
