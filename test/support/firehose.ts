/**
 * A UNIX stream server in a process of its own that writes a fixed number of bytes to each
 * connection as fast as the connection takes them, then ends it: an upstream that floods a
 * gateway. The bytes follow a pattern (numbered chunks), so a reader can check that
 * it got exactly them, in order. It prints how many bytes it has handed to each connection so far.
 *
 *   node --import tsx test/support/firehose.ts PATH BYTES
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import net from 'node:net';

const CHUNK = 64 * 1024;

// The same bytes in every chunk but its first four, which number it: cheap to make, and a chunk
// lost, doubled or out of order changes the digest.
const BLOCK = Buffer.alloc(CHUNK);
for (let i = 0, x = 2463534242; i < CHUNK; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  BLOCK[i] = x & 0xff;
}

/** Chunk `k` of the stream. */
export function firehoseChunk(k: number): Buffer {
  const chunk = Buffer.allocUnsafe(CHUNK);
  BLOCK.copy(chunk);
  chunk.writeUInt32LE(k, 0);
  return chunk;
}

/** The SHA-256 of the first `bytes` bytes of the stream. */
export function firehoseDigest(bytes: number): string {
  const hash = createHash('sha256');
  for (let k = 0, left = bytes; left > 0; k++, left -= CHUNK) hash.update(left >= CHUNK ? firehoseChunk(k) : firehoseChunk(k).subarray(0, left));
  return hash.digest('hex');
}

export interface Firehose {
  readonly process: ChildProcess;
  /** Bytes written to the connections so far, by connection number (from the process's reports). */
  readonly written: Map<number, number>;
  stop(): void;
}

export function startFirehose(path: string, bytes: number): Promise<Firehose> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, path, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const written = new Map<number, number>();
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d;
      for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        if (line === 'listening') resolve({ process: child, written, stop: () => child.kill() });
        const m = /^(\d+) (\d+)$/.exec(line);
        if (m !== null) written.set(Number(m[1]), Number(m[2]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the firehose exited with ${code} before listening`)));
    setTimeout(() => reject(new Error('the firehose did not listen within 10 s')), 10_000).unref();
  });
}

/** Counts what a reader receives and hashes it as it comes. */
export class FirehoseReader {
  bytes = 0;
  readonly #hash: Hash = createHash('sha256');
  take(data: Buffer): void {
    this.bytes += data.length;
    this.#hash.update(data);
  }
  digest(): string {
    return this.#hash.digest('hex');
  }
}

if (process.argv[1] === import.meta.filename) {
  const [path, total] = [process.argv[2]!, Number(process.argv[3])];
  let connections = 0;
  net
    .createServer((socket) => {
      const n = connections++;
      let k = 0;
      let sent = 0;
      let reported = -1;
      socket.on('error', () => socket.destroy());
      const report = setInterval(() => {
        if (sent !== reported) process.stdout.write(`${n} ${(reported = sent)}\n`);
      }, 20);
      socket.once('close', () => {
        clearInterval(report);
        process.stdout.write(`${n} ${sent}\n`);
      });
      const pump = (): void => {
        while (sent < total) {
          const chunk = firehoseChunk(k++);
          const part = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
          sent += part.length;
          if (!socket.write(part)) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
      };
      pump();
    })
    .listen(path, () => process.stdout.write('listening\n'));
}
