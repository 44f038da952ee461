import JSON5 from 'json5';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../../support/cli.js';
import { tmp } from './support.js';

test.after(() => tmp.cleanup());

const FLOW = `## Lines from stdin, upper-cased, to stdout; "exit" stops it.
define flow main
flow
  use tremor::connectors;
  define pipeline upper
  into out, exit
  pipeline
    select string::uppercase(event) from in where event != "exit" into out;
    select {"exit": 0} from in where event == "exit" into exit;
  end;
  create connector io from connectors::console;
  create connector exit from connectors::exit;
  create pipeline upper;
  connect /connector/io to /pipeline/upper;
  connect /pipeline/upper to /connector/io;
  connect /pipeline/upper/exit to /connector/exit;
end;
deploy flow main;
`;

test('convert prints the JSON5 flow a .troy file loads as, which loads to the same flow', async () => {
  const file = tmp.write('upper.troy', FLOW);
  const r = await runCli(['convert', file], { cwd: tmp.dir });
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.is(
    r.stdout,
    `// Converted from upper.troy by \`tremolo convert\`.
{
  description: 'Lines from stdin, upper-cased, to stdout; "exit" stops it.',
  use: ['std'],
  connectors: { io: { from: 'std::console' }, exit: { type: 'exit', config: { delay_unit: 'ns' } } },
  pipelines: {
    upper: {
      ports: { in: ['in'], out: ['out', 'exit'] },
      operators: {
        'select-1-where': { op: 'filter', config: { condition: '(event != "exit")' } },
        'select-1': { op: 'map', config: { event: 'uppercase(event)' } },
        'select-errors': {
          op: 'drop',
          config: {
            when: 'event.code == "ERR_EXPR_EVAL"',
            log: 'default(captures(event.error, "^[^ ]+?: (?<text>[^]*)$").text, event.error)',
          },
        },
        'select-2-where': { op: 'filter', config: { condition: '(event == "exit")' } },
        'select-2': { op: 'map', config: { event: '{"exit": 0}' } },
      },
      links: [
        ['in', 'select-1-where'],
        ['select-1-where/out', 'select-1'],
        ['select-1/out', 'out'],
        ['select-errors/out', 'err'],
        ['select-1-where/err', 'select-errors'],
        ['select-1/err', 'select-errors'],
        ['in', 'select-2-where'],
        ['select-2-where/out', 'select-2'],
        ['select-2/out', 'exit'],
        ['select-2-where/err', 'select-errors'],
        ['select-2/err', 'select-errors'],
      ],
    },
  },
  links: [['io', 'upper'], ['upper', 'io'], ['upper/exit', 'exit']],
}
`,
  );
  const json = tmp.write('upper.json5', r.stdout);
  const lines = await runCli(['run', json, '--log-level', 'error'], { cwd: tmp.dir, input: 'snot\nbadger\nexit\n' });
  assert.is(lines.stdout, 'SNOT\nBADGER\n');
  assert.is(lines.code, 0);
  assert.ok(JSON5.parse(r.stdout));
});

test('the .troy file itself runs, and a placeholder-free string keeps its text', async () => {
  const file = tmp.write('run.troy', FLOW.replace('string::uppercase(event)', () => '"#{event}: $${not a placeholder}"'));
  const r = await runCli(['run', file, '--log-level', 'error'], { cwd: tmp.dir, input: 'a\nexit\n' });
  assert.is(r.stdout, 'a: $${not a placeholder}\n');
  assert.is(r.code, 0);
});

test('convert refuses what the .troy text gets wrong, placed in the file, with exit status 1', async () => {
  const file = tmp.write('bad.troy', FLOW.replace('select {"exit": 0}', 'select aggr::stats::count()'));
  const r = await runCli(['convert', file], { cwd: tmp.dir });
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.is(r.stderr, 'bad.troy:9:12: `aggr::stats::count(...)` is not supported yet: aggregate functions belong in a select over a window, e.g. `from in[my_window]`\n');
});

test('convert prints the flow, then what the flow loader finds wrong in it, with exit status 1', async () => {
  const file = tmp.write('kind.troy', 'define flow main flow define connector c from stdio with codec = "carrier_pigeon" end; create connector c; end; deploy flow main;');
  const r = await runCli(['convert', file], { cwd: tmp.dir });
  assert.is(r.code, 1);
  assert.match(r.stdout, "connectors: { c: { type: 'stdio', codec: 'carrier_pigeon' } }");
  assert.match(r.stderr, /^kind\.troy:1:\d+: connectors\.c\.codec: unknown codec "carrier_pigeon"/);
});

test('convert takes one .troy file, and has its own --help', async () => {
  assert.is((await runCli(['convert'])).code, 2);
  const json = await runCli(['convert', 'flow.json5']);
  assert.is(json.code, 2);
  assert.is(json.stderr, 'tremolo convert: convert reads a .troy file, received "flow.json5"\n');
  const help = await runCli(['convert', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage: tremolo convert FILE\.troy/);
});

test.run();
