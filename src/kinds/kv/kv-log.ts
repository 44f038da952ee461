import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { reason } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';
import { encodeChange, HEADER, replay, type Change } from './kv-record.js';

export interface KvLogOptions {
  readonly path: string;
  /** fdatasync each batch before its callbacks run. */
  readonly fsync: boolean;
  /** Rewrite the file when it is over this size and more than twice what the live records take. */
  readonly compactMinBytes: number;
  readonly log: Logger;
  /** Every entry of the store, in key order, when the file is rewritten. */
  readonly snapshot: () => Iterable<readonly [string, unknown]>;
  /** Nothing waits any more, for flow control. */
  readonly drained?: () => void;
}

/** One change to write, already encoded (so a value that cannot be stored fails before it is applied). */
export interface KvWrite {
  readonly key: string;
  readonly line: string;
  readonly deleted: boolean;
}

interface Entry {
  readonly write: KvWrite | undefined;
  readonly done: (error: Error | undefined) => void;
}

const CHUNK = 1 << 20;

/**
 * The kv store's file, append-only with group commit: the changes submitted while a write is on
 * its way go out together in the next one, with one fdatasync for all, and each callback runs, in
 * submission order, only once its change is on disk, so an answer never promises what a crash would
 * take back. Reads submitted behind pending writes wait their turn, so answers keep the order of the
 * commands. Once the file holds more than twice the live data it is rewritten: a snapshot to a
 * temporary file, fdatasync, rename over the log, fsync of the folder, so a crash leaves one whole
 * file or the other. A failed write leaves the store unusable (memory and file would disagree).
 */
export class KvLog {
  #handle: FileHandle;
  #size: number;
  readonly #live: Map<string, number>;
  #liveBytes: number;
  #queue: Entry[] = [];
  #draining = false;
  #broken: Error | undefined;
  #idle: (() => void)[] = [];

  private constructor(
    private readonly options: KvLogOptions,
    handle: FileHandle,
    size: number,
    live: Map<string, number>,
  ) {
    this.#handle = handle;
    this.#size = size;
    this.#live = live;
    this.#liveBytes = [...live.values()].reduce((a, b) => a + b, 0);
  }

  /** Loads the file through `apply` (creating it when absent), drops a torn tail, and opens it for appending. */
  static async open(options: KvLogOptions, apply: (change: Change) => void): Promise<KvLog> {
    const file = options.path;
    await mkdir(path.dirname(file), { recursive: true });
    // A rewrite that a crash interrupted before its rename: the log itself is whole.
    await rm(`${file}.compact`, { force: true });
    let contents: Buffer | undefined;
    try {
      contents = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const live = new Map<string, number>();
    if (contents === undefined || (contents.length < HEADER.length && HEADER.startsWith(contents.toString('latin1')))) {
      // New, or a header torn while the file was created.
      await writeDurably(file, HEADER);
      const handle = await open(file, 'a');
      return new KvLog(options, handle, HEADER.length, live);
    }
    if (contents.toString('latin1', 0, HEADER.length) !== HEADER) {
      throw new Error(`${file} is not a kv store file (its first line is not ${JSON.stringify(HEADER.trim())}); it is left untouched`);
    }
    let records = 0;
    const read = replay(contents, (change, bytes) => {
      records++;
      apply(change);
      if ('deleted' in change) live.delete(change.key);
      else live.set(change.key, bytes);
    });
    if (read.corruptAt !== undefined) {
      throw new Error(`${file}: the record at byte ${read.corruptAt} is damaged and intact records follow it, which no crash while writing explains; the file is left untouched (repair it or move it away)`);
    }
    const handle = await open(file, 'a');
    if (read.valid < contents.length) {
      await handle.truncate(read.valid);
      await handle.datasync();
      options.log.warn(`${file}: dropped ${contents.length - read.valid} bytes of a record torn at the end (a crash while writing); ${records} records kept`);
    }
    return new KvLog(options, handle, read.valid, live);
  }

  /** Encodes a change; throws (before anything is applied) when the value cannot be stored. */
  static encode(change: Change): KvWrite {
    return { key: change.key, line: encodeChange(change), deleted: 'deleted' in change };
  }

  /** Changes submitted and not yet on disk, reads waiting behind them included. */
  get pending(): number {
    return this.#queue.length + (this.#draining ? 1 : 0);
  }

  /**
   * `done` runs once `write` is on disk, after every callback submitted before it. With no write and
   * nothing pending, it runs at once.
   */
  submit(write: KvWrite | undefined, done: (error: Error | undefined) => void): void {
    if (this.#broken !== undefined) {
      done(this.#broken);
      return;
    }
    if (write === undefined && this.pending === 0) {
      done(undefined);
      return;
    }
    this.#queue.push({ write, done });
    // The rest of this tick's commands join the batch.
    if (this.#queue.length === 1 && !this.#draining) queueMicrotask(() => void this.#drain());
  }

  /** Resolves once everything submitted is on disk (or failed). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async close(): Promise<void> {
    await this.idle();
    await this.#handle.close();
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      let error = this.#broken;
      if (error === undefined) {
        try {
          await this.#append(batch);
        } catch (err) {
          error = new Error(`cannot write ${this.options.path}: ${reason(err)}`);
          this.#broken = error;
          this.options.log.error(`${error.message}; the store refuses every command from now on`);
        }
      }
      for (const entry of batch) entry.done(error);
      if (error === undefined && this.#size > this.options.compactMinBytes && this.#size > 2 * (HEADER.length + this.#liveBytes)) {
        try {
          await this.#compact();
        } catch (err) {
          this.options.log.warn(`rewriting ${this.options.path} failed, the log goes on growing: ${reason(err)}`);
        }
      }
    }
    this.#draining = false;
    for (const resolve of this.#idle.splice(0)) resolve();
    this.options.drained?.();
  }

  async #append(batch: readonly Entry[]): Promise<void> {
    let text = '';
    for (const { write } of batch) if (write !== undefined) text += write.line;
    if (text === '') return;
    const bytes = Buffer.from(text);
    await this.#handle.write(bytes);
    if (this.options.fsync) await this.#handle.datasync();
    this.#size += bytes.length;
    for (const { write } of batch) if (write !== undefined) this.#account(write.key, write.deleted ? 0 : Buffer.byteLength(write.line));
  }

  #account(key: string, bytes: number): void {
    this.#liveBytes += bytes - (this.#live.get(key) ?? 0);
    if (bytes === 0) this.#live.delete(key);
    else this.#live.set(key, bytes);
  }

  /**
   * The snapshot holds the store as it is now, which may include changes still queued behind this
   * rewrite; appending them afterwards is harmless, since each record sets or deletes a key whole.
   */
  async #compact(): Promise<void> {
    const file = this.options.path;
    const temporary = `${file}.compact`;
    const live = new Map<string, number>();
    const out = await open(temporary, 'w');
    let size = 0;
    try {
      let chunk = HEADER;
      for (const [key, value] of this.options.snapshot()) {
        const line = encodeChange({ key, value });
        live.set(key, Buffer.byteLength(line));
        chunk += line;
        if (chunk.length >= CHUNK) {
          size += (await out.write(chunk)).bytesWritten;
          chunk = '';
        }
      }
      size += (await out.write(chunk)).bytesWritten;
      await out.datasync();
    } finally {
      await out.close();
    }
    await rename(temporary, file);
    await syncFolder(path.dirname(file));
    const previous = this.#handle;
    this.#handle = await open(file, 'a');
    await previous.close();
    const before = this.#size;
    this.#size = size;
    this.#live.clear();
    for (const [key, bytes] of live) this.#live.set(key, bytes);
    this.#liveBytes = [...live.values()].reduce((a, b) => a + b, 0);
    this.options.log.debug(`rewrote ${file}: ${before} → ${size} bytes, ${live.size} keys`);
  }
}

/** Creates or replaces a file with `text`, on disk before this resolves. */
async function writeDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.write(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await syncFolder(path.dirname(file));
}

/** A new or renamed file survives a crash only once its folder is synced too (where the OS allows it). */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a folder; its file systems do not need it.
  } finally {
    await handle?.close();
  }
}
