import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { RuntimeError, reason } from '../../sdk/errors.js';
import { nowNs } from '../../sdk/event.js';
import { LatencyHistogram } from './latency-histogram.js';
import { benchSummary, benchText } from './bench-report.js';

const Config = z.strictObject({
  path: z.string().min(1).describe('the file to replay, one event per line (or per `chunk_size` bytes); `.xz` files are decompressed with the system’s `xz`'),
  interval: z.number().int().nonnegative().default(0).describe('nanoseconds between events (Tremor’s unit); 0 sends as fast as the flow takes them'),
  chunk_size: z.number().int().positive().optional().describe('split the file into chunks of this many bytes instead of lines'),
  iters: z.number().int().positive().optional().describe('stop after this many passes over the file'),
  base64: z.boolean().default(false).describe('each line (or chunk) is base64 and is decoded before the codec'),
  structured: z.boolean().default(false).describe('print the summary as one JSON document instead of Tremor’s text table'),
  stop_after_secs: z.number().int().nonnegative().default(0).describe('stop after this many seconds (after the warmup); 0: no time limit'),
  significant_figures: z.number().int().min(1).max(5).default(2).describe('precision of the latency histogram'),
  warmup_secs: z.number().int().nonnegative().default(0).describe('events in the first seconds are sent but not measured'),
});
type Config = z.infer<typeof Config>;

/** At most this many events per turn of the event loop when sending as fast as possible, so timers and sockets still get their turn. */
const BURST = 1024;

async function load(config: Config, alias: string): Promise<Buffer[]> {
  let data: Buffer;
  try {
    data = config.path.endsWith('.xz') ? await unxz(config.path) : await readFile(config.path);
  } catch (err) {
    throw new RuntimeError('ERR_FLOW_READ', `${alias}: cannot read ${JSON.stringify(config.path)}: ${reason(err)}`, { alias });
  }
  const elements: Buffer[] = [];
  if (config.chunk_size !== undefined) for (let i = 0; i < data.length; i += config.chunk_size) elements.push(data.subarray(i, i + config.chunk_size));
  else {
    // Lines as Rust's BufRead::lines reads them: a last line without a newline counts, a trailing newline adds none, \r\n is one end.
    let start = 0;
    while (start < data.length) {
      let end = data.indexOf(0x0a, start);
      if (end < 0) end = data.length;
      const line = data.subarray(start, end > start && data[end - 1] === 0x0d ? end - 1 : end);
      elements.push(line);
      start = end + 1;
    }
  }
  if (elements.length === 0) throw new RuntimeError('ERR_FLOW_READ', `${alias}: ${JSON.stringify(config.path)} is empty: nothing to replay`, { alias });
  return config.base64 ? elements.map((e) => Buffer.from(e.toString('latin1'), 'base64')) : elements;
}

const unxz = (path: string): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    execFile('xz', ['--decompress', '--stdout', '--', path], { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr.toString().trim() || err.message)) : resolve(stdout),
    );
  });

/**
 * Tremor's `bench`: its source replays a file's lines through the codec, `iters` times or for
 * `stop_after_secs`, every `interval` nanoseconds; its sink measures how long each event took to
 * come back and, once all have (or time is up, or its input ended), prints Tremor's latency
 * histogram and throughput and stops the runtime with exit code 0.
 */
export const bench = defineConnector({
  kind: 'bench',
  description:
    'Replays a file’s lines as events (`iters` times, or for `stop_after_secs`, every `interval` ns) and, on its `in` port, measures each event’s latency; then prints Tremor’s benchmark summary (latency histogram, throughput) to stdout and stops with exit code 0.',
  config: Config,
  codec: { optional: 'json' },
  create(config, ctx) {
    let elements: Buffer[] = [];
    let stopAfterEvents: number | undefined;
    const stopAfterNs = config.stop_after_secs > 0 ? BigInt(config.stop_after_secs + config.warmup_secs) * 1_000_000_000n : undefined;
    let startNs = 0n;
    let sent = 0;
    let running = false;
    let paused = false;
    let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
    let stopTimer: NodeJS.Timeout | undefined;
    const stream = ctx.openStream(ctx.meta({}));

    const histogram = new LatencyHistogram(config.significant_figures);
    let bytes = 0;
    let measured = 0;
    let reported = false;

    const timeUp = (now: bigint): boolean => stopAfterNs !== undefined && now - startNs >= stopAfterNs;
    const endSource = (): void => {
      running = false;
      stream.end();
      ctx.finished();
    };
    const blast = (): void => {
      timer = undefined;
      if (!running || paused) return;
      const now = nowNs();
      // Coordinated emission: with an interval, send what is due by now (catching up after a slow
      // turn), so the rate holds even where one timer turn is longer than the interval.
      const due = config.interval === 0 ? sent + BURST : Math.min(sent + BURST, Number((now - startNs) / BigInt(config.interval)) + 1);
      while (sent < due) {
        if (timeUp(now) || (stopAfterEvents !== undefined && sent >= stopAfterEvents)) return endSource();
        stream.push(elements[sent % elements.length]!);
        sent++;
        if (!running || paused) return;
      }
      if (config.interval === 0) timer = setImmediate(blast);
      else {
        const nextNs = startNs + BigInt(sent) * BigInt(config.interval);
        timer = setTimeout(blast, Math.max(0, Number(nextNs - nowNs()) / 1e6));
      }
    };
    const halt = (): void => {
      if (timer !== undefined) {
        clearTimeout(timer as NodeJS.Timeout);
        clearImmediate(timer as NodeJS.Immediate);
      }
      timer = undefined;
    };

    const report = (): void => {
      if (reported) return;
      reported = true;
      clearTimeout(stopTimer);
      const seconds = Math.max(Number(nowNs() - startNs) / 1e9 - config.warmup_secs, 1e-9);
      const summary = { histogram, bytes, count: measured, seconds };
      process.stdout.write(config.structured ? `${JSON.stringify(benchSummary(summary))}\n` : benchText(summary));
      ctx.log.info(`${ctx.alias}: bench done: ${measured} events measured in ${seconds.toFixed(3)} s`);
      ctx.exit(0);
    };

    return {
      async start() {
        elements = await load(config, ctx.alias);
        if (config.iters !== undefined) stopAfterEvents = config.iters * elements.length;
        else if (stopAfterNs === undefined) ctx.log.warn(`${ctx.alias}: neither iters nor stop_after_secs is set: the bench replays ${JSON.stringify(config.path)} until the flow stops`);
      },
      run() {
        startNs = nowNs();
        running = true;
        blast();
        if (stopAfterNs !== undefined && ctx.linked('in')) stopTimer = setTimeout(report, Number(stopAfterNs / 1_000_000n));
      },
      write(event) {
        if (reported) return;
        const now = nowNs();
        if (now - startNs >= BigInt(config.warmup_secs) * 1_000_000_000n) {
          for (const frame of ctx.serialize(event, 0) ?? []) bytes += frame.length;
          measured++;
          histogram.record(Number(now - event.ingestNs));
        }
        if (timeUp(now) || (stopAfterEvents !== undefined && measured >= stopAfterEvents)) report();
      },
      inputEnded: report,
      pause() {
        paused = true;
        halt();
      },
      resume() {
        paused = false;
        if (running && timer === undefined) timer = setImmediate(blast);
      },
      quiesce() {
        running = false;
        halt();
        clearTimeout(stopTimer);
      },
      status: () => ({ sent, measured }),
    };
  },
});
