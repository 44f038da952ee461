/**
 * Fan-out load: one publisher and N subscribers on a broadcasting server. The publisher keeps W
 * messages in flight, a message counting as delivered once every subscriber has it, so the rate
 * follows what the server can deliver instead of flooding it. Each delivery is timed from the
 * publisher's send (same process, same clock) and checked for order and loss per subscriber.
 */
import { Histogram } from '../harness/histogram.js';
import { connectMany, frame, OP_TEXT, RawWs, type WsTarget } from '../harness/raw-ws.js';
import { serverMemory, sleep, snapshot, until, usage } from './meter.js';

export interface FanoutOptions {
  readonly target: WsTarget;
  readonly subscribers: number;
  readonly window: number;
  readonly size: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly pid: number | undefined;
  readonly drainMs: number;
}

// Text payload: a 10-digit seq (from 1e9, so fixed width), a space, padding.
const SEQ_BASE = 1_000_000_000;

export async function runFanout(o: FanoutOptions): Promise<Record<string, unknown>> {
  if (o.size < 11) throw new Error('fan-out messages need at least 11 bytes');
  const pad = 'x'.repeat(o.size - 11);
  const delivery = new Histogram();
  const complete = new Histogram();
  const sentAt = new Float64Array(o.window);
  const got = new Int32Array(o.window);
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  let nextSeq = 0;
  let inflight = 0;
  let firstMeasured = Infinity;
  let deliveries = 0;
  let measuredDeliveries = 0;
  let outOfOrder = 0;
  let malformed = 0;
  let closedEarly = 0;

  const subs = Array.from({ length: o.subscribers }, () => ({ expect: 0, received: 0 }));
  let publisher!: RawWs;

  const publish = (): void => {
    if (phase === 'drain' || publisher.closed) return;
    const frames: Buffer[] = [];
    const now = performance.now();
    while (inflight < o.window) {
      const seq = nextSeq++;
      sentAt[seq % o.window] = now;
      got[seq % o.window] = 0;
      if (phase === 'measure' && firstMeasured === Infinity) firstMeasured = seq;
      frames.push(frame(OP_TEXT, Buffer.from(`${SEQ_BASE + seq} ${pad}`, 'latin1')));
      inflight++;
    }
    if (frames.length > 0) publisher.write(Buffer.concat(frames));
  };

  const received = (index: number, p: Buffer): void => {
    const now = performance.now();
    const sub = subs[index]!;
    if (p.length !== o.size) malformed++;
    const seq = Number(p.toString('latin1', 0, 10)) - SEQ_BASE;
    if (seq !== sub.expect) outOfOrder++;
    sub.expect = seq + 1;
    sub.received++;
    deliveries++;
    const slot = seq % o.window;
    // Every delivery in the phase counts toward the rate; only messages sent in it are timed.
    if (phase === 'measure') {
      measuredDeliveries++;
      if (seq >= firstMeasured) delivery.record((now - sentAt[slot]!) * 1e6);
    }
    if (++got[slot]! === o.subscribers) {
      if (phase === 'measure' && seq >= firstMeasured) complete.record((now - sentAt[slot]!) * 1e6);
      inflight--;
      publish();
    }
  };

  const subscribers = await connectMany(o.subscribers, 50, (i) =>
    RawWs.connect(o.target, {
      message: (p) => received(i, p),
      close: () => {
        if (phase !== 'drain') closedEarly++;
      },
    }),
  );
  publisher = await RawWs.connect(o.target, { message: () => malformed++ });
  // Let the server register the last subscribers before the first broadcast.
  await sleep(200);

  publish();
  await sleep(o.warmupMs);
  const before = snapshot(o.pid);
  phase = 'measure';
  await sleep(o.durationMs);
  const after = snapshot(o.pid);
  const counted = measuredDeliveries;
  phase = 'drain';
  await until(() => inflight === 0, o.drainMs, 5);
  const mem = serverMemory(o.pid);
  publisher.close();
  for (const s of subscribers) s.close();

  const use = usage(before, after);
  const published = nextSeq;
  return {
    mode: 'fanout',
    messagesPerSecond: counted / use.seconds,
    measured: counted,
    seconds: use.seconds,
    serverCpuUsPerMessage: use.serverCpuUs / counted,
    serverUtil: use.serverUtil,
    loadgenUtil: use.loadgenUtil,
    p50Us: delivery.percentile(0.5) / 1000,
    p99Us: delivery.percentile(0.99) / 1000,
    maxUs: delivery.max / 1000,
    lastSubscriberP99Us: complete.percentile(0.99) / 1000,
    published,
    deliveries,
    lost: published * o.subscribers - deliveries,
    outOfOrder,
    malformed,
    closedEarly,
    serverRss: mem.rss,
    serverPeakRss: mem.peak,
  };
}
