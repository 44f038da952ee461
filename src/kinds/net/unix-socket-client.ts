import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { quote } from '../../sdk/errors.js';
import { PerStreamSchema, perStreamClient } from './per-stream-client.js';
import { socketClient } from './socket-client.js';
import { dialUnix, type SocketTarget } from '../../sdk/io/socket-dial.js';
import { BufSizeSchema, WaterMarksSchema } from '../../sdk/io/socket-io.js';
import { checkWaterMarks } from '../../sdk/io/water-marks.js';

// A UNIX connect either succeeds or fails at once; the bound only covers a listener that neither
// accepts nor refuses, so it is not worth an option.
const CONNECT_TIMEOUT_MS = 10_000;

const Config = z
  .strictObject({
    path: z.string().min(1).optional().describe('the socket file to connect to (with per_stream, the default when an event names none)'),
    buf_size: BufSizeSchema,
    ...WaterMarksSchema,
    ...PerStreamSchema,
  })
  .superRefine((c, ctx) => {
    if (c.path === undefined && !c.per_stream) ctx.addIssue({ code: 'custom', path: ['path'], message: 'missing; expected the socket file (only per_stream clients may take it from each event)' });
    checkWaterMarks(c, ctx);
  });

export const unixSocketClient = defineConnector({
  kind: 'unix_socket_client',
  description:
    'A UNIX domain socket client with one connection (one stream per connection made), reconnecting per `reconnect`, also when the server closes. With `per_stream`, one connection per originating stream instead (a WebSocket gateway in the manner of ouistiti’s): the path may be overridden per event by `meta.unix_socket_client.path`, replies carry the originating stream’s origins, and each connection lives and dies with its stream.',
  config: Config,
  codec: 'required',
  metadata:
    '`meta.unix_socket_client = { path }`. On `in`, with `per_stream`: `meta.unix_socket_client.path` picks the upstream of the stream the event comes from, read from the event that opens it; `meta.unix_socket_client.connection`, a ws_server handshake\'s ticket (`meta.ws_server.target.connection`, with `upstream.connect`), makes it adopt the connection that handshake made instead of connecting anew.',
  create(config, ctx) {
    const target = (path: string): SocketTarget => ({
      label: path,
      dial: (signal) => dialUnix(path, { timeoutMs: CONNECT_TIMEOUT_MS, signal }),
      inner: () => ({ path }),
    });
    const fixed = config.path === undefined ? undefined : target(config.path);

    if (config.per_stream) {
      return {
        ...perStreamClient(ctx, {
          config,
          target(event) {
            const path = (event.meta.unix_socket_client as { path?: unknown } | undefined)?.path;
            if (path === undefined) return fixed ?? 'no meta.unix_socket_client.path, and no path configured';
            if (typeof path !== 'string' || path === '') return `meta.unix_socket_client.path: expected a non-empty string, received ${quote(path)}`;
            return target(path);
          },
        }),
      };
    }
    return socketClient(ctx, { config, target: fixed! });
  },
});

export type UnixSocketClientConfig = z.output<typeof Config>;
