import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import type { Frame } from '../../sdk/codec-api.js';
import type { ConnectorContext } from '../../sdk/connector-api.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { Outlet } from '../../sdk/io/outlet.js';
import { holdsSources } from '../../sdk/io/slow-consumer.js';
import { waterMarksSchema, type OutletTransport, type SlowConsumer, type WaterMarks } from '../../sdk/io/water-marks.js';
import { frameIsBinary, nextFrame, type Utf8Carry } from './utf8-carry.js';

/** A message transport: a whole frame can be dropped for one connection; a slow one is closed with 1008. */
const WEBSOCKET: OutletTransport = { drops: true, closeCode: 1008 };

/** ws_server's and ws_client's flow-control options: the one schema, with every policy. */
export const WaterMarksSchema = waterMarksSchema(WEBSOCKET);

/** A WebSocket connection's marks always have a policy. */
export interface WsMarks extends WaterMarks {
  readonly slow_consumer: SlowConsumer;
}

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

/** The `ws` send callback of a transactional event's last frame: its bytes were taken by the socket, or not. */
type SendDone = (err?: Error) => void;

interface Queued {
  readonly frame: Frame;
  readonly binary: boolean;
  readonly bytes: number;
  readonly done: SendDone | undefined;
}

const frameBytes = (frame: Frame): number => (typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length);

/**
 * One WebSocket connection as a sink target: the outlet core (holding, budget, slow close), and
 * what only a message transport can do on top of it: drop a frame for this connection alone
 * (`drop_newest`, and `pause` past `max_buffered_bytes`) or the oldest waiting (`drop_oldest`,
 * with a queue in front of the socket), text frames that must be UTF-8, and the UTF-8 carry of a
 * gateway relaying a byte stream. A slow connection is closed with 1008.
 */
export class WsOutlet extends Outlet implements Utf8Carry {
  declare readonly marks: WsMarks;
  /** text_when_utf8: the start of a character the last relayed read did not complete. */
  carry: Buffer | undefined = undefined;
  /** drop_oldest: frames waiting in front of the socket, and their bytes. */
  queue: Queued[] | undefined = undefined;
  queuedBytes = 0;
  /** Frames dropped for this connection, and when that was last reported. */
  dropped = 0;
  reportedAt = -Infinity;

  constructor(
    readonly ws: WebSocket,
    socket: Socket,
    key: string,
    ctx: ConnectorContext,
    marks: WsMarks,
  ) {
    super(socket, key, ctx, marks, WEBSOCKET);
  }

  waiting(): number {
    return this.ws.bufferedAmount + this.queuedBytes;
  }

  override isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Its close frame waits behind the bytes it did not read, so past a second the socket is cut anyway. */
  protected shut(): void {
    const queue = this.queue?.splice(0);
    this.queuedBytes = 0;
    if (queue !== undefined) for (const item of queue) item.done?.(new Error(`connection ${this.key} closed: it reads too slowly`));
    this.ws.close(1008, 'slow consumer');
    const ws = this.ws;
    setTimeout(() => ws.terminate(), 1000).unref();
  }

  protected cut(): void {
    this.ws.terminate();
  }

  /**
   * Sends an event's frames. A text frame must be UTF-8 (the peer would otherwise close the
   * connection), so bytes that are not go to `err` and the connection stays up. A connection that
   * reads too slowly gets its policy (see the water-mark schema): `pause` holds the event's
   * origins above the high-water mark until the socket drains below the low-water mark; the drop
   * policies keep the sources going and drop frames for this connection only; `close` closes it
   * past `max_buffered_bytes` or `max_slow_ms`; `auto` pauses for an event that came from this
   * connection and closes for the rest. Whatever the policy, no connection ever has more than
   * `max_buffered_bytes` waiting, and what waits counts towards the process-wide cap.
   */
  send(
    event: TremoloEvent,
    stream: number,
    asBinary: boolean,
    /** Text for bytes that are UTF-8, binary for the rest, whatever the event says (a gateway). */
    textWhenUtf8 = false,
  ): void {
    if (this.refuses(event)) return;
    const ctx = this.ctx;
    const frames = ctx.serialize(event, stream);
    if (frames === undefined) return;
    const { policy, max_buffered_bytes: max } = this.marks.slow_consumer;
    // Only a transactional event pays for a callback of its own, on its last frame (ws calls them
    // in order); every other frame passes the outlet's `onWrite`: none unless it holds its sources.
    let done: SendDone | undefined;
    if (event.settle !== undefined) {
      if (frames.length === 0) ctx.delivered(event);
      else done = this.#sendDone(event);
    }
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) {
      let frame = frames[i]!;
      let binary = asBinary;
      if (textWhenUtf8) {
        if (typeof frame === 'string') binary = false;
        else {
          const next = nextFrame(this, frame);
          if (next === undefined) {
            // All of it waits for the rest of its character: the event's bytes are taken.
            if (i === last) done?.();
            continue;
          }
          frame = next;
          binary = frameIsBinary;
        }
        // nextFrame sends as text only what it found valid UTF-8: no second pass over the bytes.
      } else if (!binary && typeof frame !== 'string' && !isUtf8(frame)) {
        ctx.fail(event, 'ERR_TEXT_NOT_UTF8', `${ctx.alias}: a text frame must be valid UTF-8; flag the event binary or use a binary codec`);
        return;
      }
      if (policy === 'drop_oldest') {
        const queue = (this.queue ??= []);
        if (queue.length > 0 || this.ws.bufferedAmount > this.marks.high_water_mark) {
          const bytes = frameBytes(frame);
          if (queue.length === 0) this.socket.once('drain', () => this.#flushQueue());
          queue.push({ frame, binary, bytes, done: i === last ? done : undefined });
          this.queuedBytes += bytes;
          while (this.queuedBytes + this.ws.bufferedAmount > max && queue.length > 0) {
            const gone = queue.shift()!;
            this.queuedBytes -= gone.bytes;
            gone.done?.(new Error(`dropped for connection ${this.key}, which reads too slowly`));
            this.#dropped(event);
          }
          continue;
        }
      } else if (this.ws.bufferedAmount > max) {
        if ((policy === 'close' || policy === 'auto') && !holdsSources(policy, event.origins, ctx.id, stream)) {
          if (event.settle !== undefined) ctx.delivered(event, `${ctx.alias}: not sent: connection ${this.key} reads too slowly and was closed`);
          this.closeSlow(`over ${max} bytes waiting`);
          return;
        }
        if (event.settle !== undefined) ctx.delivered(event, `${ctx.alias}: dropped for connection ${this.key}, which reads too slowly`);
        this.#dropped(event);
        continue;
      }
      this.ws.send(frame, { binary }, i === last && done !== undefined ? done : this.onWrite);
    }
    this.written(event, stream);
  }

  /** Also `flushed`: a hold may end with a transactional event's last frame, whose callback this is. */
  #sendDone(event: TremoloEvent): SendDone {
    return (err) => {
      this.ctx.delivered(event, err === undefined || err === null ? undefined : `${this.ctx.alias}: not sent: ${err.message}`);
      this.flushed();
    };
  }

  /** Counts a dropped frame and, at most once a second, says so on `err` with the count so far. */
  #dropped(event: TremoloEvent): void {
    this.dropped++;
    const now = performance.now();
    if (now - this.reportedAt < 1000) return;
    this.reportedAt = now;
    const { policy, max_buffered_bytes: max } = this.marks.slow_consumer;
    this.ctx.fail(event, 'ERR_SLOW_CONSUMER', `${this.ctx.alias}: connection ${this.key} reads too slowly (${max} bytes waiting, policy ${policy}): ${this.dropped} frames dropped so far`);
  }

  /** drop_oldest: the socket drained below the high-water mark; send what waits in front of it. */
  #flushQueue(): void {
    const queue = this.queue!;
    while (queue.length > 0 && this.ws.bufferedAmount <= this.marks.high_water_mark && this.isOpen()) {
      const item = queue.shift()!;
      this.queuedBytes -= item.bytes;
      this.ws.send(item.frame, { binary: item.binary }, item.done ?? this.onWrite);
    }
    if (queue.length > 0 && !this.socket.destroyed) this.socket.once('drain', () => this.#flushQueue());
  }
}
