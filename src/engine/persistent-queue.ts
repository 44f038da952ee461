import { encodeRecord, type WalRecord } from '../sdk/wal/wal-record.js';
import { WalSegments } from '../sdk/wal/wal-segments.js';
import { reason } from '../sdk/errors.js';
import { createEvent, Receipt, withReceipt, type Settlement, type TremoloEvent } from '../sdk/event.js';
import type { Logger } from '../sdk/logger.js';
import type { Queued as Item, SendQueue } from './send-queue.js';

interface Entry {
  readonly seq: number;
  readonly bytes: number;
  /** The event as stored, without a settlement: each delivery gets a fresh once-only receipt. */
  readonly event: TremoloEvent;
  readonly port: string;
}

/** The input port rides along in the stored metadata under a key no connector namespace uses. */
const PORT_KEY = '$tremolo_port';
const SEGMENT_BYTES = 16 * 1024 * 1024;
const SAVE_MS = 50;

/**
 * A client connector's send queue kept on disk (`queue: { persist: DIR }`), so that what it held
 * while disconnected survives a restart of tremolo. Each event that enters is written to a
 * write-ahead log (the `wal` connector's segment files: length and CRC32 per record) and synced in
 * batches; the event's own acknowledgement upstream waits for that sync, after which the log
 * answers for it. The event given to the connector later is transactional: acknowledged, its
 * record is released; failed (the connection dropped mid-send), it goes back to the head of the
 * queue. What is still queued at a stop stays on disk and is sent first after the next start.
 * Events put back by the host (an undelivered event it requeues) are not written twice.
 */
export class PersistentQueue implements SendQueue {
  #entries: Entry[] = [];
  #wal: WalSegments | undefined;
  /** Upstream settlements of events appended since the last sync, acked once it completes. */
  #unsynced: (Settlement | undefined)[] = [];
  #syncing = false;
  #saveTimer: NodeJS.Timeout | undefined;
  readonly #known = new WeakMap<TremoloEvent, Entry>();

  constructor(
    readonly dir: string,
    readonly capacity: number,
    private readonly log: Logger,
  ) {}

  get place(): string {
    return this.dir;
  }

  /** Opens (creating) the log; what the previous run left comes back first, in order. */
  open(): number {
    const { wal, records } = WalSegments.open(this.dir, SEGMENT_BYTES, this.log);
    this.#wal = wal;
    for (const record of records) this.#entries.push(this.#restore(record));
    return records.length;
  }

  get length(): number {
    return this.#entries.length;
  }

  /** True when queued; false when full; the reason when the event cannot be stored. */
  push(item: Item): boolean | string {
    const known = this.#known.get(item[0]);
    if (known !== undefined) {
      this.#entries.push(known);
      return true;
    }
    if (this.#entries.length >= this.capacity) return false;
    const wal = this.#wal!;
    const [event, port] = item;
    let record: Buffer;
    try {
      record = encodeRecord(wal.nextSeq, event.data, { ...event.meta, [PORT_KEY]: port });
    } catch (err) {
      return `cannot be kept in ${this.dir}: ${reason(err)}`;
    }
    const seq = wal.append(record);
    this.#unsynced.push(event.settle);
    this.#entries.push(this.#entry(seq, record.length, event, port));
    this.#sync();
    return true;
  }

  /** Everything queued, in order, to be given to the connector; still on disk until acknowledged. */
  drain(): Item[] {
    const out = this.#entries.map((entry): Item => {
      const event = withReceipt(entry.event, new Receipt(this.#settlement(entry)));
      this.#known.set(event, entry);
      return [event, entry.port];
    });
    this.#entries = [];
    return out;
  }

  /** The events given up on (reported on err): released from the log, so a restart does not resend them. */
  release(items: readonly Item[]): void {
    for (const [event] of items) {
      const entry = this.#known.get(event);
      if (entry !== undefined) this.#wal!.ack(entry.seq, entry.bytes);
    }
    this.#scheduleSave();
  }

  /** At a stop: what is queued stays on disk for the next run; nothing is lost. */
  close(): { kept: number; lost: Item[] } {
    const kept = this.#entries.length;
    clearTimeout(this.#saveTimer);
    this.#wal?.close();
    for (const settle of this.#unsynced.splice(0)) settle?.ack();
    this.#entries = [];
    return { kept, lost: [] };
  }

  #entry(seq: number, bytes: number, event: TremoloEvent, port: string): Entry {
    return { seq, bytes, event: { ...event, settle: undefined }, port };
  }

  #settlement(entry: Entry): Settlement {
    return {
      ack: () => {
        this.#wal?.ack(entry.seq, entry.bytes);
        this.#scheduleSave();
      },
      // Still on disk: first in line for the next connection.
      fail: () => {
        this.#entries.unshift(entry);
      },
    };
  }

  #restore(record: WalRecord): Entry {
    const { [PORT_KEY]: port, ...meta } = record.meta as Record<string, unknown>;
    return this.#entry(record.seq, record.bytes, createEvent(record.data, meta, []), typeof port === 'string' ? port : 'in');
  }

  #sync(): void {
    if (this.#syncing) return;
    this.#syncing = true;
    // One fdatasync for everything appended in this turn of the event loop.
    setImmediate(() => {
      const settles = this.#unsynced.splice(0);
      this.#wal!.sync().then(
        () => {
          for (const s of settles) s?.ack();
          this.#done();
        },
        (err: unknown) => {
          this.log.error(`queue.persist: cannot write ${this.dir}: ${reason(err)}`);
          for (const s of settles) s?.fail(`not written to ${this.dir}: ${reason(err)}`);
          this.#done();
        },
      );
    });
  }

  #done(): void {
    this.#syncing = false;
    if (this.#unsynced.length > 0) this.#sync();
  }

  #scheduleSave(): void {
    if (this.#saveTimer !== undefined) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      this.#wal?.save();
    }, SAVE_MS);
    this.#saveTimer.unref();
  }
}
