import net from 'node:net';

/** Where raw bytes go: a TCP port on 127.0.0.1, or a UNIX socket path. */
export type RawAddress = number | { readonly path: string };

export interface RawReply {
  /** Every byte the server sent, as latin1 text (one char per byte). */
  readonly reply: string;
  /** The server ended or reset the connection (rather than our own timeout closing it). */
  readonly closedByServer: boolean;
  /** How long the connection lived, in ms. */
  readonly ms: number;
  /** We cut it at `timeoutMs`: the server neither finished nor closed by then. */
  readonly timedOut: boolean;
}

export interface RawOptions {
  /** Close our side this long after the last byte went out (0: only when the server closes; bounded by `timeoutMs`). */
  readonly keepOpenMs?: number;
  /** Send the chunks this far apart (a slow drip), instead of all at once. */
  readonly dripMs?: number;
  /** The whole exchange is cut after this long. */
  readonly timeoutMs?: number;
}

/**
 * Bytes written as they are on a fresh connection, in chunks: whatever came back, and whether the
 * server closed the connection. Never rejects; every wait is bounded.
 */
export function raw(address: RawAddress, chunks: Buffer | string | readonly (Buffer | string)[], options: RawOptions = {}): Promise<RawReply> {
  const list = Array.isArray(chunks) ? chunks : [chunks as Buffer | string];
  const { keepOpenMs = 0, dripMs = 0, timeoutMs = 10_000 } = options;
  const started = performance.now();
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let byServer = false;
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    const socket = typeof address === 'number' ? net.connect(address, '127.0.0.1') : net.connect(address.path);
    socket.on('connect', () => {
      let at = 0;
      const next = (): void => {
        if (socket.destroyed) return;
        if (at < list.length) {
          socket.write(list[at++]!);
          if (dripMs > 0) timers.push(setTimeout(next, dripMs));
          else next();
        } else if (keepOpenMs > 0) timers.push(setTimeout(() => socket.destroy(), keepOpenMs));
      };
      next();
    });
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('end', () => (byServer = true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') byServer = true;
    });
    socket.on('close', () => {
      for (const t of timers) clearTimeout(t);
      clearTimeout(cut);
      resolve({ reply: Buffer.concat(parts).toString('latin1'), closedByServer: byServer, ms: performance.now() - started, timedOut });
    });
    const cut = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
  });
}

/** The status code of the first HTTP response in `reply`, or 0 when there is none. */
export const statusOf = (reply: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(reply)?.[1] ?? 0);

export interface FrameOptions {
  /** A client must mask; false writes the (illegal) unmasked form. */
  readonly masked?: boolean;
  readonly fin?: boolean;
  /** RSV1-3 as the bits 0x40, 0x20, 0x10. */
  readonly rsv?: number;
  /** The length to declare instead of the payload's own (an oversize or lying header). */
  readonly declaredLength?: number | bigint;
}

/** A WebSocket frame as a client writes it (or, with the options, as a broken client might). */
export function frame(opcode: number, payload: Buffer, options: FrameOptions = {}): Buffer {
  const { masked = true, fin = true, rsv = 0 } = options;
  const declared = BigInt(options.declaredLength ?? payload.length);
  const first = (fin ? 0x80 : 0) | (rsv & 0x70) | (opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  let head: Buffer;
  if (declared < 126n) head = Buffer.from([first, maskBit | Number(declared)]);
  else if (declared < 65536n) {
    head = Buffer.from([first, maskBit | 126, 0, 0]);
    head.writeUInt16BE(Number(declared), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = maskBit | 127;
    head.writeBigUInt64BE(declared, 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

/** The close code of the first close frame the server sent after its 101 response (0 when none). */
export const closeCodeAfterUpgrade = (reply: string): number => closeAfterUpgrade(reply).code;

/** The code and reason of the first close frame the server sent after its 101 response (code 0 when none). */
export function closeAfterUpgrade(reply: string): { code: number; reason: string } {
  const at = reply.indexOf('\r\n\r\n');
  if (!reply.startsWith('HTTP/1.1 101') || at < 0) return { code: 0, reason: '' };
  let rest = Buffer.from(reply.slice(at + 4), 'latin1');
  // Skip the frames before the close (a server that speaks first, an echo).
  while (rest.length >= 2) {
    const opcode = rest[0]! & 0x0f;
    let len = rest[1]! & 0x7f;
    let off = 2;
    if (len === 126) {
      if (rest.length < 4) return { code: 0, reason: '' };
      len = rest.readUInt16BE(2);
      off = 4;
    } else if (len === 127) {
      if (rest.length < 10) return { code: 0, reason: '' };
      len = Number(rest.readBigUInt64BE(2));
      off = 10;
    }
    if (opcode === 8) return len >= 2 && rest.length >= off + 2 ? { code: rest.readUInt16BE(off), reason: rest.subarray(off + 2, off + len).toString() } : { code: 1005, reason: '' };
    rest = rest.subarray(off + len);
  }
  return { code: 0, reason: '' };
}
