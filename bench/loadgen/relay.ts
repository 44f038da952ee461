/**
 * Relay load: C clients through a WebSocket gateway to a byte-stream service (`socat … EXEC:cat`),
 * each in strict request and response: send one message of S bytes, wait until S bytes came back,
 * send the next. A gateway frames what the service writes by its reads, not by the messages sent,
 * so a reply is counted by its bytes, not by its frames. Every byte is checked: the payload of
 * message N is the letter N mod 26 repeated, so a byte lost, doubled or misplaced is counted.
 */
import { Histogram } from '../harness/histogram.js';
import { connectMany, headerLength, OP_TEXT, RawWs, writeHeader, type WsTarget } from '../harness/raw-ws.js';
import { serverMemory, sleep, snapshot, until, usage, type Snapshot } from './meter.js';

export interface RelayOptions {
  readonly target: WsTarget;
  readonly clients: number;
  readonly size: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly pid: number | undefined;
  readonly drainMs: number;
}

export async function runRelay(o: RelayOptions): Promise<Record<string, unknown>> {
  // One frame per letter, made once: ASCII, so it is text whatever a gateway splits it into.
  const frames = Array.from({ length: 26 }, (_, i) => {
    const f = Buffer.allocUnsafe(headerLength(o.size) + o.size);
    const at = writeHeader(f, 0, OP_TEXT, o.size);
    f.fill(97 + i, at);
    return f;
  });
  const latency = new Histogram();
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  let measured = 0;
  let malformed = 0;
  let closedEarly = 0;

  class Client {
    ws!: RawWs;
    seq = 0;
    /** Bytes of the current reply received so far. */
    got = 0;
    waiting = false;
    sentAt = 0;
    sent = 0;
    received = 0;
    measuredPhase = false;

    send(): void {
      if (phase === 'drain' || this.ws.closed || this.waiting) return;
      this.waiting = true;
      this.got = 0;
      this.sentAt = performance.now();
      this.measuredPhase = phase === 'measure';
      this.sent++;
      this.ws.write(frames[this.seq % 26]!);
    }

    data(p: Buffer): void {
      const letter = 97 + (this.seq % 26);
      for (let i = 0; i < p.length; i++) if (p[i] !== letter) {
        malformed++;
        break;
      }
      this.got += p.length;
      if (this.got < o.size) return;
      if (this.got > o.size) malformed++;
      this.waiting = false;
      this.received++;
      this.seq++;
      if (phase === 'measure') {
        measured++;
        if (this.measuredPhase) latency.record((performance.now() - this.sentAt) * 1e6);
      }
    }
  }

  const clients = Array.from({ length: o.clients }, () => new Client());
  await connectMany(o.clients, 20, async (i) => {
    const c = clients[i]!;
    c.ws = await RawWs.connect(o.target, {
      message: (p) => c.data(p),
      afterRead: () => c.send(),
      close: () => {
        if (phase !== 'drain') closedEarly++;
      },
    });
    return c.ws;
  });

  for (const c of clients) c.send();
  await sleep(o.warmupMs);
  const before: Snapshot = snapshot(o.pid);
  const measureStart = before.at;
  phase = 'measure';
  await until(() => performance.now() - measureStart >= o.durationMs, o.durationMs + 1000, 10);
  const after = snapshot(o.pid);
  const counted = measured;
  phase = 'drain';
  await until(() => clients.every((c) => !c.waiting || c.ws.closed), o.drainMs, 5);
  const mem = serverMemory(o.pid);
  for (const c of clients) c.ws.close();

  const use = usage(before, after);
  const sent = clients.reduce((n, c) => n + c.sent, 0);
  const received = clients.reduce((n, c) => n + c.received, 0);
  return {
    mode: 'relay',
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
    outOfOrder: 0,
    malformed,
    closedEarly,
    serverRss: mem.rss,
    serverPeakRss: mem.peak,
  };
}
