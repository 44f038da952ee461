import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';

/**
 * Tremor's `cb` test connector, for circuit-breaker and guaranteed-delivery tests: it sends each
 * line of its files as an event, transactionally, and waits until every one has been acked or
 * failed by what lies downstream (its own `in` port takes events and acks them). Then it logs
 * "All required CB events received." and finishes; past `timeout` it finishes with a failure
 * naming the events still unsettled, so the run exits 1.
 */
export const cb = defineConnector({
  kind: 'cb',
  description:
    'Test connector (Tremor\'s cb): sends every line of `paths` as a transactional event and finishes once each has been acked or failed downstream ("All required CB events received."), or fails after `timeout` ns naming those still unsettled. Its `in` port takes and acks events.',
  config: z.strictObject({
    paths: z.array(z.string()).min(1).describe('files whose lines are the events to send'),
    timeout: z.number().positive().default(10_000_000_000).describe('nanoseconds to wait for every event to be settled (default 10 s)'),
  }),
  codec: 'required',
  ports: { in: ['in'], out: ['out', 'err'] },
  create(config, ctx) {
    let timer: NodeJS.Timeout | undefined;
    const acked: number[] = [];
    const failed: number[] = [];
    let total = 0;
    let done = false;
    const finish = (failure?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (failure === undefined) ctx.log.info('All required CB events received.');
      else ctx.log.error(failure);
      ctx.finished(failure);
    };
    const settled = (): void => {
      if (acked.length + failed.length === total) finish();
    };
    return {
      async run() {
        const lines: string[] = [];
        for (const path of config.paths) {
          const text = await readFile(path, 'utf8').catch((err: Error) => {
            throw new Error(`${ctx.alias}: cannot read ${JSON.stringify(path)}: ${err.message}`);
          });
          lines.push(...text.split('\n').filter((l) => l.trim() !== ''));
        }
        total = lines.length;
        timer = setTimeout(() => {
          const all = lines.map((_, i) => i);
          const missing = all.filter((i) => !acked.includes(i) && !failed.includes(i));
          finish(`${ctx.alias}: Expected CB events up to id ${total - 1}. Got acks: [${acked.sort((a, b) => a - b).join(', ')}] Got fails: [${failed.sort((a, b) => a - b).join(', ')}]; still unsettled after ${config.timeout / 1e9} s: [${missing.join(', ')}]`);
        }, config.timeout / 1e6);
        const stream = ctx.openStream(ctx.meta({}));
        lines.forEach((line, id) => {
          let once = false;
          stream.push(Buffer.from(line), undefined, {
            ack: () => {
              if (once) return;
              once = true;
              acked.push(id);
              settled();
            },
            fail: () => {
              if (once) return;
              once = true;
              failed.push(id);
              settled();
            },
          });
        });
        stream.end();
        if (total === 0) finish();
      },
      write() {},
      stop() {
        clearTimeout(timer);
      },
    };
  },
});
