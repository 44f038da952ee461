import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonOf, pipelineFlow, problemsOf, runPipeline, tmp } from './support.js';

test.after(() => tmp.cleanup());

const pipeline = (body: string, head = ''): string => pipelineFlow(`define pipeline p\n${head}\npipeline\n${body}\nend;`);

/** A pipeline of one script `s` between `in` and `out`, its `err` port selected into `err`. */
const scripted = (script: string, extra = ''): string =>
  pipeline(`define script s
script
${script}
end;
create script s;
select event from in into s;
select event from s into out;
${extra}`);

test('a script body may use modules, first or between its statements, and calls their functions', async () => {
  const p = await runPipeline(scripted('use std::record;\nlet event = record::values(event);\nuse std::array;\narray::len(event)'));
  p.push({ a: 'x', b: [1], c: null });
  assert.equal(p.out(), [3]);
});

test('a module a script body uses must exist', async () => {
  const problems = await problemsOf(scripted('use nowhere::at_all;\nevent'), 'script-use.troy');
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /^script-use\.troy:8:1: module nowhere::at_all not found: looked for nowhere\/at_all\.troy and nowhere\/at_all\.tremor in /);
});

test("a script's own err port takes what any of its statements fails on; the pipeline's err stays empty", async () => {
  const p = await runPipeline(scripted('let event.n = event.n * 2;\nmatch event.n of case 2 => let $ = {"new": 1} case _ => event end', 'select {"failed": event.event} from s/err into out;'));
  p.push({ n: 0 });
  p.push({ n: 'x' });
  p.push({ n: 1 });
  assert.equal(p.out(), [{ n: 0 }, { failed: { n: 'x' } }, { failed: { n: 2 } }]);
  assert.equal(p.out('err'), []);
});

test("unread, a script's errors go to the pipeline's err, with Tremor's words for replacing $", async () => {
  const p = await runPipeline(scripted('let $ = {"new": "data"};\n$'));
  p.push({ a: 1 });
  assert.equal(p.out(), []);
  const [error] = p.out('err') as { error: string; event: unknown }[];
  assert.match(error!.error, "You are trying to assign to a value that isn't valid");
  assert.equal(error!.event, { a: 1 });
});

test('let x = match ... end assigns the value of the case taken; a case that drops drops the event', async () => {
  const p = await runPipeline(
    scripted(`let in = {"message": event};
let event = match in of
  case r = %{ message ~= dissect|%{first} %{last}| } => r.message
  case %{ message == "keep" } => "kept"
  case _ => drop
end;
event`),
  );
  for (const e of ['Ada Lovelace', 'Nobody', 'keep', 'Nebojša Di Napoli']) p.push(e);
  assert.equal(p.out(), [{ first: 'Ada', last: 'Lovelace' }, 'kept', { first: 'Nebojša', last: 'Di Napoli' }]);
});

test('#!config metrics_interval_s at the start of a pipeline body is accepted; other settings and values are refused', async () => {
  const ok = await runPipeline(pipeline('select event from in into out;', 'args interval = 3').replace('pipeline\nselect', 'pipeline\n#!config metrics_interval_s = args.interval\n#!config metrics_interval_s = 5\nselect'));
  ok.push(1);
  assert.equal(ok.out(), [1]);
  const problems = await problemsOf(pipeline('select event from in into out;').replace('pipeline\nselect', 'pipeline\n#!config metrics_interval_s = "soon"\n#!config log_level = 1\nselect'), 'config.troy');
  assert.equal(problems, [
    'config.troy:6:31: #!config metrics_interval_s must be a positive number of seconds, received "soon"',
    'config.troy:7:10: unknown #!config setting "log_level"; known: metrics_interval_s',
  ]);
});

test("a script's state lives across events: null at first, assigned whole or by field, read anywhere in the script", async () => {
  const p = await runPipeline(
    pipeline(
      `define script s
script
  let state = match state of
    case null => {"events": 0, "by": {}}
    case _ => state
  end;
  let state.events = state.events + 1;
  let state.last.k = event.k;
  match state of
    case %{ events >= 3 } => emit {"done": state} => "exit"
    case _ => emit state.events
  end
end;
create script s;
select event from in into s;
select event from s into out;
select event from s/exit into exit;`,
      'into out, err, exit',
    ),
  );
  for (const k of ['a', 'b', 'a']) p.push({ k });
  assert.equal(p.out(), [1, 2]);
  assert.equal(p.out('exit'), [{ done: { events: 3, by: {}, last: { k: 'a' } } }]);
});

test('each created instance of a script has its own state', async () => {
  const p = await runPipeline(
    pipeline(`define script counter
script
  let state = match state of case null => 1 case _ => state + 1 end;
  {"n": state, "by": event}
end;
create script one from counter;
create script two from counter;
select "one" from in into one;
select "two" from in into two;
select event from one into out;
select event from two into out;`),
  );
  p.push(null);
  p.push(null);
  assert.equal(p.out(), [{ n: 1, by: 'one' }, { n: 1, by: 'two' }, { n: 2, by: 'one' }, { n: 2, by: 'two' }]);
});

test("the script's value after a last `let state` is what was assigned; state changes made before a failure stay", async () => {
  const p = await runPipeline(scripted('let state = match state of case null => 1 case _ => state + 1 end;\nlet event.doubled = event.n * 2;\nlet state.x = state', 'select event.event from s/err into err;'));
  p.push({ n: 1 });
  p.push({ n: 'x' });
  assert.equal(p.out(), []);
  assert.equal(p.out('err'), [{ n: 1, doubled: 2 }, { n: 'x' }]);
});

test('state compiles onto operators sharing the script alias; a select has no state (null), as in Tremor', async () => {
  const flow = await jsonOf(scripted('let state = match state of case null => 1 case _ => state + 1 end;\nstate'));
  const operators = Object.values((flow.pipelines.p as { operators: Record<string, { op: string; config: unknown; share_state?: string }> }).operators);
  assert.equal(operators.map((o) => [o.op, o.share_state]), [['map', 's'], ['map', 's']]);
  // The `+` is drawn where it is written when it fails on its types (strict-sites.ts).
  assert.equal(operators[0]!.config, {
    state: 'strict(((state == null) ? 1 : (state + 1)), {"lines":{"8":"let state = match state of case null => 1 case _ => state + 1 end;"},"sites":[[30,"event",8,59,1]]})',
  });
  const without = await jsonOf(scripted('let event.a = 1;\nevent'));
  assert.ok(Object.values((without.pipelines.p as { operators: Record<string, object> }).operators).every((o) => !('share_state' in o)));
  const selecting = await runPipeline(pipeline('select [state, event] from in into out;'), 'select-state.troy');
  selecting.push(1);
  assert.equal(selecting.out(), [[null, 1]]);
});

test.run();
