import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonOf, pipelineFlow, problemsOf, runPipeline, tmp } from './support.js';

test.after(() => tmp.cleanup());

const pipeline = (body: string, head = ''): string => pipelineFlow(`define pipeline p\n${head}\npipeline\n${body}\nend;`);

test('select event from in into out is a link, with no operator', async () => {
  const flow = await jsonOf(pipeline('select event from in into out;'));
  assert.equal(flow.pipelines.p, { ports: { in: ['in'], out: ['out'] }, operators: {}, links: [['in', 'out']] });
  const p = await runPipeline(pipeline('select event from in into out;'));
  p.push({ a: 1 });
  assert.equal(p.out(), [{ a: 1 }]);
});

test('where filters before the select makes its value, having filters what it made', async () => {
  const p = await runPipeline(pipeline('select {"n": event.n * 10, "meta": $tag} from in where event.n > 1 into out having event.n < 40;'));
  for (const n of [1, 2, 3, 4]) p.push({ n }, { tag: 'x' });
  assert.equal(p.out(), [{ n: 20, meta: 'x' }, { n: 30, meta: 'x' }]);
});

test('declared outputs are written by name or as out/PORT, and args are the pipeline\'s', async () => {
  const text = pipelineFlow(
    `define pipeline p
into out, exit
args word = "exit", delay = 100
pipeline
  select event from in where event != args.word into out;
  select {"exit": 0, "delay": args.delay} from in where event == args.word into out/exit;
end;`,
    'create pipeline p with delay = 5 end;',
  );
  const p = await runPipeline(text);
  for (const e of ['a', 'exit', 'b']) p.push(e);
  assert.equal(p.out(), ['a', 'b']);
  assert.equal(p.out('exit'), [{ exit: 0, delay: 5 }]);
});

test('streams join what several selects write and feed every select that reads them', async () => {
  const p = await runPipeline(
    pipeline(`create stream both;
select "a:#{event}" from in where event == 1 into both;
select "b:#{event}" from in where event == 2 into both;
select [event] from both into out;
select event from both into err;`),
  );
  for (const e of [1, 2, 3]) p.push(e);
  assert.equal(p.out(), [['a:1'], ['b:2']]);
  assert.equal(p.out('err'), ['a:1', 'b:2']);
});

test('a script sets fields of the event and its metadata, in order, and sends the result on', async () => {
  const p = await runPipeline(
    pipeline(`define script s
script
  let total = event.a + event.b;
  let event.total = total;
  let event.double = event.total * 2;
  let $seen = true;
  event
end;
create script s;
select event from in into s;
select {"event": event, "seen": $seen} from s into out;`),
  );
  p.push({ a: 1, b: 2 });
  assert.equal(p.out(), [{ event: { a: 1, b: 2, total: 3, double: 6 }, seen: true }]);
});

test('a script emits to named ports, drops, and without emit sends its last value, as Tremor does', async () => {
  const p = await runPipeline(
    pipeline(
      `define script s
args limit = 10
script
  match event of
    case "exit" => emit {"exit": 0} => "exit"
    case %{ present n } when event.n > args.limit => drop
    case %{ present n } => let event.seen = true
    default => emit
  end
end;
create script s with limit = 2 end;
select event from in into s;
select event from s into out;
select event from s/exit into exit;`,
      'into out, exit',
    ),
  );
  for (const e of [{ n: 1 }, { n: 5 }, 'other', 'exit']) p.push(e);
  // `let event.seen = true` as the last statement: the script's value is what was assigned.
  assert.equal(p.out(), [true, 'other']);
  assert.equal(p.out('exit'), [{ exit: 0 }]);
});

test('a match with no case that holds and no default sends the event to err, as Tremor fails it', async () => {
  const p = await runPipeline(
    pipeline(`define script s
script
  match event of
    case 1 => emit "one"
  end;
  emit "after"
end;
create script s;
select event from in into s;
select event from s into out;`),
  );
  p.push(1);
  p.push(2);
  assert.equal(p.out(), ['one']);
  const [err] = p.out('err') as { error: string }[];
  assert.match(err!.error, /no case of the match matched \(\S*pipeline\.troy:8:3\)/);
});

test('a tumbling window by size aggregates per group; group is the list of group values and then their JSON text, as Tremor\'s', async () => {
  const p = await runPipeline(
    pipeline(`define window two from tumbling with size = 2 end;
select {
  "group": group,
  "key": group[0],
  "n": aggr::stats::count(),
  "sum": aggr::stats::sum(event.v),
  "mean": aggr::stats::mean(event.v),
  "values": aggr::win::collect_flattened(event.v),
  "first": aggr::win::first(event.v),
  "window": window
} from in[two] where event.v >= 0 group by event.k into out having event.n > 1;`),
  );
  for (const [k, v] of [['a', 1], ['b', 5], ['a', 3], ['b', -1], ['b', 7]] as const) p.push({ k, v });
  assert.equal(p.out(), [
    { group: ['a', '["a"]'], key: 'a', n: 2, sum: 4, mean: 2, values: [1, 3], first: 1, window: 'two' },
    { group: ['b', '["b"]'], key: 'b', n: 2, sum: 12, mean: 6, values: [5, 7], first: 5, window: 'two' },
  ]);
});

test('hdr gives the summary and the percentiles asked for', async () => {
  const p = await runPipeline(
    pipeline(`define window four from tumbling with size = 4 end;
select {"stats": aggr::stats::hdr(event, ["0.5", "1.0"]), "p": aggr::stats::percentile(event, 0.9)} from in[four] group by set(1) into out;`),
  );
  for (const v of [1, 2, 3, 4]) p.push(v);
  assert.equal(p.out(), [{ stats: { count: 4, min: 1, max: 4, mean: 2.5, stdev: 1.2909944487358056, var: 1.6666666666666667, percentiles: { '0.5': 2, '1.0': 4 } }, p: 4 }]);
});

test('when the input completes, a time window still closes on time and a count window that cannot fill is dropped, as in Tremor', async () => {
  const p = await runPipeline(
    pipeline(`define window short from tumbling with interval = nanos::from_millis(50) end;
define window three from tumbling with size = 3 end;
select {"n": aggr::stats::count(), "w": window} from in[short] into out;
select {"n": aggr::stats::count(), "w": window} from in[three] into out;`),
  );
  for (const v of [1, 2]) p.push(v);
  p.complete();
  assert.equal(p.out(), []);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(p.out(), [{ n: 2, w: 'short' }]);
  assert.equal(p.events()[0]!.meta, {}, 'a window closed by time has no metadata, as Tremor\'s');
});

test('group by set(each(...), ...): one window per element and value; the target reads group expressions as the group, and state as null', async () => {
  const p = await runPipeline(
    pipeline(`define window two from tumbling with size = 2 end;
select {
  "tag": event.tags,
  "upper": not event.up,
  "group": group,
  "n": aggr::stats::count(),
  "ids": aggr::win::collect_flattened(event.id),
  "state": state,
  "window": window
} from in[two] group by set(each(event.tags), set(not event.up)) into out;`),
  );
  p.push({ tags: ['a', 'b'], up: false, id: 1 }, { m: 1 });
  p.push({ tags: ['b'], up: false, id: 2 }, { m: 2 });
  p.push({ tags: ['a'], up: false, id: 3 }, { m: 3 });
  assert.equal(p.out(), [
    { tag: 'b', upper: true, group: ['b', true, '["b",true]'], n: 2, ids: [1, 2], state: null, window: 'two' },
    { tag: 'a', upper: true, group: ['a', true, '["a",true]'], n: 2, ids: [1, 3], state: null, window: 'two' },
  ]);
  assert.equal(
    p.events().map((e) => e.meta),
    [{ m: 2 }, { m: 3 }],
    'the metadata of the event that filled the window',
  );
});

test('group by without a window makes one event per group of the event, group being Tremor\'s list of values and their text', async () => {
  const p = await runPipeline(pipeline('select {"name": group[0]["name"], "group": group} from in group by each(event) into out;'));
  p.push([{ name: 'x' }, { name: 'y' }]);
  p.push([]);
  assert.equal(p.out(), [
    { name: 'x', group: [{ name: 'x' }, '[{"name":"x"}]'] },
    { name: 'y', group: [{ name: 'y' }, '[{"name":"y"}]'] },
  ]);
});

test('several windows in one select make a tilt frame: the second merges what the first emits, and window names the one emitting', async () => {
  const p = await runPipeline(
    pipeline(`define window pairs from tumbling with size = 2 end;
define window fours from tumbling with size = 2 end;
select {"w": window, "n": aggr::stats::count(), "sum": aggr::stats::sum(event)} from in[pairs, fours] into out;`),
  );
  for (const v of [1, 2, 3, 4]) p.push(v);
  assert.equal(p.out(), [
    { w: 'pairs', n: 2, sum: 3 },
    { w: 'pairs', n: 2, sum: 7 },
    { w: 'fours', n: 4, sum: 10 },
  ]);
});

test('an event that would open a group beyond max_groups goes to err in Tremor\'s words', async () => {
  const p = await runPipeline(
    pipeline(`define window w from tumbling with size = 2, max_groups = 1 end;
select aggr::stats::count() from in[w] group by event into out;`),
  );
  p.push('a');
  p.push('b');
  p.push('a');
  assert.equal(p.out(), [2]);
  assert.equal(
    (p.out('err') as { error: string }[]).map((e) => e.error),
    ['p/select-1: Maxmimum amount of groups reached (1). Ignoring group [2]: group ["b"] would open one window more than max_groups 1'],
  );
});

test('Trickle outside the subset is refused where it is written, naming the construct', async () => {
  const problems = await problemsOf(
    pipeline(`define operator rr from generic::counter;
create operator rr;
select event from in into rr;
define window slide from sliding with size = 2 end;
define window both from tumbling with size = 2, interval = 10 end;
define script st state 0 script event end;
create script st;
select event from in group by event.k into out;
select event from in[nowin] into out;
select event.x from in[both] into out;
define window w from tumbling with size = 2 end;
select {"n": aggr::stats::count(), "e": event} from in[w] into out;
select event from nowhere into out;
select event from in into in;
create pipeline sub;`),
    'refused.troy',
  );
  assert.equal(problems, [
    'refused.troy:9:26: `define window slide from sliding` is not supported yet: only tumbling windows (by size or interval) have a counterpart in tremolo',
    'refused.troy:10:39: `size and interval together` is not supported yet: a tumbling window closes by size or by interval in tremolo, not both',
    'refused.troy:20:1: `create pipeline sub` is not supported yet: pipelines inside pipelines have no counterpart yet; connect two pipelines in the flow instead',
    "refused.troy:11:18: `state EXPR` is not supported yet: a script's state starts as null; set its first value in the script: let state = match state of case null => ... case _ => state end",
    'refused.troy:6:25: `operator generic::counter` is not supported yet: it counts events in operator state; a window with aggr::stats::count does the same per window',
    'refused.troy:14:22: unknown window "nowin"; windows: w',
    'refused.troy:17:41: `event` is not supported yet: in a windowed select, read events inside aggregate functions, e.g. aggr::win::last(event.x)',
    'refused.troy:18:19: unknown stream "nowhere" to select from; known: in, rr, st',
    'refused.troy:19:27: "in" is an input of the pipeline; select into out, err, rr, st',
  ]);
});

test('a windowed select needs an aggregate; a local may not outlive a change of the event it reads', async () => {
  const problems = await problemsOf(
    pipeline(`define window w from tumbling with size = 2 end;
define script s
script
  let x = event.a;
  let event.a = 2;
  x
end;
create script s;
select event from in into s;
select {"n": 1} from in[w] into out;`),
    'refused-2.troy',
  );
  assert.equal(problems, [
    'refused-2.troy:11:3: `x` is not supported yet: reading a local after the event it was computed from changed; set it after the change',
    'refused-2.troy:15:8: `a windowed select without aggregate functions` is not supported yet: select values of the window with aggr::stats::count(), aggr::win::collect_flattened(event), ...',
  ]);
});

test('expressions the compiled operators reject are placed at the Trickle statement that wrote them', async () => {
  assert.equal(await problemsOf(pipeline('select event from in into out;\nselect string::format("{} {}", event) from in into out;'), 'format.troy'), [
    'format.troy:7:8: pipelines.p.operators.select-2.config.event: invalid expression "format(\\"{} {}\\", event)": format string at 7 has 2 placeholders but 1 value was given',
  ]);
});

test.run();

test("a window's size and a batch's count that are not whole numbers are refused at the value, quoting it", async () => {
  const problems = await problemsOf(
    pipeline(`define window w from tumbling with size = 0 end;
define window t from tumbling with interval = 1.5, emit_empty_windows = "yes" end;
define operator b from generic::batch with count = "5", timeout = -1 end;
create operator b;
select event from in into b;
select aggr::stats::count() from in[w] into out;
select aggr::stats::count() from in[t] into out;`),
    'numbers.troy',
  );
  assert.equal(problems, [
    'numbers.troy:4:42: size is a whole number of events, at least 1, received 0',
    'numbers.troy:5:46: interval is a duration in nanoseconds, e.g. nanos::from_seconds(1), received 1.5',
    'numbers.troy:5:72: emit_empty_windows is true or false, received "yes"',
    'numbers.troy:6:52: count is a whole number, at least 1, received "5"',
    'numbers.troy:6:69: timeout is a whole number, at least 1, received -1',
  ]);
});
