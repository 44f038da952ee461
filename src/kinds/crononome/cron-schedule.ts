/**
 * Cron expressions as Tremor's crononome reads them (the `cron` crate's dialect): six or seven
 * fields, `sec min hour day-of-month month day-of-week [year]`, in UTC. A field is `*` (or `?`), a
 * value, a range `a-b`, a step `*\/n`, `a/n` or `a-b/n`, or a comma list of those; months and
 * weekdays take English names (`Jan`, `Mon`); weekdays count from Sunday = 1 to Saturday = 7.
 * A day must match both the day of the month and the weekday, as in that crate.
 */

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'days of the month', min: 1, max: 31 },
  { name: 'months', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'days of the week', min: 1, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
  { name: 'years', min: 1970, max: 2099 },
];

/** A parsed schedule: the set of allowed values per field. */
export interface CronSchedule {
  readonly expr: string;
  readonly sets: readonly (readonly boolean[])[];
}

export class CronSyntaxError extends Error {}

function value(text: string, field: Field): number {
  const lower = text.toLowerCase();
  const named = field.names?.findIndex((n) => lower === n || lower === fullName(n, field)) ?? -1;
  const n = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max) {
    throw new CronSyntaxError(`${field.name}: expected a value from ${field.min} to ${field.max}${field.names ? ` or a name (${field.names.join(', ')})` : ''}, received ${JSON.stringify(text)}`);
  }
  return n;
}

const FULL: Readonly<Record<string, string>> = { sun: 'sunday', mon: 'monday', tue: 'tuesday', wed: 'wednesday', thu: 'thursday', fri: 'friday', sat: 'saturday' };
const fullName = (short: string, field: Field): string => (field.min === 1 && field.max === 7 ? FULL[short]! : short);

function parseField(text: string, field: Field): boolean[] {
  const set = new Array<boolean>(field.max + 1).fill(false);
  for (const part of text.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || range === '') throw new CronSyntaxError(`${field.name}: cannot read ${JSON.stringify(part)}`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new CronSyntaxError(`${field.name}: expected a step of at least 1, received ${JSON.stringify(stepText)}`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*' || range === '?') [from, to] = [field.min, field.max];
    else {
      const dash = range.indexOf('-');
      from = value(dash < 0 ? range : range.slice(0, dash), field);
      // `5/15` runs from 5 to the end, as in the crate; a lone value is just itself.
      to = dash < 0 ? (stepText === undefined ? from : field.max) : value(range.slice(dash + 1), field);
      if (to < from) throw new CronSyntaxError(`${field.name}: the range ${JSON.stringify(range)} ends before it starts`);
    }
    for (let v = from; v <= to; v += step) set[v] = true;
  }
  return set;
}

/** Parses `expr`; throws CronSyntaxError naming the field and what it expected. */
export function parseCron(expr: string): CronSchedule {
  const parts = expr.trim().split(/\s+/);
  if (parts.length < 6 || parts.length > 7) {
    throw new CronSyntaxError(`expected 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), received ${parts.length}`);
  }
  const sets = FIELDS.map((field, i) => parseField(parts[i] ?? '*', field));
  return { expr, sets };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The first time strictly after `afterMs` (epoch milliseconds) that the schedule fires, or undefined
 * when it never fires again (its years are past, or it names a day no month has).
 */
export function nextFire(schedule: CronSchedule, afterMs: number): number | undefined {
  const [sec, min, hour, dom, month, dow, year] = schedule.sets as [boolean[], boolean[], boolean[], boolean[], boolean[], boolean[], boolean[]];
  let t = Math.floor(afterMs / SECOND) * SECOND + SECOND;
  // Each step moves to the start of the next candidate unit, so the loop is bounded by the units
  // between now and the end of the years the schedule allows (a few thousand at most).
  for (let guard = 0; guard < 200_000; guard++) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    if (y > 2099) return undefined;
    if (!year[y]) {
      t = Date.UTC(y + 1, 0, 1);
      continue;
    }
    if (!month[d.getUTCMonth() + 1]) {
      t = Date.UTC(y, d.getUTCMonth() + 1, 1);
      continue;
    }
    if (!dom[d.getUTCDate()] || !dow[d.getUTCDay() + 1]) {
      t = Date.UTC(y, d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!hour[d.getUTCHours()]) {
      t = Math.floor(t / HOUR) * HOUR + HOUR;
      continue;
    }
    if (!min[d.getUTCMinutes()]) {
      t = Math.floor(t / MINUTE) * MINUTE + MINUTE;
      continue;
    }
    if (!sec[d.getUTCSeconds()]) {
      t += SECOND;
      continue;
    }
    return t;
  }
  return undefined;
}
