/**
 * Echo load: C clients, each keeping W messages of S bytes in flight (W = 1 is strict request and
 * response), every message numbered so that order and loss are checked per connection. A warm-up
 * is sent first and not counted; then the measured phase, bounded by a duration and optionally by a
 * count per client; then a drain that waits (bounded) for the replies still in flight.
 */
import { Histogram } from '../harness/histogram.js';
import { connectMany, headerLength, OP_BINARY, OP_TEXT, RawWs, writeHeader, type WsTarget } from '../harness/raw-ws.js';
import { serverMemory, sleep, snapshot, until, usage, type Snapshot } from './meter.js';

export interface EchoOptions {
  readonly target: WsTarget;
  readonly clients: number;
  readonly window: number;
  readonly size: number;
  /** binary: a binary frame, seq in its first 4 bytes. json: one JSON line, `{"seq":N,"pad":"..."}\n`. */
  readonly format: 'binary' | 'json';
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Measured messages per client; the phase also ends at durationMs. */
  readonly messages: number | undefined;
  readonly pid: number | undefined;
  readonly drainMs: number;
}

// JSON seqs start at 1e9 so that every one has 10 digits: the line keeps its size, and a reply's
// seq is read at a fixed offset without parsing it.
const JSON_SEQ_BASE = 1_000_000_000;
const JSON_PREFIX = '{"seq":';

/** One message's payload template, and where its sequence number goes. */
function template(format: EchoOptions['format'], size: number): { payload: Buffer; opcode: number } {
  if (format === 'binary') {
    if (size < 4) throw new Error('binary messages need at least 4 bytes for the sequence number');
    return { payload: Buffer.alloc(size, 0x61), opcode: OP_BINARY };
  }
  const skeleton = `${JSON_PREFIX}${JSON_SEQ_BASE},"pad":""}\n`;
  if (size < skeleton.length) throw new Error(`json messages need at least ${skeleton.length} bytes`);
  const line = `${JSON_PREFIX}${JSON_SEQ_BASE},"pad":"${'a'.repeat(size - skeleton.length)}"}\n`;
  return { payload: Buffer.from(line, 'latin1'), opcode: OP_TEXT };
}

export async function runEcho(o: EchoOptions): Promise<Record<string, unknown>> {
  const { payload, opcode } = template(o.format, o.size);
  const frameLength = headerLength(payload.length) + payload.length;
  const frameTemplate = Buffer.allocUnsafe(frameLength);
  const seqAt = writeHeader(frameTemplate, 0, opcode, payload.length);
  payload.copy(frameTemplate, seqAt);
  const writeSeq =
    o.format === 'binary'
      ? (buf: Buffer, at: number, seq: number) => buf.writeUInt32LE(seq >>> 0, at)
      : (buf: Buffer, at: number, seq: number) => buf.write(String(JSON_SEQ_BASE + seq), at + JSON_PREFIX.length, 'latin1');
  const readSeq =
    o.format === 'binary'
      ? (p: Buffer) => p.readUInt32LE(0)
      : (p: Buffer) => Number(p.toString('latin1', JSON_PREFIX.length, JSON_PREFIX.length + 10)) - JSON_SEQ_BASE;

  const latency = new Histogram();
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  let measureStart = 0;
  let measured = 0;
  let outOfOrder = 0;
  let malformed = 0;
  let closedEarly = 0;

  class Client {
    ws!: RawWs;
    nextSeq = 0;
    expect = 0;
    inflight = 0;
    sent = 0;
    received = 0;
    /** The first seq sent in the measured phase: replies to it and later are timed. */
    firstMeasured = Infinity;
    measuredSent = 0;
    measuredReceived = 0;
    readonly sentAt = new Float64Array(o.window);

    done(): boolean {
      return o.messages !== undefined && this.measuredReceived >= o.messages;
    }

    /** Tops the window up, all frames in one write. */
    fill(): void {
      if (phase === 'drain' || this.ws.closed) return;
      let n = o.window - this.inflight;
      if (phase === 'measure' && o.messages !== undefined) n = Math.min(n, o.messages - this.measuredSent);
      if (n <= 0) return;
      const out = Buffer.allocUnsafe(n * frameLength);
      const now = performance.now();
      for (let i = 0; i < n; i++) {
        const seq = this.nextSeq++;
        frameTemplate.copy(out, i * frameLength);
        writeSeq(out, i * frameLength + seqAt, seq);
        this.sentAt[seq % o.window] = now;
        if (phase === 'measure') {
          if (this.firstMeasured === Infinity) this.firstMeasured = seq;
          this.measuredSent++;
        }
      }
      this.inflight += n;
      this.sent += n;
      this.ws.write(out);
    }

    reply(p: Buffer): void {
      const now = performance.now();
      if (p.length !== payload.length) malformed++;
      const seq = readSeq(p);
      if (seq !== this.expect) outOfOrder++;
      this.expect = seq + 1;
      this.inflight--;
      this.received++;
      // Every reply in the phase counts toward the rate; only messages sent in it are timed.
      if (phase === 'measure') {
        measured++;
        if (seq >= this.firstMeasured) {
          latency.record((now - this.sentAt[seq % o.window]!) * 1e6);
          this.measuredReceived++;
        }
      }
    }
  }

  const clients = Array.from({ length: o.clients }, () => new Client());
  await connectMany(o.clients, 50, async (i) => {
    const c = clients[i]!;
    c.ws = await RawWs.connect(o.target, {
      message: (p) => c.reply(p),
      afterRead: () => c.fill(),
      close: () => {
        if (phase !== 'drain') closedEarly++;
      },
    });
    return c.ws;
  });

  for (const c of clients) c.fill();
  await sleep(o.warmupMs);
  const before: Snapshot = snapshot(o.pid);
  measureStart = before.at;
  phase = 'measure';
  // The window refills on replies; clients that were at their limit start measuring on the next one.
  await until(() => performance.now() - measureStart >= o.durationMs || (o.messages !== undefined && clients.every((c) => c.done())), o.durationMs + 1000, 10);
  const after = snapshot(o.pid);
  const counted = measured;
  phase = 'drain';
  await until(() => clients.every((c) => c.inflight === 0 || c.ws.closed), o.drainMs, 5);
  const mem = serverMemory(o.pid);
  for (const c of clients) c.ws.close();

  const use = usage(before, after);
  const sent = clients.reduce((n, c) => n + c.sent, 0);
  const received = clients.reduce((n, c) => n + c.received, 0);
  return {
    mode: 'echo',
    messagesPerSecond: counted / use.seconds,
    measured: counted,
    seconds: use.seconds,
    serverCpuUsPerMessage: use.serverCpuUs / counted,
    serverUtil: use.serverUtil,
    loadgenUtil: use.loadgenUtil,
    p50Us: latency.percentile(0.5) / 1000,
    p99Us: latency.percentile(0.99) / 1000,
    maxUs: latency.max / 1000,
    sent,
    received,
    lost: sent - received,
    outOfOrder,
    malformed,
    closedEarly,
    serverRss: mem.rss,
    serverPeakRss: mem.peak,
  };
}
