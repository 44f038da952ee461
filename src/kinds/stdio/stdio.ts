import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import type { TremoloEvent } from '../../sdk/event.js';

/** 128 + SIGPIPE: what a shell reports for `yes | head`, whose reader went away. */
const EXIT_PIPE_CLOSED = 141;

/** Installed once: an error on a standard stream once its connector has stopped is not thrown. */
let guarded = false;
function guardStandardStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const s of [process.stdin, process.stdout, process.stderr]) s.on('error', () => {});
}

/**
 * The process's stdin as a source; `in` and `stdout` write to stdout, `stderr` to stderr. It reads
 * stdin only when something is linked to its `out` or `err`, so a flow that merely prints does not
 * hold the terminal. At the end of stdin (a pipe's end, Ctrl-D in a terminal) its source has
 * finished, and a flow with no other source still running ends. When stdout's reader goes away
 * (`tremolo run ... | head -1`), the run stops with status 141, as a Unix tool would end.
 */
export const stdio = defineConnector({
  kind: 'stdio',
  description: 'Reads stdin (one stream, finished at its end); writes what reaches `in` or `stdout` to stdout and `stderr` to stderr.',
  config: z.strictObject({}),
  codec: 'required',
  ports: { in: ['in', 'stdout', 'stderr'], out: ['out', 'err'] },
  metadata: '`meta.stdio = {}`',
  create(_config, ctx) {
    const stdin: Readable = process.stdin;
    const outputs: Record<string, [Writable, number]> = {
      in: [process.stdout, 0],
      stdout: [process.stdout, 0],
      stderr: [process.stderr, 1],
    };
    let stream: SourceStream | undefined;
    const onData = (chunk: Buffer): void => {
      stream?.push(chunk);
    };
    const onEnd = (): void => {
      stream?.end();
      ctx.finished();
    };
    const onError = (err: Error): void => {
      // A terminal gone (EIO) or a closed descriptor: nothing more will come.
      stream?.error('ERR_FLOW_READ', `cannot read stdin: ${err.message}`);
      stream?.end();
      ctx.finished(`cannot read stdin: ${err.message}`);
    };
    const holding = new Set<string>();
    /** Targets whose reader went away: what is written to them is dropped. */
    const closed = new Set<string>();
    const onOutputError = (name: string) => (err: NodeJS.ErrnoException) => {
      if (closed.has(name)) return;
      closed.add(name);
      ctx.log.warn(`${name} is closed (${err.code ?? err.message}): its reader went away; stopping with exit status ${EXIT_PIPE_CLOSED}`);
      ctx.exit(EXIT_PIPE_CLOSED);
    };
    const onStdoutError = onOutputError('stdout');
    const onStderrError = onOutputError('stderr');

    const write = (event: TremoloEvent, port: string): void => {
      const [target, id] = outputs[port]!;
      const key = id === 0 ? 'stdout' : 'stderr';
      if (closed.has(key)) return;
      const frames = ctx.serialize(event, id);
      if (frames === undefined) return;
      let ok = true;
      for (const frame of frames) ok = target.write(frame) && ok;
      if (!ok) {
        ctx.hold(key, event.origins);
        if (!holding.has(key)) {
          holding.add(key);
          target.once('drain', () => {
            holding.delete(key);
            ctx.release(key);
          });
        }
      }
    };

    return {
      start() {
        guardStandardStreams();
        process.stdout.on('error', onStdoutError);
        process.stderr.on('error', onStderrError);
      },
      run() {
        if (!ctx.linked('out') && !ctx.linked('err')) return;
        stream = ctx.openStream(ctx.meta({}));
        stdin.on('data', onData);
        stdin.once('end', onEnd);
        stdin.on('error', onError);
      },
      write,
      pause: () => void stdin.pause(),
      resume: () => void stdin.resume(),
      quiesce() {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        if (stream !== undefined) {
          stdin.pause();
          stream.end();
        }
      },
      async flush() {
        await Promise.all(
          [process.stdout, process.stderr].map(
            (w) => new Promise<void>((resolve) => (w.writableNeedDrain && !w.destroyed ? w.once('drain', () => resolve()) : resolve())),
          ),
        );
      },
      stop() {
        stdin.off('error', onError);
        process.stdout.off('error', onStdoutError);
        process.stderr.off('error', onStderrError);
        // A paused stdin pipe still keeps the event loop alive; let the process end.
        if (stream !== undefined) (stdin as Readable & { unref?: () => void }).unref?.();
      },
    };
  },
});
