import type { Socket } from 'node:net';
import { z } from 'zod';
import type { ConnectorContext, SourceStream } from '../connector-api.js';
import type { TremoloEvent } from '../event.js';
import { Outlet } from './outlet.js';
import { waterMarksSchema, type OutletTransport, type WaterMarks } from './water-marks.js';

/** Tremor's read buffer size, with its default. */
export const BufSizeSchema = z
  .number()
  .int()
  .positive()
  .default(8192)
  .describe('bytes per read (Tremor’s read buffer): a larger read reaches the preprocessors in pieces of at most this many bytes');

/** A byte stream: it cannot lose a piece from its middle, and has no close codes. */
export const BYTE_STREAM: OutletTransport = { drops: false };

/** The marks of a byte-stream client's connection: it always holds its sources. */
export const WaterMarksSchema = waterMarksSchema();

/**
 * A server's connections: a broadcast to one that reads slowly must not hold up the senders, so
 * they have a slow-consumer policy, less the drops (a byte stream cannot lose a piece from its middle).
 */
export const ServerWaterMarksSchema = waterMarksSchema(BYTE_STREAM);

/** One stream socket (TCP, TLS or UNIX) as a sink target: the outlet core, writing bytes as they are. */
export class SocketOutlet extends Outlet {
  constructor(socket: Socket, key: string, ctx: ConnectorContext, marks: WaterMarks) {
    super(socket, key, ctx, marks, BYTE_STREAM);
    socket.once('close', () => this.closed());
  }

  waiting(): number {
    return this.socket.writableLength;
  }

  protected shut(): void {
    this.socket.destroy();
  }

  protected cut(): void {
    this.socket.destroy();
  }

  /**
   * Writes an event's frames (codec, then this stream's postprocessors). Above the high-water
   * mark the event's origins are held until the socket drains below the low-water mark, or, on a
   * server's connection that isolates this event (`close`, `auto` for an event that did not come
   * from it), the connection is closed once it is past `max_buffered_bytes` or stays over the mark
   * for `max_slow_ms`.
   */
  write(event: TremoloEvent, stream: number): void {
    if (this.refuses(event)) return;
    const ctx = this.ctx;
    if (!this.socket.writable) {
      ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: connection ${this.key} is closing; event not sent`);
      return;
    }
    const frames = ctx.serialize(event, stream);
    if (frames === undefined) return;
    for (const frame of frames) this.socket.write(frame, this.onWrite);
    this.written(event, stream);
  }
}

/**
 * Reads a socket into a source stream, at most `bufSize` bytes per chunk through the preprocessors,
 * as Tremor's fixed read buffer gives them. Slices share the read's memory: nothing is copied.
 */
export function readInto(socket: Socket, stream: SourceStream, bufSize: number): void {
  socket.on('data', (data: Buffer) => {
    if (data.length <= bufSize) stream.push(data);
    else for (let at = 0; at < data.length; at += bufSize) stream.push(data.subarray(at, at + bufSize));
  });
}

/** Ends a socket gracefully (what was written goes out first), destroying it if the peer lingers. */
export function endSocket(socket: Socket, graceMs = 1000): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), graceMs).unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end();
  });
}
