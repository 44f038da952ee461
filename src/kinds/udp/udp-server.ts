import type dgram from 'node:dgram';
import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { BufSizeSchema } from '../../sdk/io/socket-io.js';
import { parseHostPort, type HostPort } from '../../sdk/io/socket-url.js';
import { bindUdp, checkUdpSocketOptions, DatagramReader, resolve, SendTracker, UdpSocketOptionsSchema } from './udp-socket.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';

const Config = z
  .strictObject({
    url: z.string().describe('host:port or udp://host:port to bind; port 0 picks a free port'),
    buf_size: BufSizeSchema.describe('the largest datagram accepted, in bytes; a bigger one goes to err'),
    socket_options: UdpSocketOptionsSchema,
  })
  .superRefine((c, ctx) => {
    const url = parseHostPort(c.url, 'udp');
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    const reuse = checkUdpSocketOptions(c.socket_options);
    if (reuse !== undefined) ctx.addIssue({ code: 'custom', path: ['socket_options', 'SO_REUSEPORT'], message: reuse });
  });

/** The `{ host, port }` a reply goes to, or undefined when the event names none. */
function replyPeer(event: TremoloEvent): { host: string; port: number } | undefined {
  const peer = (event.meta.udp_server as { peer?: { host?: unknown; port?: unknown } } | undefined)?.peer;
  if (peer === null || typeof peer !== 'object' || typeof peer.host !== 'string' || typeof peer.port !== 'number') return undefined;
  return { host: peer.host, port: peer.port };
}

export const udpServer = defineConnector({
  kind: 'udp_server',
  description:
    'A UDP server: each datagram is one chunk through the preprocessors, all on one stream (UDP has no connections). An event sent to `in` goes to `meta.udp_server.peer`, so an echo answers each sender; without one it goes to `err`. While the flow holds it, datagrams are dropped (UDP has no flow control) and the count is logged.',
  config: Config,
  codec: 'required',
  metadata: '`meta.udp_server = { peer: { host, port } }`, the sender of the datagram. On `in`: `meta.udp_server.peer` is where the event is sent.',
  create(config, ctx) {
    const address = parseHostPort(config.url, 'udp') as HostPort;
    const sends = new SendTracker();
    let socket: dgram.Socket | undefined;
    let stream: SourceStream | undefined;
    let reader: DatagramReader | undefined;
    let quiesced = false;

    return {
      async start() {
        socket = await bindUdp(await resolve(address), config.socket_options);
        const s = ctx.openStream(ctx.meta({}));
        const r = new DatagramReader(ctx, s, config.buf_size);
        stream = s;
        reader = r;
        socket.on('message', (data: Buffer, from: dgram.RemoteInfo) => {
          if (!quiesced) r.receive(data, from, ctx.meta({ peer: { host: from.address, port: from.port } }));
        });
        socket.on('error', (err) => ctx.log.warn(`socket error: ${err.message}`));
        ctx.listening(`udp://${formatHostPort(address.host, socket.address().port)}`);
      },
      write(event) {
        const peer = replyPeer(event);
        if (peer === undefined) {
          ctx.fail(event, 'ERR_ROUTE_NO_TARGET', `${ctx.alias}: no peer to send to: the event carries no meta.udp_server.peer { host, port }`);
          return;
        }
        const s = socket;
        if (s === undefined || stream === undefined) {
          ctx.fail(event, 'ERR_STOPPED', `${ctx.alias}: the socket is closed; event not sent`);
          return;
        }
        const frames = ctx.serialize(event, stream.id);
        if (frames === undefined) return;
        let failed = false;
        const fail = (err: Error): void => {
          if (failed) return;
          failed = true;
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: cannot send to ${formatHostPort(peer.host, peer.port)}: ${err.message}`);
        };
        for (const frame of frames) s.send(frame, peer.port, peer.host, sends.track(fail));
      },
      pause: () => reader?.pause(),
      resume: () => reader?.resume(),
      quiesce() {
        quiesced = true;
      },
      flush: () => sends.idle(),
      async stop() {
        stream?.end();
        const s = socket;
        socket = undefined;
        if (s !== undefined) await new Promise<void>((done) => s.close(() => done()));
      },
    };
  },
});

export type UdpServerConfig = z.output<typeof Config>;
