import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { z } from 'zod';
import type { Frame } from '../../sdk/codec-api.js';
import type { ConnectorContext } from '../../sdk/connector-api.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { outbound, type Buffered } from '../../sdk/io/outbound-budget.js';
import { holdsSources, reportSlowClose, SlowConsumerSchema, unwatchSlow, watchSlow, type SlowConsumer, type SlowWatch } from '../../sdk/io/slow-consumer.js';
import { frameIsBinary, nextFrame, type Utf8Carry } from './utf8-carry.js';

export { SlowConsumerSchema, type SlowConsumer } from '../../sdk/io/slow-consumer.js';

export const WaterMarksSchema = {
  slow_consumer: SlowConsumerSchema,
  high_water_mark: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('bytes buffered for one connection above which it is slow: the sources feeding it are paused (pause), or it is isolated (close, drop_*)'),
  low_water_mark: z
    .number()
    .int()
    .min(0)
    .default(256 * 1024)
    .describe('bytes buffered below which they resume'),
};

/**
 * Whether an event goes out as a binary frame: when the codec writes binary, or the event is
 * flagged binary (tremolo's `meta.ws_server.binary` / `meta.ws_client.binary`, or Tremor's
 * top-level `$binary`), so a binary frame received is echoed back binary.
 */
export function isBinaryEvent(event: TremoloEvent, ctx: ConnectorContext): boolean {
  if (ctx.binaryOutput) return true;
  const meta = event.meta as { binary?: unknown; ws_server?: { binary?: unknown }; ws_client?: { binary?: unknown } };
  return meta.binary === true || meta.ws_server?.binary === true || meta.ws_client?.binary === true;
}

export interface Outlet extends Utf8Carry {
  readonly ws: WebSocket;
  readonly socket: Socket;
  /** The flow-control key of this connection. */
  readonly key: string;
  /** True while this connection holds its feeding sources paused. */
  holding: boolean;
  /** drop_oldest: frames waiting in front of the socket, and their bytes. */
  queue?: { frame: Frame; binary: boolean; bytes: number; done: SendDone | undefined }[];
  queuedBytes?: number;
  /** Frames dropped for this connection, and when that was last reported. */
  dropped?: number;
  reportedAt?: number;
  /** Its share of the process-wide count of bytes waiting; made when it first has bytes waiting. */
  budget?: Buffered | undefined;
  /** While it is isolated over its high-water mark: the deadline of `max_slow_ms`. */
  slow?: SlowWatch | undefined;
  /** Closed for reading too slowly: nothing more is sent to it. */
  closing?: boolean;
}

export interface OutletConfig {
  readonly high_water_mark: number;
  readonly low_water_mark: number;
  readonly slow_consumer: SlowConsumer;
}

/** The `ws` send callback of a transactional event's last frame: its bytes were taken by the socket, or not. */
type SendDone = (err?: Error) => void;

function sendDone(event: TremoloEvent, ctx: ConnectorContext): SendDone {
  return (err) => ctx.delivered(event, err === undefined || err === null ? undefined : `${ctx.alias}: not sent: ${err.message}`);
}

const frameBytes = (frame: Frame): number => (typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length);

/** Counts a dropped frame and, at most once a second, says so on `err` with the count so far. */
function dropped(outlet: Outlet, event: TremoloEvent, ctx: ConnectorContext, config: OutletConfig): void {
  outlet.dropped = (outlet.dropped ?? 0) + 1;
  const now = performance.now();
  if (outlet.reportedAt !== undefined && now - outlet.reportedAt < 1000) return;
  outlet.reportedAt = now;
  const { policy, max_buffered_bytes: max } = config.slow_consumer;
  ctx.fail(event, 'ERR_SLOW_CONSUMER', `${ctx.alias}: connection ${outlet.key} reads too slowly (${max} bytes waiting, policy ${policy}): ${outlet.dropped} frames dropped so far`);
}

/** drop_oldest: the socket drained below the high-water mark; send what waits in front of it. */
function flushQueue(outlet: Outlet, config: OutletConfig): void {
  const queue = outlet.queue!;
  while (queue.length > 0 && outlet.ws.bufferedAmount <= config.high_water_mark && outlet.ws.readyState === outlet.ws.OPEN) {
    const item = queue.shift()!;
    outlet.queuedBytes! -= item.bytes;
    outlet.ws.send(item.frame, { binary: item.binary }, item.done);
  }
  if (queue.length > 0 && !outlet.socket.destroyed) outlet.socket.once('drain', () => flushQueue(outlet, config));
}

const isClosing = (outlet: Outlet): boolean => outlet.closing === true;
const waiting = (outlet: Outlet): number => outlet.ws.bufferedAmount + (outlet.queuedBytes ?? 0);

/**
 * Closes a connection that reads too slowly, with 1008. Its close frame waits behind the bytes it
 * did not read, so past a second the socket is cut anyway: what it holds is freed either way.
 */
function closeSlow(outlet: Outlet, ctx: ConnectorContext, why: string): void {
  if (outlet.closing === true) return;
  outlet.closing = true;
  unwatchSlow(outlet);
  for (const item of outlet.queue?.splice(0) ?? []) item.done?.(new Error(`connection ${outlet.key} closed: it reads too slowly`));
  if (outlet.queuedBytes !== undefined) outlet.queuedBytes = 0;
  reportSlowClose(ctx, outlet.key, why);
  outlet.ws.close(1008, 'slow consumer');
  setTimeout(() => outlet.ws.terminate(), 1000).unref();
}

/**
 * The connection's share of the process-wide count, made once, when it first has bytes waiting.
 * Past the process cap it may be closed unless its policy is `pause`: a relay loses nothing, and
 * stops growing at its high-water mark anyway. It is cut at once, since the memory is what
 * matters then and its close frame could not get past what waits for it.
 */
function budgetOf(outlet: Outlet, ctx: ConnectorContext, config: OutletConfig): Buffered {
  const member: Buffered = {
    counted: 0,
    waiting: () => waiting(outlet),
    evictable: () => config.slow_consumer.policy !== 'pause' && !outlet.holding,
    evict: (why) => {
      closeSlow(outlet, ctx, why);
      outlet.ws.terminate();
    },
    stuck: (why) => ctx.log.warn(why),
  };
  outlet.socket.once('close', () => outbound.leave(member));
  return member;
}

/** Pause: hold the event's origins until the socket drains below the low-water mark. */
function hold(outlet: Outlet, event: TremoloEvent, ctx: ConnectorContext, config: OutletConfig): void {
  ctx.hold(outlet.key, event.origins);
  if (outlet.holding) return;
  outlet.holding = true;
  const check = (): void => {
    if (outlet.ws.bufferedAmount > config.low_water_mark && !outlet.socket.destroyed) return;
    outlet.socket.off('drain', check);
    outlet.socket.off('close', check);
    outlet.holding = false;
    ctx.release(outlet.key);
  };
  outlet.socket.on('drain', check);
  outlet.socket.on('close', check);
}

/**
 * Sends an event's frames on one connection. A text frame must be UTF-8 (the peer would otherwise
 * close the connection), so bytes that are not go to `err` and the connection stays up. A
 * connection that reads too slowly gets its policy (see `SlowConsumerSchema`): `pause` holds the
 * event's origins above the high-water mark until the socket drains below the low-water mark; the
 * drop policies keep the sources going and drop frames for this connection only; `close` closes
 * it past `max_buffered_bytes` or `max_slow_ms`; `auto` pauses for an event that came from this
 * connection and closes for the rest. Whatever the policy, no connection ever has more than
 * `max_buffered_bytes` waiting, and what waits counts towards the process-wide cap.
 */
export function sendFrames(
  outlet: Outlet,
  event: TremoloEvent,
  stream: number,
  asBinary: boolean,
  ctx: ConnectorContext,
  config: OutletConfig,
  /** Text for bytes that are UTF-8, binary for the rest, whatever the event says (a gateway). */
  textWhenUtf8 = false,
): void {
  if (outlet.closing === true) {
    // Closed for reading too slowly, which was reported: like a connection that went away.
    if (event.settle !== undefined) ctx.delivered(event, `${ctx.alias}: not sent: connection ${outlet.key} was closed for reading too slowly`);
    return;
  }
  const frames = ctx.serialize(event, stream);
  if (frames === undefined) return;
  const { policy, max_buffered_bytes: max } = config.slow_consumer;
  // Only a transactional event pays for a callback, on its last frame (ws calls them in order).
  let done: SendDone | undefined;
  if (event.settle !== undefined) {
    if (frames.length === 0) ctx.delivered(event);
    else done = sendDone(event, ctx);
  }
  const last = frames.length - 1;
  for (let i = 0; i <= last; i++) {
    let frame = frames[i]!;
    let binary = asBinary;
    if (textWhenUtf8) {
      if (typeof frame === 'string') binary = false;
      else {
        const next = nextFrame(outlet, frame);
        if (next === undefined) {
          // All of it waits for the rest of its character: the event's bytes are taken.
          if (i === last) done?.();
          continue;
        }
        frame = next;
        binary = frameIsBinary;
      }
    }
    if (!binary && typeof frame !== 'string' && !isUtf8(frame)) {
      ctx.fail(event, 'ERR_TEXT_NOT_UTF8', `${ctx.alias}: a text frame must be valid UTF-8; flag the event binary or use a binary codec`);
      return;
    }
    if (policy === 'drop_oldest') {
      if (outlet.queue === undefined) {
        outlet.queue = [];
        outlet.queuedBytes = 0;
      }
      if (outlet.queue.length > 0 || outlet.ws.bufferedAmount > config.high_water_mark) {
        const bytes = frameBytes(frame);
        if (outlet.queue.length === 0) outlet.socket.once('drain', () => flushQueue(outlet, config));
        outlet.queue.push({ frame, binary, bytes, done: i === last ? done : undefined });
        outlet.queuedBytes! += bytes;
        while (outlet.queuedBytes! + outlet.ws.bufferedAmount > max && outlet.queue.length > 0) {
          const gone = outlet.queue.shift()!;
          outlet.queuedBytes! -= gone.bytes;
          gone.done?.(new Error(`dropped for connection ${outlet.key}, which reads too slowly`));
          dropped(outlet, event, ctx, config);
        }
        continue;
      }
    } else if (outlet.ws.bufferedAmount > max) {
      if ((policy === 'close' || policy === 'auto') && !holdsSources(policy, event.origins, ctx.id, stream)) {
        if (event.settle !== undefined) ctx.delivered(event, `${ctx.alias}: not sent: connection ${outlet.key} reads too slowly and was closed`);
        closeSlow(outlet, ctx, `over ${max} bytes waiting`);
        return;
      }
      if (event.settle !== undefined) ctx.delivered(event, `${ctx.alias}: dropped for connection ${outlet.key}, which reads too slowly`);
      dropped(outlet, event, ctx, config);
      continue;
    }
    if (i === last && done !== undefined) outlet.ws.send(frame, { binary }, done);
    else outlet.ws.send(frame, { binary });
  }
  const bytes = waiting(outlet);
  // A fast reader's bytes went to the kernel during the send: 0 before, 0 now, nothing to count.
  if (bytes !== (outlet.budget?.counted ?? 0)) outbound.count((outlet.budget ??= budgetOf(outlet, ctx, config)), bytes);
  // Counting may have closed this very connection to bring the process under its cap.
  if (bytes <= config.high_water_mark || isClosing(outlet)) return;
  if (holdsSources(policy, event.origins, ctx.id, stream)) hold(outlet, event, ctx, config);
  else if ((policy === 'close' || policy === 'auto') && outlet.slow === undefined) {
    const hwm = config.high_water_mark;
    const ms = config.slow_consumer.max_slow_ms;
    const stillSlow = (): boolean => waiting(outlet) > hwm && outlet.ws.readyState === outlet.ws.OPEN;
    watchSlow(outlet, ms, stillSlow, () => closeSlow(outlet, ctx, `over its high_water_mark of ${hwm} bytes for ${ms} ms`));
  }
}

/** Resolves once everything written to the connection has been handed to the kernel. */
export function drained(outlet: Outlet): Promise<void> {
  if (outlet.ws.bufferedAmount === 0 || outlet.socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (outlet.ws.bufferedAmount > 0 && !outlet.socket.destroyed) return;
      outlet.socket.off('drain', check);
      outlet.socket.off('close', check);
      resolve();
    };
    outlet.socket.on('drain', check);
    outlet.socket.on('close', check);
  });
}
