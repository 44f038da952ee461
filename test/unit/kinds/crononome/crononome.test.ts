import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { nextFire, parseCron } from '../../../../src/kinds/crononome/cron-schedule.js';

const at = (iso: string): number => Date.parse(iso);
const next = (expr: string, after: string): string | undefined => {
  const t = nextFire(parseCron(expr), at(after));
  return t === undefined ? undefined : new Date(t).toISOString();
};

test('a cron expression fires at the next second, minute, day or weekday it names, in UTC', () => {
  assert.is(next('* * * * * *', '2024-05-01T10:00:00.400Z'), '2024-05-01T10:00:01.000Z');
  assert.is(next('*/15 * * * * *', '2024-05-01T10:00:16Z'), '2024-05-01T10:00:30.000Z');
  assert.is(next('0 30 9 * * *', '2024-05-01T10:00:00Z'), '2024-05-02T09:30:00.000Z');
  assert.is(next('0 0 0 1 Jan *', '2024-05-01T10:00:00Z'), '2025-01-01T00:00:00.000Z');
  // Weekdays count from Sunday = 1, as in Tremor's cron dialect: 2 is a Monday.
  assert.is(next('0 0 12 * * 2', '2024-05-01T00:00:00Z'), '2024-05-06T12:00:00.000Z');
  assert.is(next('0 0 12 * * Mon', '2024-05-01T00:00:00Z'), '2024-05-06T12:00:00.000Z');
  assert.is(next('5-10/5 0 0 * * * 2030', '2024-05-01T00:00:00Z'), '2030-01-01T00:00:05.000Z');
  assert.is(next('0 0 0 29 2 *', '2025-01-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
});

test('a schedule whose years are past, or that names a day no month has, never fires', () => {
  assert.is(next('0 0 0 * * * 2001', '2024-05-01T00:00:00Z'), undefined);
  assert.is(next('0 0 0 30 2 *', '2024-05-01T00:00:00Z'), undefined);
});

test('a bad cron expression is refused at load time naming the entry, the field and what was expected', async () => {
  for (const [expr, message] of [
    ['* * * * *', 'cron expression "* * * * *": expected 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), received 5'],
    ['61 * * * * *', 'cron expression "61 * * * * *": seconds: expected a value from 0 to 59, received "61"'],
    ['* * * * Foo *', 'cron expression "* * * * Foo *": months: expected a value from 1 to 12 or a name (jan, feb, mar, apr, may, jun, jul, aug, sep, oct, nov, dec), received "Foo"'],
    ['*/0 * * * * *', 'cron expression "*/0 * * * * *": seconds: expected a step of at least 1, received "0"'],
    ['* * 10-2 * * *', 'cron expression "* * 10-2 * * *": hours: the range "10-2" ends before it starts'],
  ]) {
    const err = await startFlow({ connectors: { cron: { type: 'crononome', config: { entries: [{ name: 'a', expr }] } } } }).catch((e: Error) => e);
    assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID');
    assert.ok((err as Error).message.includes(`connectors.cron.config.entries[0].expr: ${message}`), (err as Error).message);
  }
  const none = await startFlow({ connectors: { cron: { type: 'crononome', config: { entries: [] } } } }).catch((e: Error) => e);
  assert.ok((none as Error).message.includes('connectors.cron.config.entries'), (none as Error).message);
});

test('crononome emits each due entry as Tremor does: its name and payload under trigger, the name in its metadata', async () => {
  const flow = await startFlow({
    connectors: {
      cron: {
        type: 'crononome',
        config: { entries: [{ name: 'every-second', expr: '* * * * * *', payload: { snot: 'badger' } }, { name: 'bare', expr: '* * * * * *' }, { name: 'never', expr: '0 0 0 * * * 2001' }] },
      },
    },
  });
  try {
    const events = await flow.collect('cron', 'out', 4, { timeout: 3500 });
    const first = events[0]!.data as { connector: string; id: number; ingest_ns: number; trigger: unknown };
    assert.is(first.connector, 'crononome');
    assert.type(first.ingest_ns, 'number');
    assert.equal(events.map((e) => (e.data as { id: number }).id), [0, 1, 2, 3]);
    assert.equal(events.slice(0, 2).map((e) => (e.data as { trigger: unknown }).trigger), [{ name: 'every-second', payload: { snot: 'badger' } }, { name: 'bare' }]);
    assert.equal(events.slice(0, 2).map((e) => e.meta), [{ crononome: { trigger: 'every-second' } }, { crononome: { trigger: 'bare' } }]);
    // Fires fall on whole seconds, one second apart.
    const gapMs = Number(events[2]!.ingestNs - events[0]!.ingestNs) / 1e6;
    assert.ok(gapMs > 900 && gapMs < 1500, `a second apart, measured ${gapMs} ms`);
  } finally {
    await flow.stop();
  }
});

test('crononome finishes once none of its entries can fire again', async () => {
  const flow = await startFlow({
    connectors: { cron: { type: 'crononome', config: { entries: [{ name: 'past', expr: '0 0 0 * * * 2001' }] } }, sink: { type: 'null' } },
    links: [['cron', 'sink']],
  });
  try {
    const finish = await Promise.race([flow.flow.finished, new Promise((r) => setTimeout(() => r('still running'), 2000).unref())]);
    assert.equal(finish, { gaveUp: false, sources: ['cron'] });
  } finally {
    await flow.stop();
  }
});

test.run();
