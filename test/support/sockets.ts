import net, { type Socket } from 'node:net';
import tls from 'node:tls';

/** Resolves once `condition` holds, polling every few ms; rejects naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: () => string, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A TCP, TLS or UNIX client for tests: every byte received is recorded, and waits are bounded in time. */
export class TestSocket {
  readonly chunks: Buffer[] = [];
  /** Bytes received so far: waiting for a count need not join every chunk at each look. */
  received = 0;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.received += d.length;
    });
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }

  /** Connects to `tcp://host:port`, a UNIX path, or with `tls` options over TLS. */
  static connect(address: string, options: { tls?: tls.ConnectionOptions; timeoutMs?: number } = {}): Promise<TestSocket> {
    const timeoutMs = options.timeoutMs ?? 2000;
    return new Promise((resolve, reject) => {
      let socket: Socket;
      let ready = 'connect';
      if (address.startsWith('tcp://')) {
        const url = new URL(address);
        const at = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
        if (options.tls !== undefined) {
          socket = tls.connect({ ...at, ...options.tls });
          ready = 'secureConnect';
        } else socket = net.connect(at);
      } else socket = net.connect({ path: address });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once(ready, () => {
        clearTimeout(timer);
        resolve(new TestSocket(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.bytes.toString();
  }

  /** The complete lines received so far. */
  get lines(): string[] {
    return this.text.split('\n').slice(0, -1);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  async waitLines(count: number, timeoutMs = 2000): Promise<string[]> {
    await until(() => this.lines.length >= count, () => `${count} lines (have ${JSON.stringify(this.text)})`, timeoutMs);
    return this.lines;
  }

  async waitBytes(count: number, timeoutMs = 2000): Promise<Buffer> {
    await until(() => this.received >= count, () => `${count} bytes (have ${this.received})`, timeoutMs);
    return this.bytes;
  }

  async waitClosed(timeoutMs = 2000): Promise<void> {
    await until(() => this.closed, () => 'the connection to close', timeoutMs);
  }

  /** The local port, which a server reports as the peer's. */
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.socket.end();
    return this.waitClosed().catch(() => void this.socket.destroy());
  }
}
