import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { ConnectorContext, SourceStream } from '../../sdk/connector-api.js';
import { z } from 'zod';
import { reusePortSupported } from '../../sdk/io/socket-options.js';
import type { HostPort } from '../../sdk/io/socket-url.js';
import { formatHostPort } from '../../sdk/io/ws-url.js';

/**
 * 1 MiB, where Linux's default is 208 KiB: a burst of datagrams that arrives while the event loop is
 * busy (a GC pause, a large write) waits in the kernel instead of being dropped there. Costs memory
 * only while datagrams wait.
 */
const RCVBUF_DEFAULT = 1024 * 1024;

/** Tremor's UDP socket options, with its defaults, and the receive buffer. */
export const UdpSocketOptionsSchema = z
  .strictObject({
    SO_REUSEADDR: z.boolean().default(true).describe('several sockets may bind the same address'),
    SO_REUSEPORT: z.boolean().default(false).describe('several processes share the port (Node.js >= 22.12 only)'),
    SO_RCVBUF: z
      .number()
      .int()
      .min(4096)
      .max(64 * 1024 * 1024)
      .default(RCVBUF_DEFAULT)
      .describe('the receive buffer asked of the kernel, in bytes (Linux doubles it and caps it at net.core.rmem_max): what arrives while the flow is busy waits here; past it the kernel drops datagrams'),
  })
  .default({ SO_REUSEADDR: true, SO_REUSEPORT: false, SO_RCVBUF: RCVBUF_DEFAULT })
  .describe('UDP socket options');
export type UdpSocketOptions = z.output<typeof UdpSocketOptionsSchema>;

export const checkUdpSocketOptions = (options: UdpSocketOptions): string | undefined =>
  options.SO_REUSEPORT && !reusePortSupported ? `SO_REUSEPORT needs Node.js >= 22.12, this is ${process.versions.node}` : undefined;

export interface Resolved extends HostPort {
  readonly family: 4 | 6;
}

/** A host name to one address, so the socket is made of the family the address needs. */
export async function resolve(address: HostPort): Promise<Resolved> {
  const found = await lookup(address.host);
  return { host: found.address, port: address.port, family: found.family === 6 ? 6 : 4 };
}

/** A UDP socket bound to `local`, resolved once bound. */
export async function bindUdp(local: Resolved, options: UdpSocketOptions): Promise<dgram.Socket> {
  const socket = dgram.createSocket({
    type: local.family === 6 ? 'udp6' : 'udp4',
    reuseAddr: options.SO_REUSEADDR,
    ...(options.SO_REUSEPORT ? { reusePort: true } : {}),
    recvBufferSize: options.SO_RCVBUF,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: local.host, port: local.port }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

/**
 * Datagrams into a source stream, each one chunk through the preprocessors. A datagram over
 * `buf_size` goes to `err` whole instead of being cut short, as Tremor's fixed buffer would cut it.
 * UDP has no flow control: while the flow holds this source, datagrams are dropped, as the kernel
 * drops them when nobody reads, and the count is logged when reading resumes.
 */
export class DatagramReader {
  #paused = false;
  #dropped = 0;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly stream: SourceStream,
    private readonly bufSize: number,
  ) {}

  receive(data: Buffer, from: dgram.RemoteInfo, meta = this.stream.meta): void {
    if (this.#paused) {
      this.#dropped++;
      return;
    }
    if (data.length > this.bufSize) {
      const peer = formatHostPort(from.address, from.port);
      this.stream.error('ERR_PROCESSOR_MAX_LENGTH', `a datagram of ${data.length} bytes from ${peer} is over buf_size (${this.bufSize}); dropped`, data);
      return;
    }
    this.stream.push(data, meta);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    if (this.#dropped > 0) this.ctx.log.warn(`dropped ${this.#dropped} datagram(s) while the flow held this source`);
    this.#dropped = 0;
  }
}

/** Sends that are still in the kernel's hands, so a graceful stop can wait for them. */
export class SendTracker {
  #inflight = 0;
  #idle: (() => void)[] = [];

  /** A send callback that counts the send done and reports a failure of it. */
  track(failed: (err: Error) => void): (err: Error | null) => void {
    this.#inflight++;
    return (err) => {
      if (err) failed(err);
      if (--this.#inflight === 0) for (const wake of this.#idle.splice(0)) wake();
    };
  }

  idle(): Promise<void> {
    return this.#inflight === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }
}
