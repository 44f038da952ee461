import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../../src/app/cli/cli.js';
import { loadFlow } from '../../../../src/app/load.js';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';
import { elements, parseXml, type XmlElement } from '../../../support/xml.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

// Operators with several outputs (gateway, thingsdb-endpoint), cycles (all), a .troy flow with
// ${port:...} placeholders, which a drawing needs no ports for.
const FLOWS = ['flows/gateway.json5', 'flows/chat.json5', 'flows/thingsdb-endpoint.json5', 'test/integration/seed-echo-troy/config.troy'];

/** What a drawing holds: its nodes, their operators and its links, as the flow file has them. */
function contents(svg: XmlElement): { nodes: string[]; operators: string[]; links: string[] } {
  const all = [...elements(svg)];
  return {
    nodes: all.filter((e) => e.attrs['data-node'] !== undefined).map((e) => e.attrs['data-node']!),
    operators: all.filter((e) => e.attrs['data-operator'] !== undefined).map((e) => `${e.attrs['data-kind']}`),
    links: all.filter((e) => e.tag === 'path' && e.attrs['data-link'] !== undefined).map((e) => `${e.attrs['data-from']} -> ${e.attrs['data-to']}`),
  };
}

/**
 * The installed command (dist/, which `npm test` builds first), as a user runs it: a run costs a
 * third of one from the sources under tsx. Resolves with the exit code too.
 */
function installed(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(requireBuilt(), 'bin/tremolo.js'), ...args], { cwd: repoRoot, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/**
 * `tremolo ARGS` from the sources, in this process (src/app/cli/cli.ts, which bin.ts runs), with
 * what it writes to stdout and stderr: the same command as a spawned `tsx src/app/cli/bin.ts`,
 * without the second or more of CPU each process costs. The exit status it sets is put back.
 */
async function fromSources(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { write: out } = process.stdout;
  const { write: err } = process.stderr;
  const captured = { stdout: '', stderr: '' };
  const into = (key: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array) => {
      captured[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = into('stdout');
  process.stderr.write = into('stderr');
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  try {
    process.chdir(repoRoot);
    return { code: await main(args), ...captured };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.chdir(cwd);
    process.exitCode = exitCode;
  }
}

// The drawings of FLOWS made once, by the command in this process (one at a time: it writes to
// this process's stdout): the second test compares one with the installed command's.
let drawn: readonly { code: number; stdout: string; stderr: string }[] = [];

test('tremolo graph draws each shipped flow, .troy ones too, as SVG that parses and holds every node, operator and link', async () => {
  const drawings = [];
  for (const file of FLOWS) drawings.push(await fromSources(['graph', file]));
  drawn = drawings;
  for (const [i, file] of FLOWS.entries()) {
    const { code, stdout, stderr } = drawn[i]!;
    assert.equal([code, stderr], [0, ''], file);
    assert.match(stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
    const svg = await parseXml(stdout);
    assert.is(svg.tag, 'svg', file);
    const model = await loadFlow(path.join(repoRoot, file), { resolvers: { port: () => 0 } });
    assert.equal(
      contents(svg),
      {
        nodes: [...model.connectors.map((c) => c.alias), ...model.pipelines.map((p) => p.alias)],
        operators: model.pipelines.flatMap((p) => p.nodes.map((n) => n.def.name)),
        links: model.links.map((l) => `${l.from.node}/${l.from.port} -> ${l.to.node}/${l.to.port}`),
      },
      file,
    );
    assert.is(svg.attrs['data-flow'], model.id);
    assert.match(svg.attrs.viewBox!, /^0 0 \d+ \d+$/);
  }
});

test('the installed command finds the stylesheet it embeds, and draws what the sources draw', async () => {
  const installedDrawing = await installed(['graph', 'flows/chat.json5']);
  const sources = drawn[FLOWS.indexOf('flows/chat.json5')] ?? (await fromSources(['graph', 'flows/chat.json5']));
  assert.equal([installedDrawing.code, installedDrawing.stderr], [0, '']);
  const svg = await parseXml(installedDrawing.stdout);
  const css = readFileSync(path.join(repoRoot, 'src/app/ops/graph/assets/graph.css'), 'utf8');
  assert.is([...elements(svg)].find((e) => e.tag === 'style')?.text, css);
  assert.equal([sources.code, sources.stdout], [0, installedDrawing.stdout]);
});

test('a flow with problems draws nothing: each problem on stderr as validate prints it, exit 1', async () => {
  const file = tmp.write('bad.json5', "{\n  connectors: {\n    server: { type: 'ws_servr', config: {} },\n  },\n}\n");
  const [{ code, stdout, stderr }, unknownArg] = await Promise.all([installed(['graph', file]), installed(['graph', 'flows/echo.json5', '--arg', 'nope=1'])]);
  assert.equal([code, stdout], [1, '']);
  assert.match(stderr, `${file}:3:`);
  assert.match(stderr, 'unknown connector type "ws_servr"');
  assert.equal([unknownArg.code, unknownArg.stdout], [1, '']);
  assert.match(unknownArg.stderr, 'unknown arg "nope" given; known: url');
});

test('usage: one flow file, known options, --help', async () => {
  const [none, two, bad, help] = await Promise.all([['graph'], ['graph', 'flows/echo.json5', 'flows/chat.json5'], ['graph', '--colour', 'flows/echo.json5'], ['graph', '--help']].map((args) => installed(args)));
  assert.equal([none!.code, none!.stdout], [2, '']);
  assert.match(none!.stderr, /^tremolo graph: expected one flow file, received 0\n\nUsage: tremolo graph FLOW/);
  assert.equal([two!.code, two!.stdout], [2, '']);
  assert.match(two!.stderr, /^tremolo graph: expected one flow file, received 2\n/);
  assert.equal([bad!.code, bad!.stdout, bad!.stderr], [2, '', 'tremolo graph: unknown option "--colour"; options: --arg, --help\n']);
  assert.is(help!.code, 0);
  assert.match(help!.stdout, /^Usage: tremolo graph FLOW \[--arg NAME=VALUE\]\.\.\. > flow\.svg/);
});

test.run();
