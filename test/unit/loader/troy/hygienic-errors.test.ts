import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../../support/cli.js';
import { jsonOf, pipelineFlow, runPipeline, tmp } from './support.js';

test.after(() => tmp.cleanup());

// Line 6 of the file is the first line of the body.
const pipeline = (body: string): string => pipelineFlow(`define pipeline p\ninto out, err\npipeline\n${body}\nend;`);

/** A pipeline whose script `s` (its body given) is fed by `in` and feeds `out`, and its err port `err`. */
const scripted = (body: string): string =>
  pipeline(`define script s\nscript\n${body}\nend;\ncreate script s;\nselect event from in into s;\nselect event from s into out;\nselect event from s/err into err;`);
/** The same, with the script's err port read by nobody. */
const scriptedNoErr = (body: string): string =>
  pipeline(`define script s\nscript\n${body}\nend;\ncreate script s;\nselect event from in into s;\nselect event from s into out;`);

test("a script reading a missing key sends Tremor's error event, the key's line and carets, to its err port", async () => {
  const p = await runPipeline(
    scripted(`  let event.b = event.a.x;
  emit event`),
  );
  p.push({ a: { x: 1 } });
  p.push({ a: { y: 2 } });
  assert.equal(p.out(), [{ a: { x: 1 }, b: 1 }]);
  assert.equal(p.out('err'), [
    {
      error: 'Error: \n    8 |   let event.b = event.a.x;\n      |                         ^ Trying to access a non existing event key `x`\n      |                           NOTE: Did you mean to use `y`?\n\n',
      event: { a: { y: 2 } },
    },
  ]);
});

test('missing metadata and local keys, and positions past the end, are named as Tremor names them', async () => {
  const q = await runPipeline(
    scripted(`  let l = {"k": 1};
  match event of
    case "meta" => let event = $ws.peer
    case "local" => let event = l.nothing
    case _ => let event = [1, 2][5]
  end;
  emit event`),
  );
  ['meta', 'local', 'index'].forEach((e) => q.push(e));
  assert.equal(
    (q.out('err') as { error: string }[]).map((e) => e.error.split('\n')[2]!.slice(8).trim()),
    ['^^ Trying to access a non existing global key `ws`', '^^^^^^^ Trying to access a non existing local key `nothing`', '^ Array index out of bounds, got index 5 but expected an index in the range 0:2'],
  );
});

test('an arithmetic operator on types it does not take is drawn under the operator, in Tremor words', async () => {
  const p = await runPipeline(
    scripted(`  let event.total = event.price * event.count;
  emit event`),
  );
  p.push({ price: 2, count: 3 });
  p.push({ price: 2, count: '3' });
  assert.equal(p.out(), [{ price: 2, count: 3, total: 6 }]);
  assert.equal((p.out('err') as { error: string }[]).map((e) => e.error), [
    'Error: \n    8 |   let event.total = event.price * event.count;\n      |                                 ^ The binary operation `*` is not defined for the type `integer` and `string`\n\n',
  ]);
});

test('present, absent, path::try_default, record patterns and patch still test for keys without failing', async () => {
  const p = await runPipeline(
    pipelineFlow(`use std::path;
define pipeline p
into out, err
pipeline
select {
  "has": present event.a.b,
  "lacks": absent event.x.y,
  "default": path::try_default(event, ["x", "y"], "none"),
  "match": match event of case %{ present a, absent x } => "record" case _ => "other" end,
  "patched": patch event of merge "x" => {"z": 1} end
} from in into out;
end;`),
  );
  p.push({ a: { b: 1 } });
  assert.equal(p.out(), [{ has: true, lacks: true, default: 'none', match: 'record', patched: { a: { b: 1 }, x: { z: 1 } } }]);
  assert.equal(p.out('err'), []);
});

test("an error in a select's value, where, group by or having is logged in Tremor's rendering and the event dropped", async () => {
  const p = await runPipeline(
    pipeline(`select event.value
  from in
  where event.wanted
  group by event.grp
  into out
  having event != 0;`),
  );
  p.push({ value: 1, wanted: true, grp: 'a' });
  p.push({ value: 1, wanted: true });
  p.push({ value: 1, grp: 'a' });
  p.push({ wanted: true, grp: 'a' });
  assert.equal(p.out(), [1]);
  assert.equal(p.out('err'), []);
  const logs = p.logs().map((l) => l.replace(/^\S+ /, ''));
  assert.equal(logs, [
    'ERROR [p/select-errors] Error: \n    9 |   group by event.grp\n      |                  ^^^ Trying to access a non existing event key `grp`\n\n',
    'ERROR [p/select-errors] Error: \n    8 |   where event.wanted\n      |               ^^^^^^ Trying to access a non existing event key `wanted`\n\n',
    'ERROR [p/select-errors] Error: \n    6 | select event.value\n      |              ^^^^^ Trying to access a non existing event key `value`\n\n',
  ]);
});

test("unread, a script's error goes to the pipeline's err as tremolo's error event, rendered as Tremor's", async () => {
  const p = await runPipeline(
    scriptedNoErr(`  event.a.x`),
  );
  p.push({ a: {} });
  assert.equal(p.out('err'), [
    {
      error: 'p/s-emit-1: Error: \n    8 |   event.a.x\n      |           ^ Trying to access a non existing event key `x`\n\n',
      code: 'ERR_EXPR_EVAL',
      connector: 'p',
      event: { a: {} },
    },
  ]);
});

test('a path of a .troy flow compiles to strict(), with the places of its keys', async () => {
  const flow = await jsonOf(pipeline('select event["a b"].c from in into out;'));
  const ops = (flow.pipelines.p as { operators: Record<string, { config: { event?: string } }> }).operators;
  assert.is(
    ops['select-1']!.config.event,
    'strict(event["a b"].c, {"lines":{"6":"select event[\\"a b\\"].c from in into out;"},"sites":[[6,"event",6,14,5],[13,"event",6,21,1]]})',
  );
});

// The translation marks where keys are written with characters it takes out again; a user's
// string holding such a character, raw or escaped, is the user's and must come through whole.
const MARKER_LIKE = ['\uE000x', 'y\uE001', '\u0001[', ']\u0002', '\uE000[1]\uE001', '\u0001[2]\u0002'];
const PAYLOAD_LIKE = ['\uE000["event"]\uE001', '\u0001["event"]\u0002'];

test('strings holding private-use or control characters survive a script that reads paths, escaped or raw', async () => {
  const escaped = [...MARKER_LIKE, ...PAYLOAD_LIKE].map((s) => JSON.stringify(s)).join(', ');
  const raw = MARKER_LIKE.map((s) => `"${s}"`).join(', ');
  const p = await runPipeline(
    scripted(`  let event.escaped = [${escaped}];
  let event.raw = [${raw}];
  let event.keyed = {"\\uE000k\\uE001": event.a.b};
  emit event`),
  );
  p.push({ a: { b: 1 } });
  assert.equal(p.out('err'), []);
  assert.equal(p.out(), [{ a: { b: 1 }, escaped: [...MARKER_LIKE, ...PAYLOAD_LIKE], raw: MARKER_LIKE, keyed: { '\uE000k\uE001': 1 } }]);
});

test('tremolo validate accepts a .troy flow whose strings hold the marker characters, with no raw JSON error', async () => {
  const file = tmp.write('markers.troy', scriptedNoErr(`  let event.x = ["\\uE000x", "\\uE001", "\\u0001x", "\\u0002"];
  emit event.a`));
  const r = await runCli(['validate', file], { cwd: tmp.dir, timeoutMs: 20_000 });
  assert.is(r.stderr, '');
  assert.is(r.code, 0, r.stdout);
});

const FLOW = `define flow main
flow
  define pipeline p
  pipeline
    define script s
    script
      let event.b = event.a;
      emit event
    end;
    create script s;
    select event from in where event.keep into s;
    select event from s into out;
    select event from s/err into out;
  end;
  define connector console from stdio
  with
    codec = "json",
    preprocessors = ["separate"],
    postprocessors = ["separate"]
  end;
  create connector console;
  create pipeline p;
  connect /connector/console to /pipeline/p;
  connect /pipeline/p to /connector/console;
end;
deploy flow main;
`;

test('tremolo run: the err event on stdout and the select error on stderr, as Tremor writes them', async () => {
  const file = tmp.write('errors.troy', FLOW);
  const r = await runCli(['run', file], { cwd: tmp.dir, input: '{"keep": true, "a": 1}\n{"keep": true}\n{"a": 2}\n', timeoutMs: 20_000 });
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown), [
    { keep: true, a: 1, b: 1 },
    {
      error: 'Error: \n    7 |       let event.b = event.a;\n      |                           ^ Trying to access a non existing event key `a`\n\n',
      event: { keep: true },
    },
  ]);
  const lines = r.stderr.split('\n');
  const at = lines.findIndex((l) => l.endsWith('ERROR [errors/p/select-errors] Error: '));
  assert.ok(at >= 0, r.stderr);
  assert.equal(lines.slice(at + 1, at + 4), ['   11 |     select event from in where event.keep into s;', '      |                                      ^^^^ Trying to access a non existing event key `keep`', '']);
});

test.run();
