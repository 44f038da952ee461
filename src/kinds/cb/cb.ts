import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineConnector, type ConnectorContext } from '../../sdk/connector-api.js';
import type { TremoloEvent } from '../../sdk/event.js';

/** Rust's `{:?}` of a map, as Tremor prints its reports: `{0: 6}`, `{0: [5, 6]}`, `{}`. */
const debugMap = (map: ReadonlyMap<number, number | readonly number[]>): string =>
  `{${[...map].map(([k, v]) => `${k}: ${typeof v === 'number' ? v : `[${v.join(', ')}]`}`).join(', ')}}`;

/** What a line of a file became: the stream (its file's place among those still being read) and the pull. */
interface Sent {
  readonly stream: number;
  readonly pull: number;
}

/** The lines of every file, in Tremor's order: one line of each file in turn, a file leaving the turn once read. */
function pulls(files: string[][]): { line: string; sent: Sent }[] {
  const open = files.map((lines) => ({ lines, next: 0 }));
  const out: { line: string; sent: Sent }[] = [];
  let sent = 0;
  let pull = 0;
  while (open.length > 0) {
    const idx = sent % open.length;
    const file = open[idx]!;
    if (file.next < file.lines.length) {
      out.push({ line: file.lines[file.next++]!, sent: { stream: idx, pull: pull++ } });
      sent++;
    } else {
      // Ending a stream takes a pull too.
      open.splice(idx, 1);
      pull++;
    }
  }
  return out;
}

/** The `cb` instruction of an event: `$.cb`, else `event.cb`; a string or a list of strings. */
function instructions(event: TremoloEvent): string[] {
  return read(event.meta) ?? read(event.data) ?? [];
}

function read(holder: unknown): string[] | undefined {
  const cb = holder !== null && typeof holder === 'object' && !Array.isArray(holder) ? (holder as Record<string, unknown>).cb : undefined;
  if (typeof cb === 'string') return [cb];
  // The cb source's own metadata is a record ($.cb = {}): no instruction there.
  return Array.isArray(cb) ? cb.filter((c): c is string => typeof c === 'string') : undefined;
}

/** The acks and fails a source heard from sinks, per stream, in the order they came. */
class Received {
  readonly acks = new Map<number, number[]>();
  readonly fails = new Map<number, number[]>();
  /** The highest pull settled per stream, kept as they come: asked after every ack once sending is over. */
  readonly #max = new Map<number, number>();
  #count = 0;

  get count(): number {
    return this.#count;
  }

  add(into: Map<number, number[]>, sent: Sent): void {
    let list = into.get(sent.stream);
    if (list === undefined) into.set(sent.stream, (list = []));
    list.push(sent.pull);
    this.#count++;
    if (sent.pull > (this.#max.get(sent.stream) ?? -Infinity)) this.#max.set(sent.stream, sent.pull);
  }

  /** The highest pull settled per stream. */
  max(): ReadonlyMap<number, number> {
    return this.#max;
  }
}

/**
 * Tremor's `cb` test connector, for circuit-breaker and guaranteed-delivery tests. As a source it
 * sends each line of its files as a transactional event (one line of each file in turn, each file
 * a stream) and counts the acks and fails that sinks send back: an event dropped in a pipeline or
 * sent to a port that leads nowhere is settled by the pipeline, which Tremor's contraflow never
 * reports, so it is counted as neither. Once every line is sent it waits up to `timeout` for all
 * of them (with `expect_batched`, for the last of each stream), then reports as Tremor does, on the
 * log ("All required CB events received." or "Expected CB events up to id {0: 6}.", then "Got acks:
 * {0: [6]}" and "Got fails: {}") and stops the runtime with status 0, as Tremor does either way.
 * As a sink it acks or fails each event as its `cb` says (`$.cb` or `event.cb`: "ack", "fail", or
 * a list holding one); an event that says neither is left unsettled, as Tremor leaves it.
 */
export const cb = defineConnector({
  kind: 'cb',
  description:
    'Tremor\'s test connector for acks and fails, whose reports Tremor\'s tests read. Source: sends every line of `paths` as a transactional event and counts the acks and fails sinks send back (a pipeline\'s drop or dead end counts as neither); once all are in, or after `timeout` ns, reports in Tremor\'s words ("All required CB events received." or "Expected CB events up to id {0: 6}.", "Got acks: {0: [6]}", "Got fails: {}") and stops the runtime with status 0. `expect_batched`: only the last event of each file needs an ack or fail (batches, windows). Sink: acks or fails each event as its `cb` says (`$.cb` or `event.cb`: "ack", "fail", or a list holding one); "close"/"open" (circuit breaker) are ignored; an event that says neither stays unsettled.',
  config: z.strictObject({
    paths: z.array(z.string()).default([]).describe('files whose lines are the events to send (needed for the source side)'),
    timeout: z.number().positive().default(10_000_000_000).describe('nanoseconds to wait, once every line is sent, for their acks and fails (default 10 s)'),
    expect_batched: z.boolean().default(false).describe('only the last event of each file needs to be acked or failed, as when batches or windows settle many at once'),
  }),
  // Tremor's default: lines of JSON.
  codec: { optional: 'json' },
  ports: { in: ['in'], out: ['out', 'err'] },
  create(config, ctx) {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const received = new Received();
    const lastSent = new Map<number, number>();
    let total = 0;
    let sending = true;
    const allReceived = (): boolean => {
      if (!config.expect_batched) return received.count >= total;
      const max = received.max();
      return [...lastSent].every(([stream, last]) => max.get(stream) === last);
    };
    const report = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (allReceived()) ctx.log.info('All required CB events received.');
      else ctx.log.warn(`Expected CB events up to id ${debugMap(lastSent)}.`);
      ctx.log.info(`Got acks: ${debugMap(received.acks)}`);
      ctx.log.info(`Got fails: ${debugMap(received.fails)}`);
      ctx.exit(0);
    };
    const check = (): void => {
      if (!sending && allReceived()) report();
    };
    return {
      async run() {
        // Only a sink: it produces nothing.
        if (config.paths.length === 0) return ctx.finished();
        const files = await Promise.all(config.paths.map((path) => readLines(path, ctx)));
        const stream = ctx.openStream(ctx.meta({}));
        for (const { line, sent } of pulls(files)) {
          total++;
          lastSent.set(sent.stream, Math.max(lastSent.get(sent.stream) ?? 0, sent.pull));
          stream.push(Buffer.from(line), undefined, {
            // Tremor hears only what sinks say: a drop or a dead end in a pipeline reports nothing.
            ack: (bySink) => {
              if (bySink) received.add(received.acks, sent);
              check();
            },
            fail: (_why, bySink) => {
              if (bySink) received.add(received.fails, sent);
              check();
            },
          });
        }
        stream.end();
        sending = false;
        if (allReceived()) report();
        else timer = setTimeout(report, config.timeout / 1e6);
      },
      write(event) {
        const cbs = instructions(event);
        if (cbs.includes('ack')) ctx.delivered(event);
        else if (cbs.includes('fail')) ctx.delivered(event, `${ctx.alias}: failed, as the event asked ("cb": "fail")`);
      },
      confirmsDelivery: true,
      stop() {
        clearTimeout(timer);
      },
    };
  },
});

async function readLines(path: string, ctx: ConnectorContext): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new Error(`${ctx.alias}: cannot read ${JSON.stringify(path)}: ${err.message}`);
  });
  return text.split('\n').filter((l) => l.trim() !== '');
}
