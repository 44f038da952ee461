import { closeSync, fdatasync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from '../logger.js';
import { scanRecords, type WalRecord } from './wal-record.js';

interface Segment {
  readonly file: string;
  /** The seq of its last record (0 while it has none). */
  last: number;
  bytes: number;
}

const SEGMENT = /^(\d{16})\.wal$/;
const ACK_FILE = 'acked';

/**
 * The files of a write-ahead log: append-only segments named by their first sequence number, and
 * `acked`, the sequence number up to which every record is acknowledged (with its checksum;
 * replaced by rename, so it is either the old or the new). Records are appended with plain writes
 * and made durable by `sync` (the caller batches); a segment is removed once all its records are
 * acknowledged and the mark saying so is written. Acknowledgements may come out of order: the
 * mark moves over a run of them, and what lies beyond it is replayed after a crash (duplicates,
 * never losses).
 */
export class WalSegments {
  readonly #segments: Segment[] = [];
  #fd: number;
  #active: Segment;
  #nextSeq: number;
  #mark: number;
  #savedMark: number;
  /** Acknowledged records beyond the mark, waiting for the gap before them to close. */
  readonly #ackedAbove = new Set<number>();
  /** Bytes of records not yet acknowledged. */
  #pending = 0;
  /** Records appended and not yet written: one write per sync, not one per record. */
  #buffered: Buffer[] = [];

  private constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
    mark: number,
    segments: Segment[],
    nextSeq: number,
  ) {
    this.#mark = mark;
    this.#savedMark = mark;
    this.#segments = segments;
    this.#nextSeq = nextSeq;
    const opened = this.#open(nextSeq);
    this.#fd = opened.fd;
    this.#active = opened.segment;
  }

  /**
   * Opens (creating) the log in `dir`: returns it with the records still to deliver, in order. A
   * torn or corrupt record ends its segment: it and what follows it in that segment are cut off
   * and reported through `log.warn`, never replayed.
   */
  static open(dir: string, segmentBytes: number, log: Logger): { wal: WalSegments; records: WalRecord[] } {
    mkdirSync(dir, { recursive: true });
    const mark = readMark(path.join(dir, ACK_FILE), log);
    const files = readdirSync(dir).filter((f) => SEGMENT.test(f)).sort();
    const records: WalRecord[] = [];
    const segments: Segment[] = [];
    let maxSeq = mark;
    for (const name of files) {
      const file = path.join(dir, name);
      const buf = readFileSync(file);
      const { records: found, end } = scanRecords(buf);
      if (end.kind !== 'clean') {
        log.warn(`${file}: ${end.kind} record at byte ${end.offset} (${end.why}); dropping the last ${buf.length - end.offset} bytes of the segment`);
        const fd = openSync(file, 'r+');
        ftruncateSync(fd, end.offset);
        fsyncSync(fd);
        closeSync(fd);
      }
      const last = found.length === 0 ? 0 : found[found.length - 1]!.seq;
      maxSeq = Math.max(maxSeq, last);
      if (last <= mark) {
        rmSync(file, { force: true });
        continue;
      }
      segments.push({ file, last, bytes: end.kind === 'clean' ? buf.length : end.offset });
      for (const r of found) if (r.seq > mark) records.push(r);
    }
    const wal = new WalSegments(dir, segmentBytes, mark, segments, maxSeq + 1);
    for (const r of records) wal.#pending += r.bytes;
    return { wal, records };
  }

  /** Bytes of the records not yet acknowledged. */
  get pendingBytes(): number {
    return this.#pending;
  }

  get mark(): number {
    return this.#mark;
  }

  /** The segment files on disk, oldest first. */
  get files(): string[] {
    return this.#segments.map((s) => s.file);
  }

  /** The sequence number the next appended record gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Appends a record made with `encodeRecord(this.nextSeq, ...)`; written and durable after the next `sync`. */
  append(record: Buffer): number {
    const seq = this.#nextSeq++;
    if (this.#active.bytes > 0 && this.#active.bytes + record.length > this.segmentBytes) this.#roll(seq);
    this.#buffered.push(record);
    this.#active.bytes += record.length;
    this.#active.last = seq;
    this.#pending += record.length;
    return seq;
  }

  /** Writes every record appended so far and makes it durable. */
  sync(): Promise<void> {
    try {
      this.#write();
    } catch (err) {
      return Promise.reject(err);
    }
    const fd = this.#fd;
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err === null ? resolve() : reject(err))));
  }

  #write(): void {
    if (this.#buffered.length === 0) return;
    const data = this.#buffered.length === 1 ? this.#buffered[0]! : Buffer.concat(this.#buffered);
    this.#buffered = [];
    let written = 0;
    while (written < data.length) written += writeSync(this.#fd, data, written);
  }

  /** A record was delivered; `save` makes it stick. */
  ack(seq: number, bytes: number): void {
    this.#pending -= bytes;
    if (seq !== this.#mark + 1) {
      if (seq > this.#mark) this.#ackedAbove.add(seq);
      return;
    }
    this.#mark = seq;
    while (this.#ackedAbove.delete(this.#mark + 1)) this.#mark++;
  }

  /** Writes the acknowledged mark, then removes the segments it covers entirely. */
  save(): void {
    if (this.#mark === this.#savedMark) return;
    const body = Buffer.alloc(12);
    body.writeUIntLE(this.#mark, 0, 6);
    body.writeUInt32LE(crc32(body.subarray(0, 8)), 8);
    const file = path.join(this.dir, ACK_FILE);
    writeFileSync(`${file}.tmp`, body);
    renameSync(`${file}.tmp`, file);
    this.#savedMark = this.#mark;
    while (this.#segments.length > 1 && this.#segments[0]!.last <= this.#mark) rmSync(this.#segments.shift()!.file, { force: true });
  }

  close(): void {
    this.save();
    try {
      this.#write();
      fsyncSync(this.#fd);
    } finally {
      closeSync(this.#fd);
    }
  }

  #roll(seq: number): void {
    this.#write();
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    const opened = this.#open(seq);
    this.#fd = opened.fd;
    this.#active = opened.segment;
  }

  #open(firstSeq: number): { fd: number; segment: Segment } {
    const file = path.join(this.dir, `${String(firstSeq).padStart(16, '0')}.wal`);
    const fd = openSync(file, 'a');
    const segment: Segment = { file, last: 0, bytes: statSync(file).size };
    this.#segments.push(segment);
    return { fd, segment };
  }
}

/** The acknowledged mark; 0 (replay everything) when missing or damaged, which costs duplicates, not losses. */
function readMark(file: string, log: Logger): number {
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch {
    return 0;
  }
  if (body.length !== 12 || crc32(body.subarray(0, 8)) !== body.readUInt32LE(8)) {
    log.warn(`${file}: damaged acknowledgement mark; replaying every record of the log`);
    return 0;
  }
  return body.readUIntLE(0, 6);
}
