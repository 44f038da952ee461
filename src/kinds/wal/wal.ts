import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import type { Meta, Outcome, TremoloEvent } from '../../sdk/event.js';
import { encodeRecord } from '../../sdk/wal/wal-record.js';
import { WalSegments } from '../../sdk/wal/wal-segments.js';
import { WalQueue, type WalEntry } from './wal-queue.js';

const MiB = 1024 * 1024;

const Config = z.strictObject({
  dir: z.string().min(1).describe('the folder of the log (created if missing); one wal connector per folder'),
  max_bytes: z.number().int().positive().default(64 * MiB).describe('bytes of unacknowledged records the log holds at most'),
  when_full: z
    .enum(['pause', 'fail'])
    .default('pause')
    .describe('pause: hold the sources feeding the log until acknowledgements make room (events already on their way are still written); fail: send new events to err (ERR_QUEUE_FULL), unacknowledged upstream'),
  segment_bytes: z.number().int().positive().default(16 * MiB).describe('a segment file is closed and a new one begun past this size'),
  max_in_flight: z.number().int().positive().default(256).describe('events sent on out and not yet acknowledged, at most'),
  redeliver_after_ms: z.number().int().min(0).default(500).describe('after a failure, wait this long before sending again from the failed event on'),
  ack_save_interval_ms: z.number().int().min(0).default(50).describe('how often the acknowledged position is written to disk (a crash replays at most what was acknowledged since)'),
});

/**
 * Tremor's `wal`: what arrives on `in` is appended to segment files in `dir`, and acknowledged
 * upstream once fsync'd; it leaves on `out` as transactional events, in order, at most
 * `max_in_flight` unacknowledged at a time. Acknowledged records are forgotten (their segments
 * deleted); after a restart the unacknowledged ones are sent again, in order, before anything new.
 * A failed event is sent again, with every event after it, after `redeliver_after_ms`.
 */
export const wal = defineConnector({
  kind: 'wal',
  description:
    'A write-ahead log: events on `in` are written to disk (length and CRC32 per record, fsync before they are acknowledged upstream) and sent on `out` as transactional events, in order, until acknowledged; after a crash or restart the unacknowledged ones are sent again. A torn or corrupt tail is dropped with a warning.',
  config: Config,
  codec: 'structured',
  metadata: 'Events leave with the metadata they arrived with.',
  create(config, ctx) {
    let segments: WalSegments | undefined;
    let stream: SourceStream | undefined;
    const queue = new WalQueue();
    /** Events written and not yet fsync'd, to acknowledge upstream once they are. */
    let unsynced: TremoloEvent[] = [];
    let syncing = false;
    /** Records up to this seq are durable and may leave. */
    let durable = 0;
    let inFlight = 0;
    let paused = false;
    let waitingRetry: NodeJS.Timeout | undefined;
    let saveTimer: NodeJS.Timeout | undefined;
    let holding = false;
    let stopped = false;
    let pumping = false;

    const outcome = (entry: WalEntry): Outcome => ({
      ack: () => {
        inFlight--;
        queue.acked(entry);
        segments!.ack(entry.seq, entry.bytes);
        scheduleSave();
        if (holding && segments!.pendingBytes <= config.max_bytes * 0.75) {
          holding = false;
          ctx.release('log');
        }
        pump();
      },
      fail: (why) => {
        inFlight--;
        queue.failed(entry);
        ctx.log.debug(`record ${entry.seq} failed (${why}); sending it and what follows again in ${config.redeliver_after_ms} ms`);
        if (waitingRetry === undefined && !stopped) {
          waitingRetry = setTimeout(() => {
            waitingRetry = undefined;
            pump();
          }, config.redeliver_after_ms);
        }
      },
    });

    const pump = (): void => {
      if (pumping || stream === undefined) return;
      pumping = true;
      try {
        while (!paused && !stopped && waitingRetry === undefined && inFlight < config.max_in_flight) {
          const entry = queue.next(durable);
          if (entry === undefined) break;
          inFlight++;
          stream.pushValue(entry.data, entry.meta, 'out', outcome(entry));
        }
      } finally {
        pumping = false;
      }
    };

    const scheduleSave = (): void => {
      if (saveTimer !== undefined || stopped) return;
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        try {
          segments?.save();
        } catch (err) {
          ctx.log.error(`cannot save the acknowledged position in ${config.dir}: ${reason(err)}`);
        }
      }, config.ack_save_interval_ms);
    };

    const sync = (): void => {
      if (syncing || unsynced.length === 0 || segments === undefined) return;
      syncing = true;
      const batch = unsynced;
      unsynced = [];
      const upTo = segments.nextSeq - 1;
      segments.sync().then(
        () => {
          durable = upTo;
          for (const event of batch) ctx.delivered(event);
        },
        (err: unknown) => {
          // What was appended may or may not be on disk: the upstream sends it again, which at
          // worst duplicates it.
          durable = upTo;
          const why = `${ctx.alias}: cannot sync the log in ${config.dir}: ${reason(err)}`;
          ctx.log.error(why);
          for (const event of batch) ctx.delivered(event, why);
        },
      ).finally(() => {
        syncing = false;
        pump();
        sync();
      });
    };

    return {
      confirmsDelivery: true,
      start() {
        const opened = WalSegments.open(config.dir, config.segment_bytes, ctx.log);
        segments = opened.wal;
        for (const r of opened.records) queue.push({ seq: r.seq, data: r.data, meta: r.meta, bytes: r.bytes });
        durable = segments.nextSeq - 1;
        if (opened.records.length > 0) ctx.log.info(`replaying ${opened.records.length} unacknowledged events from ${config.dir}`);
      },
      run() {
        stream = ctx.openStream(ctx.meta({ dir: config.dir }));
        pump();
      },
      write(event) {
        const log = segments!;
        if (stopped) {
          ctx.fail(event, 'ERR_STOPPED', `${ctx.alias}: stopped; event not written to ${config.dir}`);
          return;
        }
        if (config.when_full === 'fail' && log.pendingBytes >= config.max_bytes) {
          ctx.fail(event, 'ERR_QUEUE_FULL', `${ctx.alias}: the log in ${config.dir} is full (${log.pendingBytes} bytes unacknowledged, max_bytes = ${config.max_bytes}); event not written`);
          return;
        }
        let record: Buffer;
        try {
          record = encodeRecord(log.nextSeq, event.data, event.meta as Meta);
        } catch (err) {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: cannot write the event to the log: ${reason(err)}`);
          return;
        }
        let seq: number;
        try {
          seq = log.append(record);
        } catch (err) {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: cannot write to ${config.dir}: ${reason(err)}`);
          return;
        }
        queue.push({ seq, data: event.data, meta: event.meta, bytes: record.length });
        unsynced.push(event);
        if (config.when_full === 'pause' && !holding && log.pendingBytes >= config.max_bytes) {
          holding = true;
          ctx.hold('log', event.origins);
        }
        // Batched: every event written before the sync starts shares it.
        if (!syncing && unsynced.length === 1) queueMicrotask(sync);
      },
      pause() {
        paused = true;
      },
      resume() {
        paused = false;
        pump();
      },
      status: () => ({ pending_bytes: segments?.pendingBytes ?? 0, acked: segments?.mark ?? 0, in_flight: inFlight }),
      async flush() {
        while (syncing || unsynced.length > 0) {
          sync();
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      },
      stop() {
        stopped = true;
        clearTimeout(waitingRetry);
        clearTimeout(saveTimer);
        if (holding) ctx.release('log');
        segments?.close();
      },
    };
  },
});
