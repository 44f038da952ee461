import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pipelineFlow, problemsOf, runPipeline, tmp } from './support.js';

test.after(() => tmp.cleanup());

const MODULE = `use std::string;
const limit = 10;
const greeting = "hi";
## Whether the metadata says the put of "exit" went through.
fn is_put_exit(payload, meta) with
  let meta_ok = match meta of
    case %{ kv ~= %{ op == "put", ok == string::into_binary("exit") } } => true
    case _ => false
  end;
  meta_ok and payload == "exit"
end;
fn clamp(x) with
  match x > limit of case true => limit case _ => x end
end;
fn twice_clamped(x) with
  let c = clamp(x);
  c * 2
end;
fn loop(x) with loop(x) end;
`;

const pipeline = (body: string): string => pipelineFlow(`define pipeline p\ninto out, exit\npipeline\nuse helpers;\n${body}\nend;`);

test('a module function is inlined where it is called: its parameters, its lets and its last value', async () => {
  tmp.write('helpers.tremor', MODULE);
  const p = await runPipeline(
    pipeline(`select event from in where !helpers::is_put_exit(event, $) into out;
select {"exit": 0} from in where helpers::is_put_exit(event, $) into exit;`),
  );
  p.push('exit', { kv: { op: 'put', ok: Buffer.from('exit') } });
  p.push('exit', { kv: { op: 'get', ok: Buffer.from('exit') } });
  p.push('other', { kv: { op: 'put', ok: Buffer.from('exit') } });
  assert.equal(p.out(), ['exit', 'other']);
  assert.equal(p.out('exit'), [{ exit: 0 }]);
});

test('module functions call each other and read the module constants', async () => {
  tmp.write('helpers.tremor', MODULE);
  const p = await runPipeline(pipeline('select [helpers::twice_clamped(event), helpers::limit, helpers::greeting] from in into out;'));
  p.push(3);
  p.push(30);
  assert.equal(p.out(), [
    [6, 10, 'hi'],
    [20, 10, 'hi'],
  ]);
});

test('a call with the wrong number of arguments, an unknown name and recursion are refused where written', async () => {
  tmp.write('helpers.tremor', MODULE);
  const problems = await problemsOf(
    pipeline(`select helpers::clamp(1, 2) from in into out;
select helpers::nope(1) from in into out;
select helpers::loop(1) from in into out;`),
    'fn.troy',
  );
  assert.equal(problems, [
    'fn.troy:7:8: helpers::clamp takes 1 argument (x), got 2',
    `fn.troy:8:8: module helpers (helpers.tremor) has no function "nope"; functions: is_put_exit, clamp, twice_clamped, loop`,
    'helpers.tremor:19:17: `helpers::loop` is not supported yet: a function that calls itself has no counterpart in tremolo; functions are inlined where they are called',
  ]);
});

test('patch inserts, updates, upserts, defaults and merges keys; merge merges a whole record, as JSON Merge Patch', async () => {
  const p = await runPipeline(
    pipelineFlow(`define pipeline p
pipeline
select [
  patch event of insert "b" => 2; upsert "a" => 0; default "a" => 9; default "c" => 3; merge "d" => {"x": null, "y": 1} end,
  merge event of {"a": null, "d": {"z": 2}} end
] from in into out;
select patch event of update "a" => 2 insert "b" => 1 end from in into err;
end;`),
  );
  p.push({ a: 1, d: { x: 1 } });
  assert.equal(p.out(), [[{ a: 0, d: { y: 1 }, b: 2, c: 3 }, { d: { x: 1, z: 2 } }]]);
  p.push({ b: 1 });
  assert.equal(p.out('err'), [{ a: 2, d: { x: 1 }, b: 1 }]);
  // An error in a select is logged and the event dropped, as Tremor does.
  assert.match(p.logs().join('\n'), 'The key that is supposed to be updated does not exist: a');
});

test.run();
