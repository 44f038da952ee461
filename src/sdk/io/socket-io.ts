import type { Socket } from 'node:net';
import { z } from 'zod';
import type { ConnectorContext, SourceStream } from '../connector-api.js';
import type { TremoloEvent } from '../event.js';
import { outbound, type Buffered } from './outbound-budget.js';
import { holdsSources, reportSlowClose, SocketSlowConsumerSchema, unwatchSlow, watchSlow, type SlowWatch, type SocketSlowConsumer } from './slow-consumer.js';

export interface WaterMarks {
  readonly high_water_mark: number;
  readonly low_water_mark: number;
  /** A server's connections have a policy; a client's always hold their sources. */
  readonly slow_consumer?: SocketSlowConsumer;
}

/** Flow control of a stream socket, as ws_server's marks: a client's connection always holds its sources. */
export const WaterMarksSchema = {
  high_water_mark: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('bytes buffered for one connection above which the sources feeding it are paused'),
  low_water_mark: z
    .number()
    .int()
    .min(0)
    .default(256 * 1024)
    .describe('bytes buffered below which they resume'),
};

/**
 * A server's connections: a broadcast to one that reads slowly must not hold up the senders, so
 * they have ws_server's policies, less the drops (a byte stream cannot lose a piece from its middle).
 */
export const ServerWaterMarksSchema = {
  slow_consumer: SocketSlowConsumerSchema,
  ...WaterMarksSchema,
  high_water_mark: WaterMarksSchema.high_water_mark.describe('bytes buffered for one connection above which it is slow: the sources feeding it are paused (pause), or it is isolated (close)'),
};

/** Tremor's read buffer size, with its default. */
export const BufSizeSchema = z
  .number()
  .int()
  .positive()
  .default(8192)
  .describe('bytes per read (Tremor’s read buffer): a larger read reaches the preprocessors in pieces of at most this many bytes');

/**
 * One stream socket (TCP, TLS or UNIX) as a sink target. The write callback is built once per
 * socket, so a write allocates nothing; it only does work while the socket holds its sources.
 */
export interface SocketOutlet {
  readonly socket: Socket;
  /** The flow-control key of this connection. */
  readonly key: string;
  /** True while this connection holds its feeding sources paused. */
  holding: boolean;
  /** Passed to every write: releases the sources once the buffer is back under the low-water mark. */
  readonly flushed: () => void;
  /** Its share of the process-wide count of bytes waiting; made when it first has bytes waiting. */
  budget: Buffered | undefined;
  /** While it is isolated over its high-water mark: the deadline of `max_slow_ms`. */
  slow: SlowWatch | undefined;
  /** Closed for reading too slowly: nothing more is written to it. */
  closing: boolean;
}

export function socketOutlet(socket: Socket, key: string, ctx: ConnectorContext, marks: WaterMarks): SocketOutlet {
  const outlet: SocketOutlet = {
    socket,
    key,
    holding: false,
    budget: undefined,
    slow: undefined,
    closing: false,
    // Node calls a write's callback once that chunk is handed to the kernel, with writableLength
    // already reduced: the exact moment the buffer may cross the low-water mark. 'drain' would
    // only say when it is empty, and only after a write returned false.
    flushed: () => {
      if (outlet.holding && (socket.writableLength <= marks.low_water_mark || socket.destroyed)) release(outlet, ctx);
    },
  };
  socket.once('close', () => {
    release(outlet, ctx);
    if (outlet.budget !== undefined) outbound.leave(outlet.budget);
  });
  return outlet;
}

/**
 * A socket's share of the process-wide count. Past the cap it may be closed unless it holds its
 * sources (a client's, or policy `pause`): a relay loses nothing, and stops growing at its
 * high-water mark anyway.
 */
function budgetOf(outlet: SocketOutlet, ctx: ConnectorContext, marks: WaterMarks): Buffered {
  return {
    counted: 0,
    waiting: () => outlet.socket.writableLength,
    evictable: () => marks.slow_consumer !== undefined && marks.slow_consumer.policy !== 'pause' && !outlet.holding,
    evict: (why) => closeSlow(outlet, ctx, why),
    stuck: (why) => ctx.log.warn(why),
  };
}

/** Closes a connection that reads too slowly; what it did not read is freed with it. */
function closeSlow(outlet: SocketOutlet, ctx: ConnectorContext, why: string): void {
  if (outlet.closing) return;
  outlet.closing = true;
  unwatchSlow(outlet);
  reportSlowClose(ctx, outlet.key, why, 'closed');
  outlet.socket.destroy();
}

function release(outlet: SocketOutlet, ctx: ConnectorContext): void {
  if (!outlet.holding) return;
  outlet.holding = false;
  ctx.release(outlet.key);
}

/**
 * Writes an event's frames (codec, then this stream's postprocessors) to one socket. Above the
 * high-water mark the event's origins are held until the socket drains below the low-water mark,
 * or, on a server's connection that isolates this event (`close`, `auto` for an event that did
 * not come from it), the connection is closed once it is past `max_buffered_bytes` or stays over
 * the mark for `max_slow_ms`.
 */
export function writeFrames(outlet: SocketOutlet, event: TremoloEvent, stream: number, ctx: ConnectorContext, marks: WaterMarks): void {
  if (outlet.closing) {
    // Closed for reading too slowly, which was reported: like a connection that went away.
    if (event.settle !== undefined) ctx.delivered(event, `${ctx.alias}: not sent: connection ${outlet.key} was closed for reading too slowly`);
    return;
  }
  if (!outlet.socket.writable) {
    ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: connection ${outlet.key} is closing; event not sent`);
    return;
  }
  const frames = ctx.serialize(event, stream);
  if (frames === undefined) return;
  for (const frame of frames) outlet.socket.write(frame, outlet.flushed);
  const bytes = outlet.socket.writableLength;
  // A fast reader's bytes went to the kernel during the write: 0 before, 0 now, nothing to count.
  if (bytes !== (outlet.budget?.counted ?? 0)) outbound.count((outlet.budget ??= budgetOf(outlet, ctx, marks)), bytes);
  if (bytes <= marks.high_water_mark || outlet.closing) return;
  const slow = marks.slow_consumer;
  if (slow !== undefined && bytes > slow.max_buffered_bytes) closeSlow(outlet, ctx, `over ${slow.max_buffered_bytes} bytes waiting`);
  else if (slow === undefined || holdsSources(slow.policy, event.origins, ctx.id, stream)) {
    ctx.hold(outlet.key, event.origins);
    outlet.holding = true;
  } else if (outlet.slow === undefined) {
    const hwm = marks.high_water_mark;
    const stillSlow = (): boolean => outlet.socket.writableLength > hwm && !outlet.socket.destroyed;
    watchSlow(outlet, slow.max_slow_ms, stillSlow, () => closeSlow(outlet, ctx, `over its high_water_mark of ${hwm} bytes for ${slow.max_slow_ms} ms`));
  }
}

/** Resolves once everything written to the socket has been handed to the kernel (or it closed). */
export function socketDrained(socket: Socket): Promise<void> {
  if (socket.writableLength === 0 || !socket.writable) return Promise.resolve();
  return new Promise((resolve) => {
    // Callbacks run in write order: an empty write's comes after every earlier chunk's.
    socket.write('', () => resolve());
    socket.once('close', () => resolve());
  });
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
