import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StatusTable } from '../../../../src/app/ops/status-table.js';
import { stripColors } from '../../../../src/sdk/colors.js';
import { startFlow } from '../../../../src/app/testing/index.js';
import { echoFlow } from '../../../support/flows.js';
import { Screen } from '../../../support/terminal.js';
import { TestClient } from '../../../support/ws.js';

/** A stream that says it is a terminal of the given size, and the screen it shows. */
function terminal(columns = 120, rows = 40): { out: NodeJS.WriteStream; screen: Screen } {
  const screen = new Screen(columns);
  const out = Object.assign(new PassThrough(), { isTTY: true, columns, rows }) as unknown as NodeJS.WriteStream;
  (out as unknown as PassThrough).on('data', (d: Buffer) => screen.write(d.toString()));
  return { out, screen };
}

test('the status table shows each connector with its state, link, connections, rates and errors', async () => {
  const flow = await startFlow(echoFlow());
  const out = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  let written = '';
  (out as unknown as PassThrough).on('data', (d) => (written += d));
  const table = new StatusTable(() => [flow.flow], out);
  try {
    table.rows(performance.now() - 1000);
    const c = await TestClient.open(flow.address('server'));
    c.send('{"a":1}\n{"b":2}\n{bad}');
    await c.waitFor(2);
    await flow.next('server', 'err');
    table.draw();
    const [head, row] = written.trimEnd().split('\n');
    assert.match(head!, /^connector\s+kind\s+state\s+link\s+conns\s+in\/s\s+out\/s\s+errors$/);
    assert.match(row!, /^inline\/server\s+ws_server\s+running\s+listening\s+1\s+\d+\s+\d+\s+1$/);
    await c.close();
  } finally {
    await flow.stop();
  }
});

test('state is what the connector does and link whether it reaches its peer: paused, retrying, gave up', async () => {
  const flow = await startFlow({
    connectors: {
      server: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } },
      // Port 1 on loopback refuses at once: the client keeps retrying, then gives up.
      client: { type: 'ws_client', codec: 'json', config: { url: 'ws://127.0.0.1:1' }, reconnect: { retry: { interval_ms: 50, max_retries: 2 } } },
      forever: { type: 'ws_client', codec: 'json', config: { url: 'ws://127.0.0.1:1' }, reconnect: { retry: { interval_ms: 60_000 } } },
      tick: { type: 'metronome', config: { interval_ms: 1000 } },
    },
  });
  const table = new StatusTable(() => [flow.flow]);
  try {
    const states = (): Record<string, string> => Object.fromEntries(table.rows().map((r) => [r.name, `${r.state} ${r.link}`]));
    const until = Date.now() + 10_000;
    while (states()['inline/client'] !== 'failed gave up' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(states(), { 'inline/server': 'running listening', 'inline/client': 'failed gave up', 'inline/forever': 'running retrying', 'inline/tick': 'running -' });
    flow.flow.pause();
    assert.equal(states()['inline/server'], 'paused listening');
    flow.flow.resume();
  } finally {
    await flow.stop();
  }
  assert.equal(new StatusTable(() => [flow.flow]).rows().map((r) => r.state), ['stopped', 'stopped', 'stopped', 'stopped']);
});

test('on a terminal the table stays below the log: log lines scroll above it and none is drawn over', async () => {
  const flow = await startFlow(echoFlow());
  const { out, screen } = terminal();
  const table = new StatusTable(() => [flow.flow], out);
  try {
    table.above('first log line, before the table');
    table.draw();
    table.draw();
    assert.is(screen.text().length, 3, screen.text().join('\n'));
    table.above('reloaded: 1 connectors kept');
    table.above('the change does not load; the running flow stays:\nflow.json5:3:43: unknown operator "mapp"');
    table.draw();
    const lines = screen.text();
    assert.equal(lines.slice(0, 4), [
      'first log line, before the table',
      'reloaded: 1 connectors kept',
      'the change does not load; the running flow stays:',
      'flow.json5:3:43: unknown operator "mapp"',
    ]);
    assert.match(lines[4]!, /^connector\s+kind\s+state\s+link/);
    assert.match(lines[5]!, /^inline\/server\s+ws_server\s+running\s+listening/);
    assert.is(lines.length, 6);
    table.stop();
    table.above('stopped');
    assert.equal(screen.text().slice(4), [lines[4], lines[5], 'stopped']);
  } finally {
    await flow.stop();
  }
});

test('on a narrow, short terminal each line is cut to the width and the table to the height', async () => {
  const connectors = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`a_long_connector_name_${i}`, { type: 'metronome', config: { interval_ms: 60_000 } }]));
  const flow = await startFlow({ connectors });
  const { out, screen } = terminal(40, 8);
  const table = new StatusTable(() => [flow.flow], out);
  try {
    table.draw();
    table.above('a log line');
    table.draw();
    const lines = screen.text();
    assert.is(lines[0], 'a log line');
    assert.is(lines.length, 8, lines.join('\n'));
    assert.ok(lines.every((l) => l.length < 40), lines.join('\n'));
    assert.match(lines[1]!, /^connector\s+kind …$/);
    assert.match(lines[2]!, /^inline\/a_long_connector_name_0\s+metro…$/);
    assert.is(lines[7], '… and 7 more connectors');
  } finally {
    await flow.stop();
  }
});

test('off a terminal, a report function takes the rows instead of a printed table (JSON logs stay JSON)', async () => {
  const flow = await startFlow(echoFlow());
  const out = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  let written = '';
  (out as unknown as PassThrough).on('data', (d) => (written += d));
  const reported: unknown[] = [];
  try {
    new StatusTable(() => [flow.flow], out, { report: (rows) => reported.push(rows) }).draw();
    assert.is(written, '');
    assert.equal(reported, [[{ name: 'inline/server', kind: 'ws_server', state: 'running', link: 'listening', connections: '0', inRate: '-', outRate: '-', errors: '0' }]]);
  } finally {
    await flow.stop();
  }
});

test('with colour, states are coloured and the text is the same', async () => {
  const flow = await startFlow(echoFlow());
  try {
    const plain = new StatusTable(() => [flow.flow]).render(new StatusTable(() => [flow.flow]).rows());
    const colored = new StatusTable(() => [flow.flow], process.stderr, { color: true });
    const lines = colored.render(colored.rows());
    assert.match(lines[1]!, /\u001b\[32mrunning\s*\u001b\[39m  \u001b\[32mlistening\u001b\[39m/);
    assert.equal(lines.map(stripColors), plain);
  } finally {
    await flow.stop();
  }
});

test('the metrics connector emits Tremor-shaped connector_events for every port of the flow', async () => {
  const flow = await startFlow({
    connectors: {
      tick: { type: 'metronome', config: { interval_ms: 10 } },
      sink: { type: 'null' },
      metrics: { type: 'metrics', config: { interval_s: 0.05 } },
    },
    links: [['tick', 'sink']],
  });
  try {
    const events = await flow.collect('metrics', 'out', 2, { timeout: 3000 });
    const tick = events.map((e) => e.data as { measurement: string; tags: Record<string, string>; fields: { count: number }; timestamp: number }).find((d) => d.tags.connector === 'tick');
    assert.ok(tick !== undefined, JSON.stringify(events.map((e) => e.data)));
    assert.is(tick!.measurement, 'connector_events');
    assert.equal({ ...tick!.tags }, { flow: 'inline', connector: 'tick', port: 'out', direction: 'out' });
    assert.ok(tick!.fields.count > 0);
    assert.type(tick!.timestamp, 'number');
  } finally {
    await flow.stop();
  }
});

test.run();
