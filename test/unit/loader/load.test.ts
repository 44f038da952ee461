import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlow, loadFlow } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { RuntimeError } from '../../../src/sdk/errors.js';
import { knownCodecs, knownConnectors, knownPreprocessors } from '../../support/known.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

async function problemsOf(name: string, text: string, options = {}): Promise<string[]> {
  const file = tmp.write(name, text);
  const { problems } = await checkFlow(file, options);
  return problems.map((p) => formatProblem(p).replace(`${tmp.dir}/`, ''));
}

test('a valid flow loads into a model with resolved kinds, codecs and links', async () => {
  const file = tmp.write(
    'good.json5',
    `{
      use: ['std'],
      args: { url: 'ws://127.0.0.1:0' },
      connectors: { server: { type: 'ws_server', codec: 'json', config: { url: '\${args.url}' } } },
      pipelines: { echo: { from: 'std::passthrough' } },
      links: [['server', 'echo'], ['echo', 'server']],
    }`,
  );
  const model = await loadFlow(file);
  assert.is(model.id, 'good');
  assert.equal(model.args, { url: 'ws://127.0.0.1:0' });
  const server = model.connectors[0]!;
  assert.is(server.def.kind, 'ws_server');
  assert.is(server.codec?.def.name, 'json');
  assert.is((server.config as { url: string }).url, 'ws://127.0.0.1:0');
  assert.is((server.config as { backlog: number }).backlog, 128);
  assert.equal(server.reconnect, 'none');
  assert.equal(model.links, [
    { from: { node: 'server', port: 'out' }, to: { node: 'echo', port: 'in' } },
    { from: { node: 'echo', port: 'out' }, to: { node: 'server', port: 'in' } },
  ]);
});

test('every problem of a flow is reported at once, each with file, line, column, path and what was expected', async () => {
  const problems = await problemsOf(
    'many.json5',
    `{
  use: ['std'],
  connectors: {
    server: { type: 'ws_servr', codec: 'json' },
    client: {
      type: 'ws_client',
      codec: 'jsn',
      preprocessors: ['separat'],
      postprocessors: ['remove-empty'],
      config: { url: 'http://x:1', bogus: 1 },
      reconnect: { retry: { interval_ms: -5 } },
    },
    con: { from: 'std::consol' },
  },
  pipelines: { p: { from: 'std::passthrough' }, q: { from: 'std::passthrough' } },
  links: [['p', 'q'], ['q', 'p'], ['p/nope', 'client'], ['ghost', 'client']],
  extra: true,
}`,
  );
  assert.equal(problems, [
    'many.json5:17:3: extra: unknown key "extra"; expected one of: args, connectors, description, links, pipelines, use',
    `many.json5:4:21: connectors.server.type: unknown connector type "ws_servr"; did you mean "ws_server"? known: ${knownConnectors()}`,
    'many.json5:10:36: connectors.client.config.bogus: unknown key "bogus"; expected one of: close_timeout_ms, connect_timeout_ms, headers, high_water_mark, linger_ms, low_water_mark, max_message_size, max_messages, ping_interval_ms, pong_timeout_ms, protocols, slow_consumer, socket_options, tls, url',
    'many.json5:10:22: connectors.client.config.url: expected a ws:// or wss:// url, received "http://x:1"',
    `many.json5:7:14: connectors.client.codec: unknown codec "jsn"; did you mean "json"? known: ${knownCodecs()}`,
    `many.json5:8:23: connectors.client.preprocessors[0]: unknown preprocessor "separat"; did you mean "separate"? known: ${knownPreprocessors()}`,
    'many.json5:9:24: connectors.client.postprocessors[0]: "remove-empty" is not a postprocessor (it only runs before the codec)',
    'many.json5:11:42: connectors.client.reconnect.retry.interval_ms: expected a number > 0, received -5',
    'many.json5:13:18: connectors.con.from: unknown connector definition "std::consol"; did you mean "std::console"? known: std::console, std::exit, std::read_file, std::write_file',
    'many.json5:16:36: links[2][0]: pipeline "p" has no output port "nope"; output ports: out, err',
    'many.json5:16:58: links[3][0]: unknown connector or pipeline "ghost"; known: client, con, p, q, server',
    'many.json5:16:10: links: pipelines form a cycle p → q → p; events would loop forever',
  ]);
});

test('loadFlow throws one ERR_FLOW_INVALID carrying every problem', async () => {
  const file = tmp.write('two.json5', `{ connectors: { a: { type: 'nope' }, b: { type: 'nada' } } }`);
  try {
    await loadFlow(file);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, RuntimeError);
    assert.is((err as RuntimeError).code, 'ERR_FLOW_INVALID');
    assert.is((err as { problems: unknown[] }).problems.length, 2);
    assert.match((err as Error).message, /two\.json5:1:28: connectors\.a\.type: unknown connector type "nope"/);
  }
});

test('a single problem keeps its own code', async () => {
  const file = tmp.write('one.json5', `{ connectors: { a: { type: 'nope' } } }`);
  const err = await loadFlow(file).catch((e: RuntimeError) => e);
  assert.is((err as RuntimeError).code, 'ERR_KIND_UNKNOWN');
});

test('a JSON5 syntax error names the line and column', async () => {
  assert.equal(await problemsOf('syntax.json5', `{\n  connectors: {}\n  links: [\n}`), [
    "syntax.json5:3:3: not valid JSON5: invalid character 'l'",
  ]);
});

test('a missing file is refused with its name', async () => {
  const { problems } = await checkFlow(`${tmp.dir}/absent.json5`);
  assert.is(problems.length, 1);
  assert.is(problems[0]!.code, 'ERR_FLOW_READ');
  assert.is(problems[0]!.message, 'cannot read: no such file');
});

test('an unknown arg given on the command line lists the declared ones', async () => {
  const problems = await problemsOf('args.json5', `{ args: { url: 'x' } }`, { args: { ur: 1 } });
  assert.equal(problems, ['args.json5:1:3: args: unknown arg "ur" given; did you mean "url"? known: url']);
});

test('a placeholder naming an unknown arg or an unset variable is refused where it is written', async () => {
  const problems = await problemsOf(
    'subst.json5',
    `{
  connectors: {
    s: { type: 'ws_server', codec: 'json', config: { url: '\${args.nope}', backlog: '\${env:TREMOLO_UNSET_VAR}' } },
  },
}`,
    { env: {} },
  );
  assert.equal(problems, [
    'subst.json5:3:59: connectors.s.config.url: unknown arg "nope" in "${args.nope}"; known: (none)',
    'subst.json5:3:84: connectors.s.config.backlog: env "TREMOLO_UNSET_VAR" is not set (write ${env:TREMOLO_UNSET_VAR:-default} for a default)',
  ]);
});

test('structured connectors refuse a codec, and codec connectors require one', async () => {
  const problems = await problemsOf(
    'codecs.json5',
    `{
  connectors: {
    m: { type: 'metronome', codec: 'json', config: { interval_ms: 10 } },
    s: { type: 'ws_server', config: { url: 'ws://127.0.0.1:0' } },
  },
}`,
  );
  assert.equal(problems, [
    'codecs.json5:3:36: connectors.m.codec: connector type "metronome" produces structured events and takes no codec',
    `codecs.json5:4:16: connectors.s.type: connector type "ws_server" needs a codec; known: ${knownCodecs()}`,
  ]);
});

test('a connector with a bad config still has its links checked, so every problem shows at once', async () => {
  const problems = await problemsOf(
    'both.json5',
    `{
  connectors: {
    a: { type: 'metronome', config: { interval_ms: -1 } },
    b: { type: 'null' },
  },
  links: [['a/zzz', 'b'], ['a', 'b']],
}`,
  );
  assert.equal(problems, [
    'both.json5:3:52: connectors.a.config.interval_ms: expected a number > 0, received -1',
    'both.json5:6:12: links[0][0]: connector "a" (metronome) has no output port "zzz"; output ports: out, err',
  ]);
});

test('a link to an input port the connector does not have lists its ports', async () => {
  const problems = await problemsOf(
    'ports.json5',
    `{
  connectors: { m: { type: 'metronome', config: { interval_ms: 10 } }, x: { type: 'exit' } },
  links: [['m', 'x/stdout'], ['x', 'm']],
}`,
  );
  assert.equal(problems, [
    'ports.json5:3:17: links[0][1]: connector "x" (exit) has no input port "stdout"; input ports: in',
    'ports.json5:3:31: links[1][0]: connector "x" (exit) has no output port "out"; output ports: err',
    'ports.json5:3:36: links[1][1]: connector "m" (metronome) has no input port "in"; input ports: (none)',
  ]);
});

test('a module named in use that cannot be found is reported with the places searched', async () => {
  const problems = await problemsOf('use.json5', `{ use: ['./nowhere.json5'] }`);
  assert.equal(problems, [`use.json5:1:9: use[0]: module "./nowhere.json5" not found (looked in ${tmp.dir}/nowhere.json5)`]);
});

test('a definition from a module takes args with defaults, overridden by the instance', async () => {
  tmp.write('lib.json5', `{ connectors: { out: { type: 'file', args: { file: 'a.log', mode: 'append' }, codec: 'string', config: { path: '\${args.file}', mode: '\${args.mode}' } } } }`);
  const file = tmp.write('uses-lib.json5', `{ use: ['./lib.json5'], connectors: { o: { from: 'lib::out', args: { file: 'b.log' } } } }`);
  const model = await loadFlow(file);
  assert.equal(model.connectors[0]!.config, { path: 'b.log', mode: 'append', chunk_size: 8192, transactional: false });
});

test('a problem inside a definition is reported in the module file that holds it', async () => {
  tmp.write('badlib.json5', `{\n  connectors: {\n    out: { type: 'file', codec: 'string', config: { path: 'x', mode: 'sideways' } },\n  },\n}`);
  const problems = await problemsOf('uses-badlib.json5', `{ use: ['./badlib.json5'], connectors: { o: { from: 'badlib::out' } } }`);
  assert.equal(problems, ['badlib.json5:3:70: connectors.out.config.mode: expected one of "read", "truncate", "write", "append", "overwrite", received "sideways"']);
});

test('a module name is looked up next to the flow, then along TREMOLO_PATH, then in tremolo’s own folders', async () => {
  const lib = tmpDir('tremolo-path-');
  try {
    lib.write('mylib.json5', `{ pipelines: { mine: { description: 'from TREMOLO_PATH' } } }`);
    const file = tmp.write('uses-path.json5', `{ use: ['mylib', 'std'], pipelines: { a: { from: 'mylib::mine' }, b: { from: 'std::passthrough' } } }`);
    const model = await loadFlow(file, { env: { TREMOLO_PATH: `/nonexistent:${lib.dir}` } });
    assert.equal(model.pipelines.map((p) => p.alias), ['a', 'b']);
    const { problems } = await checkFlow(file, { env: {} });
    assert.match(problems.map(formatProblem).join('\n'), /use\[0\]: module "mylib" not found \(looked in /);
  } finally {
    lib.cleanup();
  }
});

test.run();
