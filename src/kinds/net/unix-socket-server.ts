import { chmod } from 'node:fs/promises';
import net, { type Server, type Socket } from 'node:net';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import { limitConnections, MaxConnectionsSchema, peerIds, SocketConnections } from './socket-connections.js';
import { listen } from '../../sdk/io/socket-listen.js';
import { BufSizeSchema, ServerWaterMarksSchema } from '../../sdk/io/socket-io.js';
import { checkWaterMarks } from '../../sdk/io/water-marks.js';
import { claimSocketPath, parsePermissions, releaseSocketPath } from './unix-socket-path.js';

const Config = z
  .strictObject({
    path: z.string().min(1).describe('the socket file to listen on; a stale one (nobody answers on it) is replaced, a live one refused'),
    permissions: z.string().optional().describe('the socket file’s mode in octal ("0o600", "600", Tremor’s "=600"), set right after binding; default: per the umask'),
    backlog: z.number().int().positive().default(128).describe('pending connections not yet accepted'),
    max_connections: MaxConnectionsSchema,
    buf_size: BufSizeSchema,
    ...ServerWaterMarksSchema,
  })
  .superRefine((c, ctx) => {
    if (c.permissions !== undefined) {
      const mode = parsePermissions(c.permissions);
      if (typeof mode === 'string') ctx.addIssue({ code: 'custom', path: ['permissions'], message: mode });
    }
    checkWaterMarks(c, ctx);
  });

export const unixSocketServer = defineConnector({
  kind: 'unix_socket_server',
  description:
    'A UNIX domain socket server. Each connection is a stream with an opaque peer id; an event sent to `in` goes back to the connection named by `meta.unix_socket_server.peer`, else to every connection among its origins, else to `err`. The socket file is removed on stop.',
  config: Config,
  codec: 'required',
  metadata: '`meta.unix_socket_server = { peer, path }`, `peer` a number per connection. On `in`: `meta.unix_socket_server.broadcast` (`true`: every connection; `"others"`: all but the ones the event came from), else `meta.unix_socket_server.peer` picks the connection.',
  create(config, ctx) {
    const connections = new SocketConnections(ctx, config, peerIds);
    let server: Server | undefined;
    let bound = false;
    let nextPeer = 1;

    const accept = (socket: Socket): void => {
      const peer = nextPeer++;
      connections.accept(socket, { peer, path: config.path }, String(peer));
    };

    return {
      async start() {
        await claimSocketPath(config.path);
        server = net.createServer(accept);
        limitConnections(server, config.max_connections, ctx.log);
        await listen(server, { path: config.path, backlog: config.backlog });
        bound = true;
        if (config.permissions !== undefined) await chmod(config.path, parsePermissions(config.permissions) as number);
        server.on('error', (err) => ctx.log.error(`server error: ${reason(err)}`));
        ctx.listening(config.path);
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
        // Only a file this instance bound is ours to remove: a failed start may have met a live one.
        if (bound) await releaseSocketPath(config.path);
      },
    };
  },
});

export type UnixSocketServerConfig = z.output<typeof Config>;
