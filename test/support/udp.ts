import dgram from 'node:dgram';
import { until } from './sockets.js';

/** A UDP socket on 127.0.0.1 for tests: records every datagram with its sender, optionally echoes it. */
export class UdpPeer {
  readonly received: { data: string; port: number }[] = [];

  private constructor(
    readonly socket: dgram.Socket,
    echo: boolean,
  ) {
    socket.on('message', (data, from) => {
      this.received.push({ data: data.toString(), port: from.port });
      if (echo) socket.send(data, from.port, from.address);
    });
  }

  static async open(options: { port?: number; echo?: boolean } = {}): Promise<UdpPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return new UdpPeer(socket, options.echo === true);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: string | Buffer, address: string): Promise<void> {
    const url = new URL(address);
    return new Promise((resolve, reject) => this.socket.send(data, Number(url.port), url.hostname, (err) => (err ? reject(err) : resolve())));
  }

  async waitReceived(count: number, timeoutMs = 2000): Promise<string[]> {
    await until(() => this.received.length >= count, () => `${count} datagrams (have ${JSON.stringify(this.received)})`, timeoutMs);
    return this.received.map((r) => r.data);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const peer = await UdpPeer.open();
  const port = peer.port;
  await peer.close();
  return port;
}
