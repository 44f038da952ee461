import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DefineFlow, DefinePipeline, DeployFlow, SelectStmt } from '../../../../src/lang/troy/ast.js';
import { describePlace, TroyError } from '../../../../src/lang/troy/errors.js';
import { parseTroy } from '../../../../src/lang/troy/parse-statements.js';

const syntaxError = (text: string): string => {
  try {
    parseTroy(text, 'f.troy');
  } catch (err) {
    if (err instanceof TroyError) return `${describePlace(err.at)}: ${err.message}`;
    throw err;
  }
  throw new Error('parsed');
};

test('a deployment parses into uses, flow definitions and deploys, comments skipped', () => {
  const stmts = parseTroy(
    `### A module comment
use integration as it; # a comment
## The flow.
## It has two lines of doc.
define flow main
args
  file = "in.json",
  port
flow
  use tremor::connectors;
  define connector c from ws_server
  args url = "127.0.0.1:0"
  with
    codec = "json",
    config = {"url": args.url}
  end;
  create connector c with url = "127.0.0.1:4242" end;
  create connector in from it::read_file with file = args.file end;
  create pipeline p from tremor::pipelines::passthrough;
  connect /connector/in/err to /pipeline/p/in;
  connect /pipeline/p to /pipeline/q;
end;
deploy flow first from main with port = 1 end;
deploy flow main`,
    'f.troy',
  );
  assert.equal(stmts.map((s) => s.kind), ['use', 'define-flow', 'deploy', 'deploy']);
  assert.equal(stmts[0], { kind: 'use', imports: [{ path: ['integration'], alias: 'it', at: { file: 'f.troy', line: 2, column: 1 } }], at: { file: 'f.troy', line: 2, column: 1 } });
  const flow = stmts[1] as DefineFlow;
  assert.equal(flow.doc, ['The flow.', 'It has two lines of doc.']);
  assert.equal(flow.args.map((a) => [a.name, a.value?.kind]), [['file', 'string'], ['port', undefined]]);
  assert.equal(flow.body.map((s) => s.kind), ['use', 'define-connector', 'create', 'create', 'create', 'connect', 'connect']);
  const connect = flow.body[5]!;
  assert.ok(connect.kind === 'connect');
  assert.equal([connect.from.what, connect.from.alias.name, connect.from.port?.name, connect.to.what, connect.to.port?.name], ['connector', 'in', 'err', 'pipeline', 'in']);
  const create = flow.body[4]!;
  assert.ok(create.kind === 'create');
  assert.equal(create.target?.path, ['tremor', 'pipelines', 'passthrough']);
  const deploy = stmts[2] as DeployFlow;
  assert.equal([deploy.alias.name, deploy.target.path, deploy.with.map((w) => w.name)], ['first', ['main'], ['port']]);
  assert.equal((stmts[3] as DeployFlow).target.path, ['main']);
});

test('a pipeline definition parses its ports, args and Trickle statements', () => {
  const [def] = parseTroy(
    `define pipeline p
from in, other
into out, exit
args limit = 2
pipeline
  define window w from tumbling with size = 2, max_groups = 8 end;
  define script s args x = 1 script let event.x = args.x; emit event => "out" end;
  create stream mid;
  create script s1 from s with x = 2 end;
  select event from in where event.n > args.limit into mid;
  select {"n": aggr::stats::count()} from mid[w] where true group by set(event.a, event.b) into out/exit having event.n > 1;
end`,
    'f.troy',
  ) as [DefinePipeline];
  assert.equal([def.from?.map((p) => p.name), def.into?.map((p) => p.name), def.args.map((a) => a.name)], [['in', 'other'], ['out', 'exit'], ['limit']]);
  assert.equal(def.body.map((s) => s.kind), ['define-window', 'define-script', 'create-stream', 'create-script', 'select', 'select']);
  const select = def.body[5] as SelectStmt;
  assert.equal([select.from.name.name, select.windows.map((w) => w.path), select.groupBy?.kind, select.into.name.name, select.into.port?.name], ['mid', [['w']], 'set', 'out', 'exit']);
  assert.ok(select.where !== undefined && select.having !== undefined);
});

test('having may come before into, as where does', () => {
  const [def] = parseTroy('define pipeline p pipeline select event from in having event > 1 into out; end', 'f.troy') as [DefinePipeline];
  assert.is((def.body[0] as SelectStmt).having?.kind, 'binary');
});

test('scripts parse let, emit (with or without a value and a port), drop and acting matches', () => {
  const [def] = parseTroy(
    `define pipeline p pipeline
define script s
script
  let x = event.a;
  let $meta_field = x;
  match event of
    case "a" => let event = 1; emit
    case %{ present b } => emit event.b => "b"
    default => drop
  end;
  emit => "done"
end;
end`,
    'f.troy',
  ) as [DefinePipeline];
  const script = def.body[0]!;
  assert.ok(script.kind === 'define-script');
  assert.equal(script.body.map((s) => s.kind), ['let', 'let', 'match', 'emit']);
  const m = script.body[2]!;
  assert.ok(m.kind === 'match');
  assert.equal(m.cases.map((c) => c.body.map((s) => s.kind)), [['let', 'emit'], ['emit'], ['drop']]);
  const last = script.body[3]!;
  assert.ok(last.kind === 'emit');
  assert.equal([last.value, last.port], [undefined, 'done']);
});

test('strings keep escapes, interpolations and heredocs; numbers keep their kind', () => {
  const [use] = parseTroy('define flow f args a = "x\\ty\\u0041\\"#{args.b}\\#", b = 0x1F, c = 1_000, d = 2.5e3, e = """\n  text\n  """ flow end', 'f.troy') as [DefineFlow];
  const [a, b, c, d, e] = use.args.map((x) => x.value!);
  assert.ok(a!.kind === 'string');
  assert.equal(a.parts.map((p) => (typeof p === 'string' ? p : p.kind)), ['x\tyA"', 'path', '#']);
  assert.equal([b, c, d].map((n) => (n!.kind === 'literal' ? n.value : undefined)), [31, 1000, 2500]);
  assert.ok(e!.kind === 'string');
  assert.equal(e.parts, ['  text\n  ']);
});

test('syntax errors name the file, line and column and what was expected', () => {
  assert.is(syntaxError('define flow f flow create connector a create connector b end'), 'f.troy:1:39: expected "end" to close the flow, found "create"');
  assert.is(syntaxError('use a use b'), 'f.troy:1:7: expected ";" after the statement, found "use"');
  assert.is(syntaxError('deploy flow'), 'f.troy:1:12: expected the name of the deployed flow, found the end of the file');
  assert.is(syntaxError('define flow f flow\n  connect /connector/a to pipeline/b;\nend;'), 'f.troy:2:27: expected "/" to start the target as /connector/NAME or /pipeline/NAME, found "pipeline"');
  assert.is(syntaxError('define flow f args a = "open\nflow end'), 'f.troy:1:24: a string ends at the end of its line; write \\n for a line break, or use a """ heredoc');
  assert.is(syntaxError('define flow f args a = "#{1 + }" flow end'), 'f.troy:1:31: expected a value, found the end of the file');
  assert.is(syntaxError('use a;\n  @'), "f.troy:2:3: An unexpected character '@' was found");
  assert.is(syntaxError('define flow f flow\n  42bad\nend;'), "f.troy:2:5: An unexpected character 'b' was found");
  assert.is(
    syntaxError('define pipeline p pipeline define script s script end; end'),
    'f.troy:1:51: Found the token `end` but expected one of `let`, `emit`, `drop`, `match` or an expression: a script needs at least one statement',
  );
  assert.is(syntaxError('define pipeline p pipeline select event into out; end'), 'f.troy:1:41: expected "from" after what the select makes, found "into"');
  assert.is(syntaxError('define pipeline p pipeline select let from in into out; end'), 'f.troy:1:35: expected a value, found the keyword "let"');
  assert.is(syntaxError('define flow f args a = "\\q" flow end'), 'f.troy:1:25: unknown escape "\\q" in a string');
});

test('statements outside the subset are refused where they are written', () => {
  assert.is(syntaxError('#!config metrics_interval_s = 10\nuse a;'), 'f.troy:1:1: `#!config` is not supported yet: a configuration directive belongs at the start of a pipeline body');
  assert.is(syntaxError('intrinsic fn x() as y;'), 'f.troy:1:1: `intrinsic ...` is not supported yet: intrinsic functions belong to Tremor\'s own standard library');
  assert.is(syntaxError('fn f(x) of case 1 => 2 end;'), 'f.troy:1:9: `fn f(...) of case ... end` is not supported yet: write the match in the body: fn f(x) with match x of ... end end');
  assert.is(syntaxError('define window w from tumbling with size = 1 end;'), 'f.troy:1:1: `define window` is not supported yet: define windows inside the pipeline that uses them');
  assert.is(syntaxError('define flow f flow define flow g flow end; end;'), 'f.troy:1:20: `define flow` is not supported yet: define flows at the top of the file, not inside another flow');
});

test.run();
