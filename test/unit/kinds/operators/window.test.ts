import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import { window } from '../../../../src/kinds/operators/window.js';
import { startFlow } from '../../../../src/app/testing/index.js';
import { runOperator } from './support.js';
import { origin, settled, subscribed, virtualTime } from './virtual-time.js';

const issues = (config: unknown): [PropertyKey[], string][] =>
  window.config.safeParse(config).error?.issues.map((i) => [i.path, i.message]) ?? [];

const close = (actual: unknown, expected: number, what: string): void => {
  assert.type(actual, 'number', what);
  assert.ok(Math.abs((actual as number) - expected) < 1e-9, `${what}: ${String(actual)} ≠ ${expected}`);
};

test('a count window emits the record of its aggregates every size events, from its first event to its last', () => {
  const time = virtualTime();
  const h = runOperator(window, { size: 3, aggregates: { n: 'count()', total: 'sum(event.bytes)' } }, { scheduler: time.scheduler });
  [5, 10, 20, 30].forEach((t, i) => time.at(t, () => h.push({ bytes: i + 1 })));
  time.runTo(100);
  assert.equal(h.data(), [{ n: 3, total: 6 }]);
  assert.equal(h.ports.out![0]!.meta, { window: { group: null, count: 3, start_ms: 5, end_ms: 20 } });
  assert.is(time.pending, 0);
});

test('completing the input emits the open count windows, partial, ending at the time of completion, then completes', () => {
  const time = virtualTime();
  const h = runOperator(window, { size: 3, group_by: 'event.g', aggregates: { n: 'count()' } }, { scheduler: time.scheduler });
  time.at(1, () => h.push({ g: 'a' }));
  time.at(2, () => h.push({ g: 'b' }));
  time.at(3, () => h.push({ g: 'a' }));
  time.runTo(10);
  h.input.complete();
  assert.equal(h.data(), [{ n: 2 }, { n: 1 }]);
  assert.equal(
    h.ports.out!.map((e) => e.meta),
    [{ window: { group: 'a', count: 2, start_ms: 1, end_ms: 10 } }, { window: { group: 'b', count: 1, start_ms: 2, end_ms: 10 } }],
  );
  assert.ok(h.completed.value);
});

test('a time window closes at each multiple of interval_ms; its timer stops once no window is open', () => {
  const time = virtualTime();
  const h = runOperator(window, { interval_ms: 100, aggregates: { n: 'count()', xs: 'collect(event)' } }, { scheduler: time.scheduler });
  time.at(10, () => h.push(1));
  time.at(20, () => h.push(2));
  time.at(150, () => h.push(3));
  time.runTo(99);
  assert.equal(h.data(), []);
  time.runTo(200);
  assert.equal(h.data(), [
    { n: 2, xs: [1, 2] },
    { n: 1, xs: [3] },
  ]);
  assert.equal(
    h.ports.out!.map((e) => e.meta),
    [{ window: { group: null, count: 2, start_ms: 0, end_ms: 100 } }, { window: { group: null, count: 1, start_ms: 100, end_ms: 200 } }],
  );
  time.runTo(399);
  assert.is(time.pending, 0, 'no timer while no window is open');
  time.at(420, () => h.push(4));
  time.runTo(500);
  assert.equal(h.ports.out![2]!.meta, { window: { group: null, count: 1, start_ms: 400, end_ms: 500 } });
});

test('completing the input emits the open time window, ending at the time of completion', () => {
  const time = virtualTime();
  const h = runOperator(window, { interval_ms: 100, aggregates: { n: 'count()' } }, { scheduler: time.scheduler });
  time.at(110, () => h.push(1));
  time.at(130, () => h.input.complete());
  time.runTo(1000);
  assert.equal(h.data(), [{ n: 1 }]);
  assert.equal(h.ports.out![0]!.meta, { window: { group: null, count: 1, start_ms: 100, end_ms: 130 } });
  assert.ok(h.completed.value);
  assert.is(time.pending, 0);
});

test('every aggregate function, against hand-computed values', () => {
  const h = runOperator(window, {
    size: 8,
    aggregates: {
      count: 'count()',
      sum: 'sum(event)',
      mean: 'mean(event)',
      min: 'min(event)',
      max: 'max(event)',
      var: 'var(event)',
      stdev: 'stdev(event)',
      p50: 'p50(event)',
      p90: 'p90(event)',
      p25: 'percentile(event, 0.25)',
      p0: 'percentile(event, 0)',
      first: 'first(event)',
      last: 'last(event)',
      collect: 'collect(event * 10)',
    },
  });
  // 2 4 4 4 5 5 7 9: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, sample variance 32/7.
  for (const x of [5, 2, 9, 4, 4, 7, 4, 5]) h.push(x);
  const [out] = h.data() as Record<string, unknown>[];
  close(out!.var, 32 / 7, 'var');
  close(out!.stdev, Math.sqrt(32 / 7), 'stdev');
  assert.equal(
    { ...out, var: 0, stdev: 0 },
    {
      count: 8,
      sum: 40,
      mean: 5,
      min: 2,
      max: 9,
      var: 0,
      stdev: 0,
      p50: 4, // nearest rank: ⌈0.5·8⌉ = 4th of the sorted values
      p90: 9, // ⌈7.2⌉ = 8th
      p25: 4, // ⌈2⌉ = 2nd
      p0: 2,
      first: 5,
      last: 5,
      collect: [50, 20, 90, 40, 40, 70, 40, 50],
    },
  );
});

test('percentiles are exact nearest-rank values, whatever order the values came in', () => {
  const h = runOperator(window, {
    size: 100,
    aggregates: { p50: 'p50(event)', p90: 'p90(event)', p95: 'p95(event)', p99: 'p99(event)', p999: 'p999(event)', p995: 'percentile(event, 0.995)' },
  });
  const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1); // 1..100, shuffled
  assert.is(new Set(values).size, 100);
  for (const x of values) h.push(x);
  assert.equal(h.data(), [{ p50: 50, p90: 90, p95: 95, p99: 99, p999: 100, p995: 100 }]);
});

test('any percentile of any values is the nearest-rank value of the sorted values (many equal values included)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 1, maxLength: 300, size: 'max' }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
      (values, qs) => {
        const aggregates = Object.fromEntries(qs.map((q, i) => [`q${i}`, `percentile(event, ${q.toFixed(6)})`]));
        const h = runOperator(window, { size: values.length, aggregates });
        for (const v of values) h.push(v);
        const sorted = [...values].sort((a, b) => a - b);
        const nearestRank = (q: number) => sorted[Math.min(values.length, Math.max(1, Math.ceil(q * values.length - 1e-9))) - 1];
        assert.equal(h.data(), [Object.fromEntries(qs.map((q, i) => [`q${i}`, nearestRank(Number(q.toFixed(6)))]))]);
      },
    ),
    { numRuns: 300 },
  );
});

test('a missing value (null) is skipped by numeric aggregates but counted by count, first, last and collect', () => {
  const h = runOperator(window, {
    size: 3,
    aggregates: { n: 'count()', sum: 'sum(event.x)', mean: 'mean(event.x)', p50: 'p50(event.x)', var: 'var(event.x)', first: 'first(event.x)', xs: 'collect(event.x)' },
  });
  h.push({});
  h.push({ x: 4 });
  h.push({ x: 8 });
  assert.equal(h.data(), [{ n: 3, sum: 12, mean: 6, p50: 4, var: 8, first: null, xs: [null, 4, 8] }]);
});

test('a value of the wrong type for a numeric aggregate sends the event to err, uncounted, and the window goes on', () => {
  const h = runOperator(window, { size: 2, aggregates: { n: 'count()', avg: 'mean(event.x)', xs: 'collect(event.x)' } });
  h.push({ x: 1 });
  const bad = h.push({ x: '2' });
  h.push({ x: 3 });
  assert.equal(h.errors.map((e) => [e.event, e.code, e.message]), [[bad, 'ERR_EXPR_EVAL', 'aggregate "avg" mean(event.x) takes numbers, received a string']]);
  assert.equal(h.data(), [{ n: 2, avg: 2, xs: [1, 3] }]);
});

test('with several arguments, a wrong type in any of them leaves every aggregate and group untouched', () => {
  const h = runOperator(window, { size: 2, group_by: 'event.g', max_groups: 1, aggregates: { n: 'count()', x: 'sum(event.x)', y: 'max(event.y)' } });
  const bad = [h.push({ g: 'new', x: 5, y: 'no' }), h.push({ g: 'a', x: 7, y: true })];
  h.push({ g: 'a', x: 1, y: 2 });
  h.push({ g: 'a', x: 3, y: 1 });
  assert.equal(
    h.errors.map((e) => [e.event, e.message]),
    [
      [bad[0], 'aggregate "y" max(event.y) takes numbers, received a string'],
      [bad[1], 'aggregate "y" max(event.y) takes numbers, received a boolean'],
    ],
  );
  // The refused event of group "new" opened no window: group "a" still fits under max_groups 1.
  assert.equal(h.data(), [{ n: 2, x: 4, y: 2 }]);
});

test('an expression that fails on an event sends that event to err, and the operator goes on', () => {
  const h = runOperator(window, { size: 2, group_by: 'event.a < 3', aggregates: { n: 'count()' } });
  h.push({ a: 1 });
  h.push({ a: 'x' });
  h.push({ a: 2 });
  assert.equal(h.errors.map((e) => [e.code, e.message]), [['ERR_EXPR_EVAL', 'cannot compare string with number in "event.a < 3"']]);
  assert.equal(h.data(), [{ n: 2 }]);
  assert.is((h.ports.out![0]!.meta.window as { group: unknown }).group, true);
});

test('group_by keeps one window per distinct value, compared deeply', () => {
  const h = runOperator(window, { size: 2, group_by: 'event.host', aggregates: { n: 'count()', ids: 'collect(event.id)' } });
  h.push({ id: 1, host: { name: 'a', port: 1 } });
  h.push({ id: 2, host: { name: 'b', port: 1 } });
  h.push({ id: 3, host: { port: 1, name: 'a' } });
  assert.equal(h.data(), [{ n: 2, ids: [1, 3] }]);
  assert.equal((h.ports.out![0]!.meta.window as { group: unknown }).group, { name: 'a', port: 1 });
});

test('an event of a group beyond max_groups goes to err in Tremor\'s words, naming the group; once a window closes there is room again', () => {
  const h = runOperator(window, { size: 2, group_by: 'event.g', max_groups: 2, aggregates: { n: 'count()' } });
  h.push({ g: 'a' });
  h.push({ g: 'b' });
  const refused = h.push({ g: 'c' });
  h.push({ g: 'a' });
  h.push({ g: 'c' });
  assert.equal(h.errors.map((e) => [e.event, e.code, e.message]), [
    [refused, 'ERR_OPERATOR_FAILED', 'Maxmimum amount of groups reached (2). Ignoring group [3]: group "c" would open one window more than max_groups 2'],
  ]);
  h.input.complete();
  assert.equal(
    h.ports.out!.map((e) => [(e.meta.window as { group: unknown }).group, e.data]),
    [
      ['a', { n: 2 }],
      ['b', { n: 1 }],
      ['c', { n: 1 }],
    ],
  );
});

test('emit_empty_windows: each tick also emits the groups seen before that got nothing, with empty aggregates and no origins', () => {
  const time = virtualTime();
  const aggregates = {
    n: 'count()',
    sum: 'sum(event.x)',
    mean: 'mean(event.x)',
    min: 'min(event.x)',
    max: 'max(event.x)',
    var: 'var(event.x)',
    stdev: 'stdev(event.x)',
    p99: 'p99(event.x)',
    first: 'first(event.x)',
    last: 'last(event.x)',
    xs: 'collect(event.x)',
  };
  const h = runOperator(window, { interval_ms: 100, group_by: 'event.g', emit_empty_windows: true, aggregates }, { scheduler: time.scheduler });
  time.at(10, () => h.push({ g: 'a', x: 1 }));
  time.at(20, () => h.push({ g: 'b', x: 2 }));
  time.at(150, () => h.push({ g: 'a', x: 3 }));
  time.runTo(300);
  const summary = h.ports.out!.map((e) => {
    const w = e.meta.window as { group: string; count: number; end_ms: number };
    return `${w.end_ms} ${w.group} ${w.count} ${JSON.stringify(e.origins)}`;
  });
  assert.equal(summary, [
    '100 a 1 [{"connector":1,"stream":0}]',
    '100 b 1 [{"connector":1,"stream":0}]',
    '200 a 1 [{"connector":1,"stream":0}]',
    '200 b 0 []',
    '300 a 0 []',
    '300 b 0 []',
  ]);
  const empty = { n: 0, sum: 0, mean: null, min: null, max: null, var: null, stdev: null, p99: null, first: null, last: null, xs: [] };
  assert.equal(h.ports.out![3]!.data, empty);
  assert.equal(h.ports.out![5]!.data, empty);
  assert.is(time.pending, 1, 'the groups seen are kept, and the ticks go on');
  h.input.complete();
  assert.is(time.pending, 0);
});

test('a window carries the origins of every event it counted, each once, across streams and connectors', () => {
  const h = runOperator(window, { size: 4, aggregates: { n: 'count()' } });
  h.push(1, {}, [origin(1, 0)]);
  h.push(2, {}, [origin(2, 7)]);
  h.push(3, {}, [origin(1, 0)]);
  h.push(4, {}, [origin(1, 1), origin(2, 7)]);
  assert.equal(h.ports.out![0]!.origins, [origin(1, 0), origin(2, 7), origin(1, 1)]);
});

test('an event sent to err is not among the origins of the window', () => {
  const h = runOperator(window, { size: 1, aggregates: { s: 'sum(event)' } });
  h.push('x', {}, [origin(3, 3)]);
  h.push(1, {}, [origin(1, 0)]);
  assert.equal(h.ports.out![0]!.origins, [origin(1, 0)]);
});

test('select makes the event from the aggregates, the group and the window metadata', () => {
  const h = runOperator(window, {
    size: 2,
    group_by: 'event.g',
    aggregates: { n: 'count()', top: 'max(event.v)' },
    select: '{"host": group, "top": event.top, "of": $.window.count, "unit": args.unit}',
  }, { args: { unit: 'ms' } });
  h.push({ g: 'a', v: 3 });
  h.push({ g: 'a', v: 9 });
  assert.equal(h.data(), [{ host: 'a', top: 9, of: 2, unit: 'ms' }]);
});

test('group is the group value inside aggregate arguments too', () => {
  const h = runOperator(window, { size: 2, group_by: 'event.g', aggregates: { tags: 'collect(group + ":" + string(event.v))' } });
  h.push({ g: 'a', v: 1 });
  h.push({ g: 'a', v: 2 });
  assert.equal(h.data(), [{ tags: ['a:1', 'a:2'] }]);
});

test('a select that fails sends the window to err, with its aggregates and origins, and the operator goes on', () => {
  const h = runOperator(window, { size: 1, aggregates: { top: 'max(event)' }, select: 'event.top < "x"' });
  h.push(5, {}, [origin(4, 2)]);
  assert.equal(h.data(), []);
  const [err] = h.errors;
  assert.equal([err!.code, err!.message, err!.event.data, err!.event.origins], [
    'ERR_EXPR_EVAL',
    'select "event.top < \\"x\\"": cannot compare number with string in "event.top < \\"x\\""',
    { top: 5 },
    [origin(4, 2)],
  ]);
});

test('unsubscribing cancels the window timer', () => {
  const time = virtualTime();
  const op = subscribed(window, { interval_ms: 1000, aggregates: { n: 'count()' } }, time);
  op.input.next({ data: 1, meta: {}, origins: [], ingestNs: 0n, id: 1 });
  assert.is(time.pending, 1);
  op.subscription.unsubscribe();
  assert.is(time.pending, 0);
  time.runTo(5000);
  assert.equal(op.out, []);
});

test('a bad aggregate is refused at load time, saying why and listing the aggregate functions', () => {
  const known = 'count, sum, mean, min, max, var, stdev, p50, p90, p95, p99, p999, percentile, first, last, collect';
  assert.equal(
    issues({ size: 3, aggregates: { a: 'avg(event.x)', b: 'event.x', c: 'count(event.x)', d: 'percentile(event.x, 2)', e: 'p99(event.x <)' } }),
    [
      [['aggregates', 'a'], `invalid aggregate "avg(event.x)": unknown aggregate function "avg"; known: ${known}`],
      [['aggregates', 'b'], `invalid aggregate "event.x": expected a call such as "mean(event.latency)"; aggregate functions: ${known}`],
      [['aggregates', 'c'], 'invalid aggregate "count(event.x)": count() takes no argument, got 1'],
      [['aggregates', 'd'], 'invalid aggregate "percentile(event.x, 2)": percentile() takes a number from 0 to 1 as its second argument, e.g. percentile(event.latency, 0.995); got 2'],
      [['aggregates', 'e'], 'invalid aggregate "p99(event.x <)": unexpected ")" at 13, expected an operand'],
    ],
  );
});

test('a window needs exactly one of size and interval_ms, some aggregates, and emit_empty_windows only on time', () => {
  assert.equal(issues({ aggregates: { n: 'count()' } }), [[[], 'expected exactly one of "size" (events) and "interval_ms" (time)']]);
  assert.equal(issues({ size: 2, interval_ms: 5, aggregates: { n: 'count()' } }), [[[], 'expected exactly one of "size" (events) and "interval_ms" (time)']]);
  assert.equal(issues({ size: 2, emit_empty_windows: true, aggregates: { n: 'count()' } }), [
    [['emit_empty_windows'], '"emit_empty_windows" needs a time window ("interval_ms"): a count window is never empty'],
  ]);
  assert.equal(issues({ size: 2, aggregates: {} }), [[['aggregates'], 'expected at least one aggregate, e.g. { n: "count()" }']]);
  assert.equal(issues({ size: 2, max_groups: 0, aggregates: { n: 'count()' } }), [[['max_groups'], 'Too small: expected number to be >0']]);
});

test('in a flow, a bad aggregate is a load-time problem placed at its field', async () => {
  const flow = { pipelines: { p: { operators: [{ op: 'window', config: { size: 2, aggregates: { avg: 'average(event.x)' } } }] } } };
  const { problems } = await checkFlowObject(flow, { file: '/tmp/w.json5' });
  assert.equal(problems.length, 1);
  assert.match(formatProblem(problems[0]!), /^\/tmp\/w\.json5:\d+:\d+: pipelines\.p\.operators\[0\]\.config\.aggregates\.avg: invalid aggregate "average\(event\.x\)": unknown aggregate function "average"/);
});

test('in a flow, a window of two events leaves the pipeline as one event', async () => {
  const flow = await startFlow({ pipelines: { p: { operators: [{ op: 'window', config: { size: 2, aggregates: { n: 'count()', total: 'sum(event)' } } }] } } });
  try {
    flow.send('p', 'in', 3);
    flow.send('p', 'in', 4);
    assert.equal((await flow.next('p', 'out')).data, { n: 2, total: 7 });
  } finally {
    await flow.stop();
  }
});


test('group_by as a list of dimensions: the group is the list of their values, and each element of an `each` list opens a group of its own', () => {
  const h = runOperator(window, { size: 2, group_by: ['event.kind', { each: 'event.tags' }], aggregates: { n: 'count()', ids: 'collect(event.id)' } });
  h.push({ kind: 'a', tags: ['x', 'y'], id: 1 });
  h.push({ kind: 'a', tags: ['y', 'y'], id: 2 });
  h.push({ kind: 'a', tags: ['x'], id: 3 });
  assert.equal(
    h.ports.out!.map((e) => [(e.meta.window as { group: unknown }).group, e.data]),
    [
      [['a', 'y'], { n: 2, ids: [1, 2] }],
      [['a', 'x'], { n: 2, ids: [1, 3] }],
    ],
  );
});

test('an `each` dimension that is not a list sends the event to err, and no window changes', () => {
  const h = runOperator(window, { size: 1, group_by: [{ each: 'event.tags' }], aggregates: { n: 'count()' } });
  const bad = h.push({ tags: 'x' });
  h.push({ tags: [1] });
  assert.equal(h.errors.map((e) => [e.event, e.code, e.message]), [[bad, 'ERR_EXPR_EVAL', 'group_by each "event.tags" takes an array, received a string']]);
  assert.equal(h.data(), [{ n: 1 }]);
});

test('the reason names the type received as the expression language does: bytes are bytes, a bigint a number', () => {
  const h = runOperator(window, { size: 1, group_by: [{ each: 'event.tags' }], aggregates: { n: 'count()' } });
  for (const tags of [Buffer.from('x'), 5n, { a: 1 }, null]) h.push({ tags });
  assert.equal(
    h.errors.map((e) => e.message.replace('group_by each "event.tags" takes an array, received ', '')),
    ['bytes', 'a number', 'a record', 'null'],
  );
});

test('an event whose `each` groups would go beyond max_groups is refused whole: none of its groups counts it', () => {
  const h = runOperator(window, { size: 2, group_by: [{ each: 'event' }], max_groups: 2, aggregates: { xs: 'collect(event)' } });
  h.push([1]);
  const refused = h.push([1, 2, 3]);
  h.push([1]);
  assert.equal(h.errors.map((e) => [e.event, e.message]), [[refused, 'Maxmimum amount of groups reached (2). Ignoring group [3]: group [2] would open one window more than max_groups 2']]);
  assert.equal(h.data(), [{ xs: [[1], [1]] }]);
});

test('aligned: false times a window from its first event, per group, as Tremor does', () => {
  const time = virtualTime();
  const h = runOperator(window, { interval_ms: 100, aligned: false, group_by: 'event.g', aggregates: { n: 'count()' } }, { scheduler: time.scheduler });
  time.at(30, () => h.push({ g: 'a' }));
  time.at(90, () => h.push({ g: 'b' }));
  time.at(120, () => h.push({ g: 'a' }));
  time.runTo(129);
  assert.equal(h.data(), []);
  time.runTo(400);
  assert.equal(
    h.ports.out!.map((e) => e.meta.window),
    [
      { group: 'a', count: 2, start_ms: 30, end_ms: 130 },
      { group: 'b', count: 1, start_ms: 90, end_ms: 190 },
    ],
  );
  assert.is(time.pending, 0);
});

test('a tilt frame: the next window takes in the windows of the one before, merging every aggregate, and settles all their events once it is emitted', () => {
  const h = runOperator(window, {
    name: 'small',
    size: 2,
    tilt: [{ name: 'big', size: 2 }],
    aggregates: { n: 'count()', sum: 'sum(event)', mean: 'mean(event)', min: 'min(event)', max: 'max(event)', var: 'var(event)', p50: 'p50(event)', first: 'first(event)', last: 'last(event)', xs: 'collect(event)' },
  });
  const log: string[] = [];
  for (const x of [4, 1, 3]) h.input.next(settled(x, log));
  assert.is(h.ports.out!.length, 1);
  assert.equal(log, [], 'the first small window was emitted, and is held by the big one');
  h.input.next(settled(8, log));
  const big = h.ports.out![2]!;
  assert.equal(h.ports.out!.map((e) => (e.meta.window as { name: string }).name), ['small', 'small', 'big']);
  assert.equal(big.data, { n: 4, sum: 16, mean: 4, min: 1, max: 8, var: 26 / 3, p50: 3, first: 4, last: 8, xs: [4, 1, 3, 8] });
  assert.equal([(big.meta.window as { name: string }).name, (big.meta.window as { count: number }).count], ['big', 4]);
  assert.equal(log, ['ack 4', 'ack 1', 'ack 3', 'ack 8'], 'the big window was dispatched, and nothing holds it');
});

test('meta: closing_event gives a count window the metadata of the event that filled it, and a timed one {}', () => {
  const time = virtualTime();
  const count = runOperator(window, { size: 2, meta: 'closing_event', aggregates: { n: 'count()' } });
  count.push(1, { x: 1 });
  count.push(2, { x: 2 });
  assert.equal(count.ports.out![0]!.meta, { x: 2 });
  const timed = runOperator(window, { interval_ms: 10, meta: 'closing_event', aggregates: { n: 'count()' } }, { scheduler: time.scheduler });
  time.at(1, () => timed.push(1, { x: 1 }));
  time.runTo(20);
  assert.equal(timed.ports.out![0]!.meta, {});
});

test('emit_partial: false drops the open windows when the input completes, acking their events', () => {
  const h = runOperator(window, { size: 3, emit_partial: false, aggregates: { n: 'count()' } });
  const log: string[] = [];
  h.input.next(settled('a', log));
  h.input.complete();
  assert.equal(h.data(), []);
  assert.equal(log, ['ack a']);
  assert.ok(h.completed.value);
});


test('emit_partial: false lets a time window close on time after the input completed, and only then completes', () => {
  const time = virtualTime();
  const h = runOperator(window, { interval_ms: 100, aligned: false, emit_partial: false, aggregates: { n: 'count()' } }, { scheduler: time.scheduler });
  time.at(10, () => h.push(1));
  time.at(20, () => h.input.complete());
  time.runTo(109);
  assert.equal([h.data(), h.completed.value], [[], false]);
  time.runTo(110);
  assert.equal([h.data(), h.completed.value], [[{ n: 1 }], true]);
  assert.is(time.pending, 0);
});

test.run();
