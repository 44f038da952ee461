import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadFlow } from '../../../../src/app/load.js';
import { repoRoot } from '../../../support/cli.js';
import { jsonOf, problemsOf, tmp } from './support.js';

test.after(() => tmp.cleanup());

test('the seed\'s secure echo example compiles to the flow of the JSON5 ws-tls test', async () => {
  const text = readFileSync(path.join(repoRoot, 'test/integration/seed-echo-troy/config.troy'), 'utf8');
  assert.equal(await jsonOf(text, 'seed.troy'), {
    use: ['std'],
    connectors: {
      in: { from: 'std::read_file' },
      out: { from: 'std::write_file', codec: { name: 'json', config: { mode: 'sorted', bytes: 'array' } } },
      exit: { type: 'exit', config: { delay: 100, delay_unit: 'ns' } },
      stdio: { from: 'std::console' },
      ws_client: {
        type: 'ws_client',
        postprocessors: ['separate'],
        codec: { name: 'json', config: { bytes: 'array' } },
        config: { url: 'wss://0.0.0.0:65535', tls: { cafile: './before/localhost.cert', domain: 'localhost' }, socket_options: { TCP_NODELAY: false } },
        reconnect: { retry: { interval_ms: 500, growth_rate: 2, max_retries: 3 } },
      },
      ws_server: {
        type: 'ws_server',
        preprocessors: ['separate'],
        codec: { name: 'json', config: { bytes: 'array' } },
        config: { url: '0.0.0.0:65535', tls: { cert: './before/localhost.cert', key: './before/localhost.key' } },
      },
    },
    pipelines: { server_side: { from: 'std::out_or_exit', args: { delay: 100_000_000 } }, to_client: { from: 'std::passthrough' }, debug: { from: 'std::passthrough' } },
    links: [
      ['in', 'to_client'],
      ['in/err', 'debug'],
      ['to_client', 'ws_client'],
      ['ws_client', 'debug'],
      ['ws_client/err', 'debug'],
      ['debug', 'stdio'],
      ['ws_server', 'server_side'],
      ['ws_server/err', 'debug'],
      ['server_side', 'out'],
      ['server_side', 'ws_server'],
      ['server_side', 'exit'],
    ],
  });
});

test('a .troy flow loads into the same validated model as a JSON5 flow', async () => {
  const model = await loadFlow(tmp.write('model.troy', readFileSync(path.join(repoRoot, 'test/integration/seed-echo-troy/config.troy'), 'utf8')));
  assert.is(model.id, 'model');
  assert.equal(model.connectors.map((c) => [c.alias, c.def.kind]), [['in', 'file'], ['out', 'file'], ['exit', 'exit'], ['stdio', 'stdio'], ['ws_client', 'ws_client'], ['ws_server', 'ws_server']]);
  assert.equal(model.pipelines.map((p) => p.alias), ['server_side', 'to_client', 'debug']);
  assert.equal(model.links[model.links.length - 1], { from: { node: 'server_side', port: 'out' }, to: { node: 'exit', port: 'in' } });
});

test('definitions take their args from the create, else their defaults; strings interpolate args', async () => {
  const flow = await jsonOf(`define flow main
args dir = "/tmp"
flow
  define connector reader from file
  args file = "in.json", mode = "read"
  with
    codec = "json",
    preprocessors = ["separate"],
    config = {"path": "#{args.file}", "mode": args.mode}
  end;
  create connector a from reader with file = "#{args.dir}/a.json" end;
  create connector b from reader;
end;
deploy flow main with dir = "/data" end;`);
  assert.equal(flow.connectors.a, { type: 'file', codec: { name: 'json', config: { bytes: 'array' } }, preprocessors: ['separate'], config: { path: '/data/a.json', mode: 'read' } });
  assert.equal(flow.connectors.b!.config, { path: 'in.json', mode: 'read' });
});

test('settings are computed at deployment: nanos helpers, arithmetic, records and arrays', async () => {
  const flow = await jsonOf(`define flow main
flow
  use integration;
  use std::time::nanos;
  define connector m from metronome
  args every = nanos::from_millis(250)
  with
    config = {"interval": args.every * 2, "tags": ["a", "b#{1 + 1}"]},
    metrics_interval_s = nanos::from_seconds(10) / nanos::from_seconds(1)
  end;
  create connector m;
  create pipeline p from integration::out_or_exit with delay = nanos::from_seconds(1) end;
end;
deploy flow main;`);
  assert.equal(flow.connectors.m, { type: 'metronome', config: { interval: 500_000_000, tags: ['a', 'b2'] }, metrics_interval_s: 10 });
  // Tremor's exit delays are nanoseconds, and stay so: the exit connectors of .troy flows read them so.
  assert.equal(flow.pipelines.p, { from: 'std::out_or_exit', args: { delay: 1_000_000_000 } });
});

test('Tremor\'s older spellings are written as tremolo takes them: json-sorted, lines and no_delay', async () => {
  const flow = await jsonOf(`define flow main
flow
  define connector c from ws_client
  with
    codec = "json-sorted",
    preprocessors = [{"name": "lines", "config": {"buffered": false}}],
    postprocessors = ["lines"],
    config = {"url": "ws://127.0.0.1:1", "no_delay": false}
  end;
  create connector c;
end;
deploy flow main;`);
  assert.equal(flow.connectors.c, {
    type: 'ws_client',
    codec: { name: 'json', config: { mode: 'sorted', bytes: 'array' } },
    preprocessors: [{ name: 'separate', config: { buffered: false } }],
    postprocessors: ['separate'],
    config: { url: 'ws://127.0.0.1:1', socket_options: { TCP_NODELAY: false } },
  });
});

test("exit connectors of a .troy flow read an event's delay in nanoseconds, as Tremor's do", async () => {
  const flow = await jsonOf(`define flow main
flow
  use integration;
  use tremor::connectors;
  define connector mine from exit;
  create connector a from integration::exit;
  create connector b from connectors::exit;
  create connector mine;
  create pipeline p from integration::out_or_exit;
end;
deploy flow main;`);
  assert.equal(flow.connectors, {
    a: { type: 'exit', config: { delay: 100, delay_unit: 'ns' } },
    b: { type: 'exit', config: { delay_unit: 'ns' } },
    mine: { type: 'exit', config: { delay_unit: 'ns' } },
  });
  assert.equal(flow.pipelines.p, { from: 'std::out_or_exit', args: { delay: 100_000_000 } });
});

test("a .troy flow's json codecs write bytes as Tremor's do, as arrays of byte values", async () => {
  const flow = await jsonOf(`define flow main
flow
  use integration;
  define connector plain from tcp_client with codec = "json", config = {"url": "127.0.0.1:1"} end;
  define connector own from tcp_client with codec = {"name": "json", "config": {"bytes": "node"}}, config = {"url": "127.0.0.1:1"} end;
  create connector plain;
  create connector own;
  create connector out from integration::write_file;
end;
deploy flow main;`);
  assert.equal(flow.connectors.plain?.codec, { name: 'json', config: { bytes: 'array' } });
  assert.equal(flow.connectors.own?.codec, { name: 'json', config: { bytes: 'node' } });
  assert.equal(flow.connectors.out, { from: 'std::write_file', codec: { name: 'json', config: { mode: 'sorted', bytes: 'array' } } });
});

test("a .troy kv connector means Tremor's: path is a folder, keys are bytes, errors are Tremor's", async () => {
  const flow = await jsonOf(`define flow main
flow
  define connector db from kv with config = {"path": "data"} end;
  define connector mem from kv;
  create connector db;
  create connector mem;
end;
deploy flow main;`);
  assert.equal(flow.connectors, {
    db: { type: 'kv', config: { replies: 'tremor', dir: 'data' } },
    mem: { type: 'kv', config: { replies: 'tremor' } },
  });
});

test("a .troy http_client gives response headers as lists, as Tremor's does", async () => {
  const flow = await jsonOf(`define flow main
flow
  define connector c from http_client with config = {"url": "http://127.0.0.1:1/"} end;
  define connector own from http_client with config = {"url": "http://127.0.0.1:1/", "header_lists": false} end;
  create connector c;
  create connector own;
end;
deploy flow main;`);
  assert.equal(flow.connectors.c?.config, { header_lists: true, url: 'http://127.0.0.1:1/' });
  assert.equal(flow.connectors.own?.config, { header_lists: false, url: 'http://127.0.0.1:1/' });
});

test('a second create of an alias replaces the first, as Tremor keeps the last', async () => {
  const flow = await jsonOf(`define flow main
flow
  use integration;
  use tremor::{connectors, pipelines};
  create connector exit from integration::exit;
  create pipeline p from pipelines::passthrough;
  create connector exit from connectors::exit;
  create pipeline p from integration::out_or_exit;
  create connector null from connectors::console;
  connect /pipeline/p/exit to /connector/exit;
  connect /pipeline/p to /connector/null;
end;
deploy flow main;`);
  assert.equal(flow.connectors, { exit: { type: 'exit', config: { delay_unit: 'ns' } }, null: { from: "std::console" } });
  assert.equal(flow.pipelines, { p: { from: 'std::out_or_exit', args: { delay: 100_000_000 } } });
  assert.equal(flow.links, [['p/exit', 'exit'], ['p', 'null']]);
});

test("a connector of a kind tremolo does not know is refused in Tremor's words, then with the kinds tremolo knows", async () => {
  const problems = await problemsOf('define flow main flow define connector c from carrier_pigeon; create connector c; end; deploy flow main;');
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /^flow\.troy:1:47: Unknown connector type carrier_pigeon; known: bench, cb, crononome, dns_client, exit, file, /);
});

test('doc comments become descriptions', async () => {
  const flow = await jsonOf(`## Echoes lines.
define flow main
flow
  ## Lines in and out.
  define connector c from stdio with codec = "string" end;
  ## Every event.
  define pipeline p pipeline select event from in into out; end;
  create connector c;
  create pipeline p;
end;
deploy flow main;`);
  assert.is(flow.description, 'Echoes lines.');
  assert.is(flow.connectors.c!.description, 'Lines in and out.');
  assert.is(flow.pipelines.p!.description, 'Every event.');
});

test('several deployments prefix their aliases; a pipeline named like a connector is renamed', async () => {
  const flow = await jsonOf(`define flow echo
flow
  use tremor::connectors;
  use tremor::pipelines;
  create connector exit from connectors::exit;
  create pipeline exit from pipelines::passthrough;
  connect /pipeline/exit to /connector/exit;
end;
deploy flow a from echo;
deploy flow b from echo;`);
  assert.equal(Object.keys(flow.connectors), ['a-exit', 'b-exit']);
  assert.equal(Object.keys(flow.pipelines), ['a-exit-pipeline', 'b-exit-pipeline']);
  assert.equal(flow.links, [['a-exit-pipeline', 'a-exit'], ['b-exit-pipeline', 'b-exit']]);
});

test('modules are found along TREMOR_PATH and next to the flow, as .troy or .tremor files', async () => {
  mkdirSync(path.join(tmp.dir, 'lib/my'), { recursive: true });
  writeFileSync(
    path.join(tmp.dir, 'lib/my/connectors.troy'),
    'define connector lines from stdio with codec = "string", preprocessors = ["lines"] end;\n',
  );
  writeFileSync(path.join(tmp.dir, 'pipes.tremor'), 'define pipeline twice pipeline select [event, event] from in into out; end;\n');
  const text = `use my::connectors as c;
use pipes;
define flow main
flow
  create connector io from c::lines;
  create pipeline p from pipes::twice;
  connect /connector/io to /pipeline/p;
  connect /pipeline/p to /connector/io;
end;
deploy flow main;`;
  const flow = await jsonOf(text, 'modules.troy', { TREMOR_PATH: path.join(tmp.dir, 'lib') });
  assert.equal(flow.connectors.io, { type: 'stdio', codec: 'string', preprocessors: ['separate'] });
  assert.equal(Object.keys((flow.pipelines.p as { operators: object }).operators), ['select-1', 'select-errors']);
  assert.equal(await problemsOf(text, 'modules.troy', { TREMOR_PATH: path.join(tmp.dir, 'lib') }), []);
});

test('problems of a deployment are placed in the .troy file, each with what was expected', async () => {
  const problems = await problemsOf(
    `define flow main
args port
flow
  use integration;
  use tremor::connectors;
  use nowhere;
  define connector c from ws_server
  with
    codex = "json"
  end;
  create connector in from integration::read_file with path = "x" end;
  create connector m from connectors::metrics;
  create connector c;
  create connector d from integration::nope;
  create pipeline p from missing;
  connect /connector/in to /pipeline/q;
end;
deploy flow main;`,
    'problems.troy',
  );
  assert.equal(problems, [
    `problems.troy:6:3: module nowhere not found: looked for nowhere.troy and nowhere.tremor in ${tmp.dir}, ${repoRoot} (TREMOR_PATH, then the flow's folder, TREMOLO_PATH and tremolo's folder)`,
    'problems.troy:18:1: flow main needs the arg "port", which has no default: give it with `with port = ... end`',
  ]);
  const fixed = await problemsOf(
    `define flow main
flow
  use integration;
  use tremor::connectors;
  define connector c from ws_server
  with
    codex = "json"
  end;
  create connector in from integration::read_file with path = "x" end;
  create connector m from connectors::metrics;
  create connector c;
  create connector d from integration::nope;
  create pipeline p from missing;
  create connector e from file with x = event.x end;
  connect /connector/in to /pipeline/q;
  connect /connector/in to /connector/p;
end;
deploy flow main;`,
    'problems.troy',
  );
  assert.equal(fixed, [
    'problems.troy:9:56: unknown arg "path" for integration::read_file; known: file',
    'problems.troy:7:5: unknown connector setting "codex"; known: codec, preprocessors, postprocessors, config, reconnect, metrics_interval_s',
    'problems.troy:12:27: unknown connector definition "integration::nope"; integration has: read_file, write_file, exit',
    'problems.troy:13:26: unknown pipeline definition "missing"; define it first (define pipeline missing ...), or name one of a used module as MODULE::missing',
    'problems.troy:14:27: unknown connector definition "file"; defined here: c',
    'problems.troy:15:38: unknown pipeline "q" in flow main; created: p',
    'problems.troy:16:39: unknown connector "p" in flow main; created: in, m, c, d, e; "p" is a pipeline: write /pipeline/p',
  ]);
});

test('settings cannot read events: they are computed before any event', async () => {
  assert.equal(await problemsOf('define flow main flow define connector e from exit with config = {"delay": event.d} end; create connector e; end; deploy flow main;'), [
    'flow.troy:1:76: `event` has no value here: settings and args are computed when the flow is deployed, before any event',
  ]);
});

test('a file that deploys nothing, or deploys one name twice, is refused', async () => {
  assert.equal(await problemsOf('define flow main flow end;', 'nothing.troy'), ['nothing.troy:1:1: nothing to run: the file deploys no flow; add `deploy flow NAME;`']);
  assert.equal(await problemsOf('define flow main flow end; deploy flow main; deploy flow main;', 'twice.troy'), [
    'twice.troy:1:58: flow "main" is deployed twice; give the second deployment another name',
  ]);
});

test('a problem inside a module is placed in the module file', async () => {
  writeFileSync(path.join(tmp.dir, 'broken.troy'), 'define connector c from stdio with codec = "string"\n');
  assert.equal(await problemsOf('use broken; define flow main flow end; deploy flow main;', 'uses-broken.troy'), [
    'broken.troy:2:1: expected "end" to close "with", found the end of the file',
  ]);
});

test('the flow loader\'s own checks point at the .troy text that wrote the value', async () => {
  assert.equal(
    await problemsOf(`define flow main
flow
  define connector s from ws_server
  with
    codec = "yson",
    config = {
      "url": "127.0.0.1:0",
      "bogus": 1
    }
  end;
  create connector s;
end;
deploy flow main;`),
    [
      'flow.troy:8:7: connectors.s.config.bogus: unknown key "bogus"; expected one of: allowed_origins, auth, backlog, handshake_timeout_ms, high_water_mark, low_water_mark, max_connections, max_connections_per_ip, max_message_size, open_event, paths, ping_interval_ms, pong_timeout_ms, protocols, rate_limit, slow_consumer, socket_options, static, text_when_utf8, tls, upstream, upstream_close_codes, url',
      'flow.troy:5:13: connectors.s.codec: unknown codec "yson"; did you mean "json"? known: binary, csv, dogstatsd, graphite-plaintext, influx, json, msgpack, null, statsd, string, syslog, yaml',
    ],
  );
});

test("the metrics connector names instances as Tremor does, deployment::alias, across deployments", async () => {
  const flow = await jsonOf(`define flow main
flow
  use tremor::connectors;
  use integration;
  create connector m from connectors::metrics;
  create connector in from connectors::console;
  create pipeline in from integration::out_or_exit;
  connect /connector/in to /pipeline/in;
end;
deploy flow first from main;
deploy flow second from main;
`);
  const names = { 'first-m': 'first::m', 'first-in': 'first::in', 'first-in-pipeline': 'first::in', 'second-m': 'second::m', 'second-in': 'second::in', 'second-in-pipeline': 'second::in' };
  assert.equal(flow.connectors['first-m'], { type: 'metrics', config: { names } });
  assert.equal(flow.connectors['second-m'], { type: 'metrics', config: { names } });
});

test.run();
