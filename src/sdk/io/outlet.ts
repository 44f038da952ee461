import type { Socket } from 'node:net';
import type { ConnectorContext } from '../connector-api.js';
import type { Origin, TremoloEvent } from '../event.js';
import { outbound, type Buffered } from './outbound-budget.js';
import { holdsSources, reportSlowClose, unwatchSlow, watchSlow, type SlowWatch } from './slow-consumer.js';
import { closedHow, type OutletTransport, type WaterMarks } from './water-marks.js';

export type { OutletTransport } from './water-marks.js';

/**
 * One connection as a sink target, whatever its transport: its flow-control key, the holding of
 * the sources that feed it between its high- and low-water marks, its share of the process-wide
 * outbound budget, and the watch and close of a slow consumer. What Tremor's `StreamWriter` is to
 * its connectors. A transport's layer writes an event's frames its own way, passing `onWrite` as
 * the callback of every write, then calls `written`; it says how many bytes wait (`waiting`) and
 * how it closes a slow connection (`shut`, `cut`), and calls `closed` when the connection has
 * closed. `SocketOutlet` (socket-io.ts) is the layer of a byte stream; ws_server and ws_client
 * have theirs, with what only a message transport can do (dropping frames, text frames).
 */
export abstract class Outlet {
  /** True while this connection holds its feeding sources paused. */
  holding = false;
  /** Its share of the process-wide count of bytes waiting; made when it first has bytes waiting. */
  budget: Buffered | undefined = undefined;
  /** While it is isolated over its high-water mark: the deadline of `max_slow_ms`. */
  slow: SlowWatch | undefined = undefined;
  /** Closed for reading too slowly: nothing more is written to it. */
  closing = false;
  /**
   * The callback of writes while the connection holds its sources (see `onWrite`): releases them
   * once the buffer is back under the low-water mark. Node calls a write's callback once that
   * chunk is handed to the kernel, with what waits already reduced: the moment it may cross the
   * mark ('drain' says only when it is empty, and only after a write returned false).
   */
  readonly flushed: () => void;
  /** It has closed (`closed`): what a late send finds waiting is no longer counted. */
  #gone = false;

  constructor(
    readonly socket: Socket,
    /** The flow-control key of this connection (its name in logs). */
    readonly key: string,
    readonly ctx: ConnectorContext,
    readonly marks: WaterMarks,
    readonly transport: OutletTransport,
  ) {
    this.flushed = () => {
      if (this.holding && (this.waiting() <= this.marks.low_water_mark || this.socket.destroyed)) this.release();
    };
  }

  /**
   * The callback for a write: `flushed` while the connection holds its sources, else none. A
   * callback on every write would cost writes that queue (behind one in flight, or corked as `ws`
   * writes a frame's header and payload) a closure and an array copy per batch: Node writes them
   * in one writev and, unless every callback is its shared no-op, must call each one after it.
   * What was written before the hold is covered by the empty write `hold` makes.
   */
  get onWrite(): (() => void) | undefined {
    return this.holding ? this.flushed : undefined;
  }

  /** Bytes waiting to be sent on this connection, in front of the kernel. */
  abstract waiting(): number;
  /** Closes it for reading too slowly, the transport's way; what it did not read is freed with it. */
  protected abstract shut(): void;
  /** Cuts it at once: the process is over its budget, and the memory is what matters. */
  protected abstract cut(): void;
  /** Whether it is still open to be written to: one that is closing anyway is not closed again for being slow. */
  isOpen(): boolean {
    return !this.socket.destroyed;
  }

  /**
   * Whether this event is not to be written, the connection having been closed for reading too
   * slowly (reported then): like a connection that went away, the event is settled, not failed.
   */
  refuses(event: TremoloEvent): boolean {
    if (!this.closing) return false;
    if (event.settle !== undefined) this.ctx.delivered(event, `${this.ctx.alias}: not sent: connection ${this.key} was closed for reading too slowly`);
    return true;
  }

  /**
   * An event's frames were written (or queued by the transport's layer). Above the high-water
   * mark, the event's origins are held until the connection drains below the low-water mark; or,
   * when its policy isolates this event (`close`, `auto` for an event that did not come from it),
   * it is watched and closed once it stays over the mark for `max_slow_ms`. A byte stream is also
   * closed past `max_buffered_bytes`, whatever the policy; a transport that drops does that
   * itself, frame by frame, before writing.
   */
  written(event: TremoloEvent, stream: number): void {
    const bytes = this.waiting();
    // A fast reader's bytes went to the kernel during the write: 0 before, 0 now, nothing to count.
    if (bytes !== (this.budget?.counted ?? 0) && !this.#gone) outbound.count((this.budget ??= this.#member()), bytes);
    // Counting may have closed this very connection to bring the process under its cap.
    if (bytes <= this.marks.high_water_mark || this.closing) return;
    const slow = this.marks.slow_consumer;
    if (slow !== undefined && !this.transport.drops && bytes > slow.max_buffered_bytes) this.closeSlow(`over ${slow.max_buffered_bytes} bytes waiting`);
    else if (slow === undefined || holdsSources(slow.policy, event.origins, this.ctx.id, stream)) this.hold(event.origins);
    else if ((slow.policy === 'close' || slow.policy === 'auto') && this.slow === undefined) {
      const hwm = this.marks.high_water_mark;
      const ms = slow.max_slow_ms;
      watchSlow(
        this,
        ms,
        () => this.waiting() > hwm && this.isOpen(),
        () => this.closeSlow(`over its high_water_mark of ${hwm} bytes for ${ms} ms`),
      );
    }
  }

  /** Holds these origins until the connection drains below its low-water mark. */
  hold(origins: readonly Origin[]): void {
    this.ctx.hold(this.key, origins);
    if (this.holding) return;
    this.holding = true;
    // Its callback comes once what was written before the hold has gone (callbacks run in write
    // order); what is written from now on passes `flushed` itself. One that is not writable is
    // closing, and `closed` releases it.
    if (this.socket.writable) this.socket.write('', this.flushed);
  }

  release(): void {
    if (!this.holding) return;
    this.holding = false;
    this.ctx.release(this.key);
  }

  /** Closes a connection that reads too slowly, and says so (one log line a second for a connector). */
  closeSlow(why: string): void {
    if (this.closing) return;
    this.closing = true;
    unwatchSlow(this);
    reportSlowClose(this.ctx, this.key, why, closedHow(this.transport));
    this.shut();
  }

  /** The connection has closed: its sources go free, and its bytes leave the process-wide count. */
  closed(): void {
    this.#gone = true;
    this.release();
    if (this.budget !== undefined) outbound.leave(this.budget);
  }

  /** Resolves once everything written has been handed to the kernel, or the connection closed. */
  drained(): Promise<void> {
    if (this.waiting() === 0 || !this.socket.writable) return Promise.resolve();
    const socket = this.socket;
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off('close', done);
        resolve();
      };
      // Callbacks run in write order: an empty write's comes after every earlier chunk's. A
      // transport's layer that sends more on 'drain' (Node emits it before those callbacks) is
      // waited for too. 'drain' alone would not do: it comes only after a write returned false.
      const check = (): void => {
        if (socket.writableLength > 0 && socket.writable) socket.write('', check);
        else done();
      };
      socket.write('', check);
      socket.once('close', done);
    });
  }

  /**
   * Its share of the process-wide count. Past the cap it may be closed unless it holds its
   * sources (a byte-stream client, policy `pause`, or holding now): a relay loses nothing, and
   * stops growing at its high-water mark anyway. It is cut at once, since the memory is what
   * matters then and a close frame could not get past what waits in front of it.
   */
  #member(): Buffered {
    return {
      counted: 0,
      waiting: () => this.waiting(),
      evictable: () => this.marks.slow_consumer !== undefined && this.marks.slow_consumer.policy !== 'pause' && !this.holding,
      evict: (why) => {
        this.closeSlow(why);
        this.cut();
      },
      stuck: (why) => this.ctx.log.warn(why),
    };
  }
}
