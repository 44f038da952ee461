import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, writeFileSync, type ReadStream, type WriteStream } from 'node:fs';
import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import type { Logger } from '../../sdk/logger.js';

const FLAGS = { truncate: 'w', write: 'w', append: 'a', overwrite: 'r+' } as const;

export const file = defineConnector({
  kind: 'file',
  description:
    'Reads a file (mode read: one stream, then the stream ends and the source has finished; with `transactional`, its events are acknowledged and a restart goes on after the last acknowledged line) or writes events to it (modes truncate, append, overwrite; a transactional event is acknowledged once its write is done).',
  config: z.strictObject({
    path: z.string().min(1).describe('the file, relative to the working directory'),
    mode: z.enum(['read', 'truncate', 'write', 'append', 'overwrite']).describe('read; truncate (create or empty; `write` is the same, as in Tremor); append; overwrite (create, or write over from the start without truncating)'),
    chunk_size: z.number().int().positive().default(8192).describe('bytes per read'),
    transactional: z
      .boolean()
      .default(false)
      .describe('read mode: events are transactional, and the position up to which they were acknowledged is kept in `position_file`, so a restart goes on from there; records must end with a newline'),
    position_file: z.string().min(1).optional().describe('with transactional: where the acknowledged position is kept (default: the path with ".position" appended)'),
  }),
  codec: 'required',
  metadata: '`meta.file = { path }` on events read.',
  create(config, ctx) {
    if (config.transactional && config.mode !== 'read') {
      ctx.log.warn(`transactional applies to mode "read"; mode is ${JSON.stringify(config.mode)}`);
    }
    let reader: ReadStream | undefined;
    let writer: WriteStream | undefined;
    let holding = false;
    let positions: Positions | undefined;
    const reading = config.mode === 'read';

    return {
      confirmsDelivery: !reading,
      async start() {
        if (reading) return;
        const mode = config.mode as keyof typeof FLAGS;
        const flags = mode === 'overwrite' && !existsSync(config.path) ? 'w' : FLAGS[mode];
        writer = createWriteStream(config.path, { flags });
        await new Promise<void>((resolve, reject) => {
          writer!.once('open', () => resolve());
          writer!.once('error', reject);
        });
        writer.on('error', (err) => ctx.log.error(`write error on ${config.path}: ${err.message}`));
      },
      run() {
        if (!reading) return;
        const stream = ctx.openStream(ctx.meta({ path: config.path }));
        if (config.transactional) {
          positions = new Positions(config.position_file ?? `${config.path}.position`, ctx.log);
          reader = createReadStream(config.path, { highWaterMark: config.chunk_size, start: positions.committed });
          readTransactional(reader, stream, positions, ctx.finished);
          return;
        }
        reader = createReadStream(config.path, { highWaterMark: config.chunk_size });
        reader.on('data', (chunk) => stream.push(chunk as Buffer));
        reader.on('end', () => {
          stream.end();
          ctx.log.debug(`read ${config.path} to the end`);
          ctx.finished();
        });
        reader.on('error', (err) => {
          stream.error('ERR_FLOW_READ', `cannot read ${JSON.stringify(config.path)}: ${err.message}`);
          stream.end();
          ctx.finished(`cannot read ${JSON.stringify(config.path)}: ${err.message}`);
        });
      },
      write(event) {
        if (writer === undefined) {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: file ${JSON.stringify(config.path)} is opened in read mode; nothing can be written to it`);
          return;
        }
        const frames = ctx.serialize(event, 0);
        if (frames === undefined) return;
        let ok = true;
        const last = frames.length - 1;
        if (event.settle !== undefined) {
          // Acked once the last frame's write is done (handed to the OS), failed if it errs.
          if (last < 0) ctx.delivered(event);
          for (let i = 0; i <= last; i++) {
            ok = (i === last ? writer.write(frames[i]!, (err) => ctx.delivered(event, err ? `${ctx.alias}: write failed: ${err.message}` : undefined)) : writer.write(frames[i]!)) && ok;
          }
        } else for (const frame of frames) ok = writer.write(frame) && ok;
        if (!ok) {
          ctx.hold('file', event.origins);
          if (!holding) {
            holding = true;
            writer.once('drain', () => {
              holding = false;
              ctx.release('file');
            });
          }
        }
      },
      pause: () => void reader?.pause(),
      resume: () => void reader?.resume(),
      quiesce() {
        reader?.destroy();
      },
      async flush() {
        const w = writer;
        if (w === undefined || w.destroyed) return;
        for (const frame of ctx.endSinkStream(0)) w.write(frame);
        await new Promise<void>((resolve) => w.write('', () => resolve()));
      },
      async stop() {
        positions?.save();
        const w = writer;
        if (w === undefined || w.destroyed) return;
        await new Promise<void>((resolve) => w.end(() => resolve()));
      },
    };
  },
});

/**
 * Transactional reading: each push ends at a newline (the rest waits for the next chunk), so the
 * end of a push is the start of a record, a place a restart may go on from. Pushes settle in any
 * order; the position moves over the run of acknowledged ones. A failed push holds the position
 * before it, so the next start sends it, and what follows, again.
 */
function readTransactional(reader: ReadStream, stream: SourceStream, positions: Positions, finished: (failure?: string) => void): void {
  let carry: Buffer | undefined;
  let offset = positions.committed;
  const push = (bytes: Buffer): void => {
    offset += bytes.length;
    stream.push(bytes, undefined, positions.track(offset));
  };
  reader.on('data', (chunk) => {
    const buf = carry === undefined ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer]);
    const cut = buf.lastIndexOf(10) + 1;
    carry = cut < buf.length ? buf.subarray(cut) : undefined;
    if (cut > 0) push(buf.subarray(0, cut));
  });
  reader.on('end', () => {
    if (carry !== undefined) push(carry);
    stream.end();
    finished();
  });
  reader.on('error', (err) => {
    stream.error('ERR_FLOW_READ', `cannot read: ${err.message}`);
    stream.end();
    finished(`cannot read: ${err.message}`);
  });
}

class Positions {
  readonly committed: number;
  readonly #ends: { end: number; state: 'pending' | 'acked' | 'failed' }[] = [];
  #position: number;
  #saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {
    let committed = 0;
    try {
      const text = readFileSync(file, 'utf8').trim();
      if (/^\d+$/.test(text)) committed = Number(text);
      else log.warn(`${file}: not a position (${JSON.stringify(text.slice(0, 40))}); reading from the start`);
    } catch {
      // No position yet: from the start.
    }
    this.committed = committed;
    this.#position = committed;
  }

  track(end: number): { ack(): void; fail(reason: string): void } {
    const entry = { end, state: 'pending' as 'pending' | 'acked' | 'failed' };
    this.#ends.push(entry);
    return {
      ack: () => {
        entry.state = 'acked';
        this.#advance();
      },
      fail: (why) => {
        entry.state = 'failed';
        this.log.warn(`${why}; the position stays at ${this.#position}, the next start reads from there again`);
      },
    };
  }

  #advance(): void {
    const before = this.#position;
    while (this.#ends.length > 0 && this.#ends[0]!.state === 'acked') this.#position = this.#ends.shift()!.end;
    if (this.#position === before || this.#saveTimer !== undefined) return;
    this.#saveTimer = setTimeout(() => this.save(), 20);
  }

  /** Writes the position (replaced by rename: a crash leaves the old one or the new one). */
  save(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    try {
      writeFileSync(`${this.file}.tmp`, `${this.#position}\n`);
      renameSync(`${this.file}.tmp`, this.file);
    } catch (err) {
      this.log.error(`cannot save the position in ${this.file}: ${reason(err)}`);
    }
  }
}
