import type { Socket } from 'node:net';
import type { ConnectorContext, ConnectorInstance, SourceStream } from '../../sdk/connector-api.js';
import type { SocketTarget } from '../../sdk/io/socket-dial.js';
import { endSocket, readInto, SocketOutlet } from '../../sdk/io/socket-io.js';
import type { WaterMarks } from '../../sdk/io/water-marks.js';

export interface SocketClientOptions {
  readonly config: WaterMarks & { readonly buf_size: number };
  readonly target: SocketTarget;
}

type ClientHooks = Required<Pick<ConnectorInstance, 'connect' | 'write' | 'pause' | 'resume' | 'flush' | 'stop'>>;

/**
 * A client with one connection to a stream socket (tcp_client, unix_socket_client): one stream per
 * connection made. The host drives reconnects through `connect`; a connection that closes, from
 * either side, is reported with `connectionLost`, so a server that goes away is noticed at once,
 * not at the next failed write.
 */
export function socketClient(ctx: ConnectorContext, options: SocketClientOptions): ClientHooks {
  let current: { socket: Socket; stream: SourceStream; outlet: SocketOutlet } | undefined;
  let paused = false;
  let stopping = false;

  return {
    async connect() {
      const socket = await options.target.dial(ctx.signal);
      if (stopping) {
        socket.destroy();
        throw new Error('stopped while connecting');
      }
      const stream = ctx.openStream(ctx.meta(options.target.inner(socket)));
      const conn = { socket, stream, outlet: new SocketOutlet(socket, options.target.label, ctx, options.config) };
      current = conn;
      if (paused) socket.pause();
      readInto(socket, stream, options.config.buf_size);
      let failure: string | undefined;
      socket.on('error', (err) => (failure = err.message));
      socket.once('close', () => {
        stream.end();
        ctx.endSinkStream(stream.id);
        if (current === conn) current = undefined;
        if (!stopping) ctx.connectionLost(failure ?? `${options.target.label} closed the connection`);
      });
      ctx.log.debug(`connected to ${options.target.label} (stream ${stream.id})`);
    },
    write(event) {
      if (current === undefined) {
        ctx.fail(event, 'ERR_NOT_CONNECTED', `${ctx.alias}: not connected to ${options.target.label}; event not sent`);
        return;
      }
      current.outlet.write(event, current.stream.id);
    },
    pause() {
      paused = true;
      current?.socket.pause();
    },
    resume() {
      paused = false;
      current?.socket.resume();
    },
    async flush() {
      if (current !== undefined) await current.outlet.drained();
    },
    async stop() {
      stopping = true;
      if (current !== undefined) await endSocket(current.socket);
    },
  };
}
