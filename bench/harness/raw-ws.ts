/**
 * A minimal WebSocket client on a bare TCP socket, for the load generator only. It does what a
 * benchmark client needs and no more: the opening handshake, whole frames in (servers do not mask),
 * frames out masked with a zero key (the XOR is then a no-op, so the generator spends nothing per
 * byte while the server still unmasks as it would for any client), pongs to pings, and a close.
 * Being far cheaper per message than a `ws` client, one core of it can keep one core of server busy,
 * which is the point: the server, not the generator, should be what saturates.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export const OP_TEXT = 1;
export const OP_BINARY = 2;
const OP_CLOSE = 8;
const OP_PING = 9;
const OP_PONG = 10;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface RawWsHandlers {
  /** A whole message (opcode 1 or 2). `payload` is only valid during the call. */
  message(payload: Buffer, opcode: number): void;
  /** After every TCP read: the moment to write what the messages of that read called for. */
  afterRead?(): void;
  close?(): void;
}

export interface WsTarget {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

export function parseTarget(url: string): WsTarget {
  const u = new URL(url);
  if (u.protocol !== 'ws:') throw new Error(`the load generator speaks ws:// only, received ${url}`);
  return { host: u.hostname, port: Number(u.port), path: `${u.pathname}${u.search}` };
}

/** Bytes in front of a client frame's payload: 2-10 bytes of header and 4 of masking key. */
export function headerLength(payloadLength: number): number {
  return (payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10) + 4;
}

/** Writes a client frame header (FIN, opcode, MASK with key 0) at `at`; returns the payload offset. */
export function writeHeader(target: Buffer, at: number, opcode: number, payloadLength: number): number {
  target[at] = 0x80 | opcode;
  let o = at + 2;
  if (payloadLength < 126) target[at + 1] = 0x80 | payloadLength;
  else if (payloadLength < 65536) {
    target[at + 1] = 0x80 | 126;
    target.writeUInt16BE(payloadLength, o);
    o += 2;
  } else {
    target[at + 1] = 0x80 | 127;
    target.writeBigUInt64BE(BigInt(payloadLength), o);
    o += 8;
  }
  target.writeUInt32BE(0, o);
  return o + 4;
}

export function frame(opcode: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(headerLength(payload.length) + payload.length);
  payload.copy(out, writeHeader(out, 0, opcode, payload.length));
  return out;
}

export class RawWs {
  closed = false;
  #pending: Buffer | undefined;
  #fragments: Buffer[] = [];
  #fragmentOpcode = 0;

  private constructor(
    readonly socket: net.Socket,
    private readonly handlers: RawWsHandlers,
  ) {}

  /** Connects and completes the handshake within `timeoutMs`, or rejects. */
  static connect(target: WsTarget, handlers: RawWsHandlers, timeoutMs = 10_000): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: target.host, port: target.port });
      socket.setNoDelay(true);
      const key = randomBytes(16).toString('base64');
      const accept = createHash('sha1').update(key + GUID).digest('base64');
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error(`handshake with ${target.host}:${target.port} took over ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.on('connect', () => {
        socket.write(
          `GET ${target.path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      const onHead = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > 16384) fail(new Error('handshake response too long'));
          return;
        }
        const text = head.toString('latin1', 0, end);
        if (!text.startsWith('HTTP/1.1 101')) return fail(new Error(`handshake refused: ${text.split('\r\n')[0]}`));
        if (!text.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) return fail(new Error(`handshake: wrong Sec-WebSocket-Accept in ${text.split("\r\n")[0]}`));
        clearTimeout(timer);
        socket.off('data', onHead);
        socket.off('error', fail);
        const ws = new RawWs(socket, handlers);
        socket.on('data', (data: Buffer) => ws.#read(data));
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          ws.closed = true;
          handlers.close?.();
        });
        resolve(ws);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.#read(rest);
      };
      socket.on('data', onHead);
    });
  }

  /** Writes frames already built (one buffer may hold several). */
  write(frames: Buffer): void {
    if (!this.closed) this.socket.write(frames);
  }

  /** A polite close (close frame, then FIN), and a hard one if the peer does not finish it. */
  close(): void {
    if (this.closed) return;
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    this.socket.end(frame(OP_CLOSE, code));
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  #read(chunk: Buffer): void {
    const buf = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    let off = 0;
    while (buf.length - off >= 2) {
      const b0 = buf[off]!;
      const b1 = buf[off + 1]!;
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buf.length - off < 4) break;
        length = buf.readUInt16BE(off + 2);
        header = 4;
      } else if (length === 127) {
        if (buf.length - off < 10) break;
        length = Number(buf.readBigUInt64BE(off + 2));
        header = 10;
      }
      if ((b1 & 0x80) !== 0) {
        // A masked frame from a server is a protocol error (RFC 6455 5.1).
        this.socket.destroy();
        return;
      }
      if (buf.length - off < header + length) break;
      const payload = buf.subarray(off + header, off + header + length);
      off += header + length;
      this.#frame(b0 & 0x0f, (b0 & 0x80) !== 0, payload);
    }
    if (off < buf.length) this.#pending = buf.subarray(off);
    this.handlers.afterRead?.();
  }

  #frame(opcode: number, fin: boolean, payload: Buffer): void {
    if (opcode === OP_PING) this.write(frame(OP_PONG, payload));
    else if (opcode === OP_CLOSE) {
      if (!this.socket.destroyed) this.socket.end(frame(OP_CLOSE, payload.subarray(0, 2)));
    } else if (opcode === OP_PONG) return;
    else if (opcode === 0 || !fin) {
      // Servers under test do not fragment, but a message split in frames is still a message.
      if (opcode !== 0) this.#fragmentOpcode = opcode;
      this.#fragments.push(Buffer.from(payload));
      if (fin) {
        const whole = Buffer.concat(this.#fragments);
        this.#fragments = [];
        this.handlers.message(whole, this.#fragmentOpcode);
      }
    } else this.handlers.message(payload, opcode);
  }
}

/** Opens `count` connections, at most `concurrency` handshakes at a time (a SYN flood helps no one). */
export async function connectMany(
  count: number,
  concurrency: number,
  open: (index: number) => Promise<RawWs>,
): Promise<RawWs[]> {
  const out: RawWs[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await open(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}
