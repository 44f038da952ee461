import type dgram from 'node:dgram';
import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import { BufSizeSchema } from '../../sdk/io/socket-io.js';
import { parseHostPort, type HostPort } from '../../sdk/io/socket-url.js';
import { bindUdp, checkUdpSocketOptions, DatagramReader, resolve, SendTracker, UdpSocketOptionsSchema } from './udp-socket.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';

const Config = z
  .strictObject({
    url: z.string().describe('host:port or udp://host:port to send to'),
    bind: z.string().optional().describe('the local host:port to bind; default: any address of the remote’s family (0.0.0.0 or ::), a free port'),
    buf_size: BufSizeSchema.describe('the largest datagram accepted, in bytes; a bigger one goes to err'),
    socket_options: UdpSocketOptionsSchema,
  })
  .superRefine((c, ctx) => {
    const url = parseHostPort(c.url, 'udp');
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    else if (url.port === 0) ctx.addIssue({ code: 'custom', path: ['url'], message: `expected a port other than 0 to send to, received ${JSON.stringify(c.url)}` });
    const bind = c.bind === undefined ? undefined : parseHostPort(c.bind, 'udp');
    if (typeof bind === 'string') ctx.addIssue({ code: 'custom', path: ['bind'], message: bind });
    const reuse = checkUdpSocketOptions(c.socket_options);
    if (reuse !== undefined) ctx.addIssue({ code: 'custom', path: ['socket_options', 'SO_REUSEPORT'], message: reuse });
  });

export const udpClient = defineConnector({
  kind: 'udp_client',
  description:
    'A UDP client: each frame it is sent goes out as one datagram to `url`, and datagrams from there come back as events (one stream). The socket is connected to `url`, so datagrams from anyone else are not received.',
  config: Config,
  codec: 'required',
  metadata: '`meta.udp_client = { peer: { host, port } }`, the remote.',
  create(config, ctx) {
    const remote = parseHostPort(config.url, 'udp') as HostPort;
    const sends = new SendTracker();
    let socket: dgram.Socket | undefined;
    let stream: SourceStream | undefined;
    let reader: DatagramReader | undefined;
    let paused = false;

    return {
      async connect() {
        const to = await resolve(remote);
        // As Tremor: an unspecified bind takes any local address of the remote's family.
        const local = config.bind === undefined ? { host: to.family === 6 ? '::' : '0.0.0.0', port: 0, family: to.family } : await resolve(parseHostPort(config.bind, 'udp') as HostPort);
        const s = await bindUdp(local, config.socket_options);
        try {
          await new Promise<void>((done, fail) => {
            s.once('error', fail);
            s.connect(to.port, to.host, () => {
              s.off('error', fail);
              done();
            });
          });
          if (ctx.signal.aborted) throw new Error('stopped while connecting');
        } catch (err) {
          s.close();
          throw err;
        }
        const st = ctx.openStream(ctx.meta({ peer: { host: to.host, port: to.port } }));
        const r = new DatagramReader(ctx, st, config.buf_size);
        if (paused) r.pause();
        s.on('message', (data: Buffer, from: dgram.RemoteInfo) => r.receive(data, from));
        // A connected UDP socket hears of an unreachable remote (ICMP) as an error; the next send may work.
        s.on('error', (err) => ctx.log.warn(`socket error: ${err.message}`));
        socket = s;
        stream = st;
        reader = r;
        ctx.log.debug(`sending to ${formatHostPort(to.host, to.port)} from ${formatHostPort(s.address().address, s.address().port)}`);
      },
      write(event) {
        if (socket === undefined || stream === undefined) {
          ctx.fail(event, 'ERR_NOT_CONNECTED', `${ctx.alias}: not connected to ${config.url}; event not sent`);
          return;
        }
        const frames = ctx.serialize(event, stream.id);
        if (frames === undefined) return;
        let failed = false;
        const fail = (err: Error): void => {
          if (failed) return;
          failed = true;
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: cannot send to ${config.url}: ${err.message}`);
        };
        for (const frame of frames) socket.send(frame, sends.track(fail));
      },
      pause() {
        paused = true;
        reader?.pause();
      },
      resume() {
        paused = false;
        reader?.resume();
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

export type UdpClientConfig = z.output<typeof Config>;
