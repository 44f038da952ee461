import { createReadStream, createWriteStream, existsSync, type ReadStream, type WriteStream } from 'node:fs';
import { z } from 'zod';
import { defineConnector } from '../runtime/connector-api.js';

const FLAGS = { truncate: 'w', append: 'a', overwrite: 'r+' } as const;

export const file = defineConnector({
  kind: 'file',
  description:
    'Reads a file (mode read: one stream, then the stream ends) or writes events to it (modes truncate, append, overwrite).',
  config: z.strictObject({
    path: z.string().min(1).describe('the file, relative to the working directory'),
    mode: z.enum(['read', 'truncate', 'append', 'overwrite']).describe('read; truncate (create or empty); append; overwrite (create, or write over from the start without truncating)'),
    chunk_size: z.number().int().positive().default(8192).describe('bytes per read'),
  }),
  codec: 'required',
  metadata: '`meta.file = { path }` on events read.',
  create(config, ctx) {
    let reader: ReadStream | undefined;
    let writer: WriteStream | undefined;
    let holding = false;
    const reading = config.mode === 'read';

    return {
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
        reader = createReadStream(config.path, { highWaterMark: config.chunk_size });
        reader.on('data', (chunk) => stream.push(chunk as Buffer));
        reader.on('end', () => {
          stream.end();
          ctx.log.debug(`read ${config.path} to the end`);
        });
        reader.on('error', (err) => {
          stream.error('ERR_FLOW_READ', `cannot read ${JSON.stringify(config.path)}: ${err.message}`);
          stream.end();
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
        for (const frame of frames) ok = writer.write(frame) && ok;
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
        const w = writer;
        if (w === undefined || w.destroyed) return;
        await new Promise<void>((resolve) => w.end(() => resolve()));
      },
    };
  },
});
