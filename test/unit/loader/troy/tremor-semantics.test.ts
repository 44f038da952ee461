import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonOf, pipelineFlow, problemsOf, runPipeline, tmp } from './support.js';

test.after(() => tmp.cleanup());

const pipeline = (body: string, head = ''): string => pipelineFlow(`define pipeline p\n${head}\npipeline\n${body}\nend;`);

test("let $ = ... fails each event to err in Tremor's words; assigning a field of $ still works", async () => {
  const p = await runPipeline(
    pipeline(`define script s
script
  let $ = {"new": "data"};
  $
end;
define script ok
script
  let $.new = "data";
  $
end;
create script s;
create script ok;
select event from in into s;
select event from s into out;
select event from in into ok;
select event from ok into out;`),
  );
  p.push('x');
  assert.equal(p.out(), [{ new: 'data' }]);
  const [err] = p.out('err') as { error: string }[];
  assert.match(err!.error, "You are trying to assign to a value that isn't valid: `$` as a whole cannot be replaced; assign its fields, `let $.key = ...`");
});

test("define operator compiles Tremor's generic::batch onto batch, its settings given over by the create's, timeout in nanoseconds", async () => {
  const text = pipeline(`define operator b from generic::batch with count = 5, timeout = nanos::from_seconds(2) end;
create operator b with count = 2 end;
select event from in into b;
select event from b into out;`);
  const flow = await jsonOf(`use std::time::nanos;\n${text}`);
  assert.equal((flow.pipelines.p as { operators: object }).operators, { b: { op: 'batch', config: { count: 2, timeout_ms: 2000 } } });
  const p = await runPipeline(`use std::time::nanos;\n${text}`);
  [1, 2, 3, 4].forEach((n) => p.push(n));
  assert.equal(p.out(), [[1, 2], [3, 4]]);
});

test('qos::roundrobin takes turns over its outputs, each selected from as OPERATOR/PORT', async () => {
  const p = await runPipeline(
    pipeline(
      `define operator rr from qos::roundrobin with outputs = ["a", "b"] end;
create operator rr;
select event from in into rr;
select event from rr/a into out;
select event from rr/b into other;`,
      'into out, other',
    ),
  );
  [1, 2, 3].forEach((n) => p.push(n));
  assert.equal([p.out(), p.out('other')], [[1, 3], [2]]);
});

test("grouper::bucket limits each $class to its $rate; over it, events go to the operator's overflow", async () => {
  const p = await runPipeline(
    pipeline(
      `define script classify
script
  let $class = event.c;
  let $rate = 2;
  event
end;
define operator bucket from grouper::bucket;
create script classify;
create operator bucket;
select event from in into classify;
select event from classify into bucket;
select event from bucket into out;
select event from bucket/overflow into over;`,
      'into out, over',
    ),
  );
  for (const c of ['a', 'a', 'a', 'b']) p.push({ c });
  assert.equal(p.out(), [{ c: 'a' }, { c: 'a' }, { c: 'b' }]);
  assert.equal(p.out('over'), [{ c: 'a' }]);
});

test("an operator kind Tremor does not have is refused in Tremor's words; one tremolo lacks, as not supported", async () => {
  const problems = await problemsOf(
    pipeline(`define operator u from op::unknown;
define operator c from generic::counter;
create operator c;
select event from in into out;`),
  );
  assert.equal(problems, [
    'flow.troy:7:24: `operator generic::counter` is not supported yet: it counts events in operator state; a window with aggr::stats::count does the same per window',
    'flow.troy:6:24: Unknown operator: op::unknown; tremolo has: generic::batch, grouper::bucket, qos::backpressure, qos::roundrobin',
  ]);
});

test.run();
