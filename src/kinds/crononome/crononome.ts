import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { nowNs } from '../../sdk/event.js';
import { CronSyntaxError, nextFire, parseCron, type CronSchedule } from './cron-schedule.js';

const Entry = z.strictObject({
  name: z.string().min(1).describe('the name events of this entry carry (`event.trigger.name`, `$crononome.trigger`)'),
  // Parsed while the flow loads, once: the connector keeps the schedule the check made.
  expr: z
    .string()
    .describe('when: `sec min hour day-of-month month day-of-week [year]`, in UTC')
    .transform((expr, ctx): CronSchedule => {
      try {
        return parseCron(expr);
      } catch (err) {
        if (!(err instanceof CronSyntaxError)) throw err;
        ctx.addIssue({ code: 'custom', message: `cron expression ${JSON.stringify(expr)}: ${err.message}` });
        return z.NEVER;
      }
    }),
  payload: z.unknown().optional().describe('any value, given as `event.trigger.payload`'),
});

const Config = z.strictObject({
  entries: z.array(Entry).min(1).describe('the schedules, each with its name, cron expression and optional payload'),
});

// A timer cannot wait longer than this (about 24.8 days); a later fire is reached in several waits.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Tremor's crononome: events on calendar schedules. Each entry fires at the times its cron
 * expression names and emits `{ connector: "crononome", ingest_ns, id, trigger: { name, payload } }`.
 * Fires missed while paused are skipped, not caught up; an entry with no future fire (its years
 * are past) ends, and once all have the connector finishes.
 */
export const crononome = defineConnector({
  kind: 'crononome',
  description:
    'Emits `{ connector: "crononome", ingest_ns, id, trigger: { name, payload } }` at the times each entry’s cron expression names (`sec min hour day-of-month month day-of-week [year]`, UTC), as Tremor’s crononome.',
  config: Config,
  codec: 'structured',
  ports: { in: [], out: ['out', 'err'] },
  metadata: '`meta.crononome = { trigger }`: the name of the entry that fired',
  create(config, ctx) {
    const entries = config.entries.map((e) => ({ name: e.name, payload: e.payload, schedule: e.expr, next: undefined as number | undefined }));
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let id = 0;
    const stream = ctx.openStream(ctx.meta({}));

    const plan = (now: number): void => {
      for (const e of entries) if (e.next === undefined || e.next <= now) e.next = nextFire(e.schedule, now);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = undefined;
      if (!running) return;
      let soonest = Number.POSITIVE_INFINITY;
      for (const e of entries) if (e.next !== undefined && e.next < soonest) soonest = e.next;
      if (soonest === Number.POSITIVE_INFINITY) {
        running = false;
        stream.end();
        ctx.finished();
        return;
      }
      timer = setTimeout(fire, Math.min(Math.max(soonest - Date.now(), 0), MAX_TIMEOUT_MS));
    };
    const fire = (): void => {
      const now = Date.now();
      for (const e of entries) {
        if (e.next === undefined || e.next > now) continue;
        const trigger: Record<string, unknown> = { name: e.name };
        if (e.payload !== undefined) trigger.payload = e.payload;
        stream.pushValue({ connector: 'crononome', ingest_ns: Number(nowNs()), id: id++, trigger }, ctx.meta({ trigger: e.name }));
      }
      plan(now);
      arm();
    };
    const begin = (): void => {
      if (running && timer === undefined) {
        // Start from now: what fell due while paused is skipped.
        for (const e of entries) e.next = undefined;
        plan(Date.now());
        arm();
      }
    };
    const end = (): void => {
      clearTimeout(timer);
      timer = undefined;
    };
    return {
      run() {
        running = true;
        begin();
      },
      pause: end,
      resume: begin,
      quiesce() {
        running = false;
        end();
      },
      status: () => ({ next: Object.fromEntries(entries.map((e) => [e.name, e.next === undefined ? null : new Date(e.next).toISOString()])) }),
    };
  },
});
