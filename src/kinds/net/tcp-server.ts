import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import { hostPortPeers } from '../../sdk/io/reply-routing.js';
import { limitConnections, MaxConnectionsSchema, SocketConnections } from './socket-connections.js';
import { applySocketOptions, reusePortSupported, SocketOptionsSchema } from '../../sdk/io/socket-options.js';
import { BufSizeSchema, ServerWaterMarksSchema } from '../../sdk/io/socket-io.js';
import { checkWaterMarks } from '../../sdk/io/water-marks.js';
import { listen } from '../../sdk/io/socket-listen.js';
import { parseHostPort, type HostPort } from '../../sdk/io/socket-url.js';
import { loadServerTls, ServerTlsSchema } from '../../sdk/io/tls.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';
import { PerAddressLimit } from '../../sdk/io/per-address-limit.js';

const Config = z
  .strictObject({
    url: z.string().describe('host:port or tcp://host:port to listen on; port 0 picks a free port'),
    backlog: z.number().int().positive().default(128).describe('pending connections not yet accepted'),
    max_connections: MaxConnectionsSchema,
    max_connections_per_ip: z.number().int().positive().optional().describe('open connections per client address at most; one more is closed as soon as it is accepted (logged)'),
    socket_options: SocketOptionsSchema,
    buf_size: BufSizeSchema,
    tls: ServerTlsSchema.optional().describe('{ cert, key } files: every connection is TLS'),
    ...ServerWaterMarksSchema,
  })
  .superRefine((c, ctx) => {
    const url = parseHostPort(c.url, 'tcp');
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    checkWaterMarks(c, ctx);
    if (c.socket_options.SO_REUSEPORT && !reusePortSupported) ctx.addIssue({ code: 'custom', path: ['socket_options', 'SO_REUSEPORT'], message: `SO_REUSEPORT needs Node.js >= 22.12, this is ${process.versions.node}` });
  });

/** A TLS client certificate that the CA vouched for is an identity, as ws_server's mutual TLS. */
function clientIdentity(socket: Socket): { auth?: { method: 'mtls'; user: string | undefined } } {
  const t = socket as tls.TLSSocket;
  if (t.encrypted !== true || t.authorized !== true) return {};
  const cn = t.getPeerCertificate().subject?.CN;
  return { auth: { method: 'mtls', user: Array.isArray(cn) ? cn[0] : cn } };
}

export const tcpServer = defineConnector({
  kind: 'tcp_server',
  description:
    'A TCP server, optionally TLS. Each connection is a stream; an event sent to `in` goes back to the connection named by `meta.tcp_server.peer`, else to every connection among its origins, else to `err`. A failed TLS handshake or a client error never stops it accepting others.',
  config: Config,
  codec: 'required',
  metadata: '`meta.tcp_server = { tls, peer: { host, port }, auth? }` (`auth = { method: "mtls", user }` for a client certificate signed by `tls.ca`, with `tls.client_cert` "request" or "require"). On `in`: `meta.tcp_server.broadcast` (`true`: every connection; `"others"`: all but the ones the event came from), else `meta.tcp_server.peer` picks the connection.',
  create(config, ctx) {
    const address = parseHostPort(config.url, 'tcp') as HostPort;
    const secure = config.tls !== undefined;
    const connections = new SocketConnections(ctx, config, hostPortPeers);
    const perIp = new PerAddressLimit(config.max_connections_per_ip);
    let server: Server | undefined;

    const accept = (socket: Socket): void => {
      const peer = Object.freeze({ host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
      if (!perIp.enter(socket)) {
        ctx.log.info(`connection from ${formatHostPort(peer.host, peer.port)} closed at once: max_connections_per_ip (${perIp.max}) reached for ${peer.host}`);
        socket.destroy();
        return;
      }
      connections.accept(socket, { tls: secure, peer, ...clientIdentity(socket) }, formatHostPort(peer.host, peer.port));
    };

    return {
      async start() {
        if (config.tls === undefined) {
          server = net.createServer(accept);
        } else {
          server = tls.createServer(await loadServerTls(config.tls));
          server.on('secureConnection', accept);
          // A failed handshake concerns that one client; the server goes on accepting.
          server.on('tlsClientError', (err: Error, socket: Socket) => {
            ctx.log.debug(`TLS handshake from ${socket.remoteAddress}:${socket.remotePort} failed: ${err.message}`);
            socket.destroy();
          });
        }
        server.on('connection', (socket: Socket) => applySocketOptions(socket, config.socket_options));
        limitConnections(server, config.max_connections, ctx.log);
        await listen(server, { host: address.host, port: address.port, backlog: config.backlog, reusePort: config.socket_options.SO_REUSEPORT });
        server.on('error', (err) => ctx.log.error(`server error: ${reason(err)}`));
        const bound = server.address() as AddressInfo;
        ctx.listening(`tcp://${formatHostPort(address.host, bound.port)}`);
      },
      status: () => ({ connections: connections.size }),
      write: (event) => connections.write(event),
      pause: (stream) => connections.pause(stream),
      resume: (stream) => connections.resume(stream),
      closeStream: (stream, why) => connections.closeStream(stream, why),
      quiesce() {
        server?.close();
      },
      flush: () => connections.flush(),
      async stop() {
        await connections.stop();
        await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
      },
    };
  },
});

export type TcpServerConfig = z.output<typeof Config>;
