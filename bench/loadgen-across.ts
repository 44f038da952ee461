/**
 * The fan-out load across instances: the publisher on one server (--publish-url), N subscribers on
 * another (--url), so every message crosses between them (through NATS, for tremolo). As
 * bench/loadgen/fanout.ts, W messages in flight, each delivery timed from the publisher's send and
 * checked for order and loss; the CPU measured is the sum over every --pids process (both
 * instances and the bus). Prints one JSON line with the result.
 *
 *   node --import tsx bench/loadgen-across.ts --publish-url ws://127.0.0.1:A --url ws://127.0.0.1:B --pids 1,2,3 --subscribers 1000 --window 4 --size 64
 */
import { parseArgs } from 'node:util';
import { Histogram } from './harness/histogram.js';
import { cpuMicros, memory } from './harness/proc-stats.js';
import { connectMany, frame, OP_TEXT, parseTarget, RawWs } from './harness/raw-ws.js';
import { sleep, until } from './loadgen/meter.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'publish-url': { type: 'string' },
    pids: { type: 'string', default: '' },
    subscribers: { type: 'string', default: '1000' },
    window: { type: 'string', default: '4' },
    size: { type: 'string', default: '64' },
    'warmup-ms': { type: 'string', default: '1000' },
    'duration-ms': { type: 'string', default: '3000' },
    'drain-ms': { type: 'string', default: '2000' },
    'timeout-ms': { type: 'string', default: '120000' },
  },
});
const num = (name: keyof typeof values): number => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a number, received ${String(values[name])}`);
  return n;
};
const loopback = (url: string | undefined, name: string): string => {
  if (url === undefined || !/^ws:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/)/.test(url)) throw new Error(`--${name}: a loopback ws:// URL, received ${String(url)}`);
  return url;
};
const subscribeAt = parseTarget(loopback(values.url, 'url'));
const publishAt = parseTarget(loopback(values['publish-url'], 'publish-url'));
const pids = values.pids!.split(',').filter((p) => p !== '').map(Number);
const subscribers = num('subscribers');
const window = num('window');
const size = num('size');

setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ error: `load generator timed out after ${values['timeout-ms']} ms` })}\n`);
  process.exit(3);
}, num('timeout-ms')).unref();

const cpu = (): number => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
const SEQ_BASE = 1_000_000_000;

async function main(): Promise<Record<string, unknown>> {
  if (size < 11) throw new Error('fan-out messages need at least 11 bytes');
  const pad = 'x'.repeat(size - 11);
  const delivery = new Histogram();
  const complete = new Histogram();
  const sentAt = new Float64Array(window);
  const got = new Int32Array(window);
  let phase: 'warmup' | 'measure' | 'drain' = 'warmup';
  let nextSeq = 0;
  let inflight = 0;
  let firstMeasured = Infinity;
  let deliveries = 0;
  let measured = 0;
  let outOfOrder = 0;
  let malformed = 0;
  let closedEarly = 0;
  const subs = Array.from({ length: subscribers }, () => ({ expect: 0 }));
  let publisher!: RawWs;

  const publish = (): void => {
    if (phase === 'drain' || publisher.closed) return;
    const frames: Buffer[] = [];
    const now = performance.now();
    while (inflight < window) {
      const seq = nextSeq++;
      sentAt[seq % window] = now;
      got[seq % window] = 0;
      if (phase === 'measure' && firstMeasured === Infinity) firstMeasured = seq;
      frames.push(frame(OP_TEXT, Buffer.from(`${SEQ_BASE + seq} ${pad}`, 'latin1')));
      inflight++;
    }
    if (frames.length > 0) publisher.write(Buffer.concat(frames));
  };
  const received = (index: number, p: Buffer): void => {
    const now = performance.now();
    const sub = subs[index]!;
    if (p.length !== size) malformed++;
    const seq = Number(p.toString('latin1', 0, 10)) - SEQ_BASE;
    if (seq !== sub.expect) outOfOrder++;
    sub.expect = seq + 1;
    deliveries++;
    const slot = seq % window;
    if (phase === 'measure') {
      measured++;
      if (seq >= firstMeasured) delivery.record((now - sentAt[slot]!) * 1e6);
    }
    if (++got[slot]! === subscribers) {
      if (phase === 'measure' && seq >= firstMeasured) complete.record((now - sentAt[slot]!) * 1e6);
      inflight--;
      publish();
    }
  };

  const subs$ = await connectMany(subscribers, 50, (i) =>
    RawWs.connect(subscribeAt, {
      message: (p) => received(i, p),
      close: () => {
        if (phase !== 'drain') closedEarly++;
      },
    }),
  );
  publisher = await RawWs.connect(publishAt, { message: () => malformed++ });
  await sleep(200);
  publish();
  await sleep(num('warmup-ms'));
  const before = { at: performance.now(), cpu: cpu(), self: process.cpuUsage() };
  phase = 'measure';
  await sleep(num('duration-ms'));
  const after = { at: performance.now(), cpu: cpu(), self: process.cpuUsage(before.self) };
  const counted = measured;
  phase = 'drain';
  await until(() => inflight === 0, num('drain-ms'), 5);
  const peak = pids.reduce((sum, pid) => sum + memory(pid).peak, 0);
  publisher.close();
  for (const s of subs$) s.close();
  const wallUs = (after.at - before.at) * 1000;
  const published = nextSeq;
  return {
    mode: 'fanout-across',
    messagesPerSecond: counted / (wallUs / 1e6),
    measured: counted,
    seconds: wallUs / 1e6,
    serverCpuUsPerMessage: (after.cpu - before.cpu) / counted,
    serverUtil: (after.cpu - before.cpu) / wallUs,
    loadgenUtil: (after.self.user + after.self.system) / wallUs,
    p50Us: delivery.percentile(0.5) / 1000,
    p99Us: delivery.percentile(0.99) / 1000,
    lastSubscriberP99Us: complete.percentile(0.99) / 1000,
    published,
    deliveries,
    lost: published * subscribers - deliveries,
    outOfOrder,
    malformed,
    closedEarly,
    serverPeakRss: peak,
  };
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: Error) => {
    process.stdout.write(`${JSON.stringify({ error: err.message })}\n`);
    process.exit(1);
  },
);
