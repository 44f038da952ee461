/**
 * What `tremolo run` writes on stderr: JSON lines with --log-format json, colours on a terminal
 * (and not with NO_COLOR, or into a pipe unless FORCE_COLOR), and --status on a real terminal,
 * where the table stays below the log and a refused change's reasons stay readable above it.
 */
import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli } from '../../../support/cli.js';
import { startCliInPty } from '../../../support/pty.js';
import { until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';

const tmp = tmpDir('tremolo-run-logs-');
test.after(() => tmp.cleanup());

const flow = (op = 'map'): string => `{
  connectors: { server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } } },
  pipelines: { shout: { operators: [{ op: '${op}', config: { event: 'event + "!"' } }] } },
  links: [['server', 'shout'], ['shout', 'server']],
}
`;
const ESC = '\u001b[';

test('--log-format json writes one JSON object per line: time, level, flow, alias, msg', async () => {
  const file = tmp.write('json.json5', flow());
  const cli = startCli(['run', file, '--log-format', 'json'], { cwd: tmp.dir, env: { FORCE_COLOR: '1' } });
  try {
    await cli.waitForLog(/"msg":"running \(1 connectors, 1 pipelines, 2 links\)"/);
  } finally {
    cli.process.kill('SIGTERM');
  }
  const { code, stderr } = await cli.done;
  assert.is(code, 0);
  const lines = stderr.trimEnd().split('\n');
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(records.every((r) => typeof r.time === 'string' && typeof r.level === 'string' && typeof r.msg === 'string'), stderr);
  const listening = records.find((r) => String(r.msg).startsWith('listening on '));
  assert.equal(Object.keys(listening!), ['time', 'level', 'flow', 'alias', 'msg']);
  assert.equal([listening!.level, listening!.flow, listening!.alias], ['info', 'json', 'server']);
  assert.match(String(listening!.msg), /^listening on ws:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(records.some((r) => r.msg === 'SIGTERM: stopping (send it again to exit at once)' && r.flow === undefined), stderr);
  // JSON is for programs: no colour even when forced.
  assert.not.ok(stderr.includes(ESC), stderr);
});

test('text logs are coloured on a terminal, plain with NO_COLOR, and coloured into a pipe with FORCE_COLOR', async () => {
  const file = tmp.write('colour.json5', flow());
  const runs = [
    startCliInPty(['run', file], { cwd: tmp.dir }),
    startCliInPty(['run', file], { cwd: tmp.dir, env: { NO_COLOR: '1' } }),
  ];
  const piped = startCli(['run', file], { cwd: tmp.dir, env: { FORCE_COLOR: '1', NO_COLOR: '' } });
  const plainPipe = startCli(['run', file], { cwd: tmp.dir, env: { NO_COLOR: '1' } });
  try {
    await Promise.all(runs.map((r) => r.waitFor(/\[colour\] running/)));
    await Promise.all([piped.waitForLog(/running/), plainPipe.waitForLog(/running/)]);
    // `run` sets its signal handlers just after "running"; a signal sent sooner kills it outright.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.match(runs[0]!.raw(), /\u001b\[32mINFO \u001b\[39m \u001b\[36m\[colour\/server\]\u001b\[39m listening on ws:/);
    assert.not.ok(runs[1]!.raw().includes(ESC), runs[1]!.raw());
    assert.match(piped.stderr(), /\u001b\[32mINFO /);
    assert.not.ok(plainPipe.stderr().includes(ESC), plainPipe.stderr());
  } finally {
    for (const r of runs) r.type('\u0003');
    piped.process.kill('SIGINT');
    plainPipe.process.kill('SIGINT');
  }
  assert.equal(await Promise.all([...runs.map((r) => r.done), piped.done.then((r) => r.code), plainPipe.done.then((r) => r.code)]), [0, 0, 0, 0]);
});

test('--status on a terminal: the table stays at the bottom, the reload and the refused change scroll above it', async () => {
  const file = tmp.write('status.json5', flow());
  const cli = startCliInPty(['run', file, '--status', '--watch'], { cwd: tmp.dir, env: { NO_COLOR: '1' }, columns: 250, rows: 30 });
  try {
    const [, url] = await cli.waitFor(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    await cli.waitFor(/^status\/server +ws_server +running +listening +0 /m);
    const client = await TestClient.open(url!);
    await cli.waitFor(/^status\/server +ws_server +running +listening +1 /m);

    writeFileSync(file, flow('map').replace('"!"', '"?"'));
    await cli.waitFor(/reconfigured: 1 connectors kept \(server\)/, 15_000);
    writeFileSync(file, flow('mapp'));
    await cli.waitFor(/unknown operator "mapp"; did you mean "map"\?/, 15_000);
    // Let the table redraw (every second) twice under the log.
    const shown = cli.raw().length;
    await until(() => cli.raw().slice(shown).split(/connector +kind +state/).length > 2, () => `two redraws of the table:\n${cli.screen.text().join('\n')}`, 15_000);
    const screen = cli.screen.text();
    const at = (pattern: RegExp): number => screen.findIndex((l) => pattern.test(l));
    const [reload, refused, reason, head, row] = [
      at(/reconfigured: 1 connectors kept/),
      at(/the change does not load; the running flow stays:$/),
      at(/^.*status\.json5:3:43: pipelines\.shout\.operators\[0\]\.op: unknown operator "mapp"/),
      at(/^connector +kind +state +link +conns +in\/s +out\/s +errors$/),
      at(/^status\/server +ws_server +running +listening +1 /),
    ];
    assert.ok(reload >= 0 && refused > reload && reason === refused + 1 && head === reason + 1 && row === head + 1, screen.join('\n'));
    // One table on the screen, at the bottom: none left behind above the log.
    assert.is(screen.filter((l) => /^connector +kind/.test(l)).length, 1, screen.join('\n'));
    assert.is(screen.length, row + 1, screen.join('\n'));
    await client.close();
  } finally {
    cli.type('\u0003');
  }
  assert.is(await cli.done, 0);
});

test.run();
