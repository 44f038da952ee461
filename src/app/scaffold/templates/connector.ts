import type { Template } from '../template.js';

/**
 * A connector with both sides (it counts what it receives and reports on its own stream), so that
 * the scaffold shows a sink's `write` and a source's stream, flow control and the graceful stop.
 */
export const connectorTemplate: Template = ({ names: { registered: kind, file } }) => [
  {
    path: `connectors/${file}.ts`,
    text: `/**
 * The \`${kind}\` connector: counts the events that reach it and reports the count on \`out\` every
 * \`interval_ms\`. Made by \`tremolo new connector ${kind}\` as a starting point: keep the shape
 * (config, description, metadata, ports, hooks) and put your connector's own behaviour in.
 *
 * A flow in flows/ uses it with \`use: ['../connectors/${file}.ts']\` and \`type: '${kind}'\`; its
 * config is checked against the schema below when the flow loads, and
 * \`tremolo schema --use ./connectors/${file}.ts\` gives editors that schema.
 */
import { z } from 'zod';
import { defineConnector } from 'tremolo';

export default defineConnector({
  kind: '${kind}',
  description:
    'Counts the events that reach \`in\` and emits \`{ count, total }\` on \`out\` every \`interval_ms\`: how many arrived since the last report, and since the start.',
  metadata: '\`meta.${kind} = { report }\` on the events it emits: the number of the report, from 1.',
  config: z.strictObject({
    interval_ms: z.number().int().min(1).default(1000).describe('how often to report, in milliseconds'),
    idle_reports: z.boolean().default(true).describe('also report when no event arrived since the last report'),
  }),
  // It emits values, not bytes, so it takes no codec. A connector that reads or writes bytes says
  // 'required' (or { optional: 'json' }) and pushes bytes with stream.push(bytes) instead.
  codec: 'structured',
  ports: { in: ['in'], out: ['out', 'err'] },
  create(config, ctx) {
    let count = 0;
    let total = 0;
    let report = 0;
    let running = false;
    let timer: NodeJS.Timeout | undefined;
    // One stream for all its reports; a server would open one per connection.
    const stream = ctx.openStream(ctx.meta({}));

    const tick = (): void => {
      if (count === 0 && !config.idle_reports) return;
      report++;
      stream.pushValue({ count, total }, ctx.meta({ report }));
      count = 0;
    };
    const startTimer = (): void => {
      if (running && timer === undefined) timer = setInterval(tick, config.interval_ms);
    };
    const stopTimer = (): void => {
      clearInterval(timer);
      timer = undefined;
    };

    // Hooks it does not need: start() binds or opens before the flow runs (a throw fails the
    // deployment with the reason), connect(attempt) establishes a client's connection (retried
    // per \`reconnect\`), flush() hands over buffered writes during a graceful stop.
    return {
      // Every connector of the flow has started: begin producing.
      run() {
        running = true;
        startTimer();
      },
      // The sink side: one call per event linked to one of its \`in\` ports.
      write() {
        count++;
        total++;
      },
      // Flow control: a sink behind it is over its high-water mark, then drained.
      pause() {
        stopTimer();
      },
      resume() {
        startTimer();
      },
      // A graceful stop begins: produce nothing more.
      quiesce() {
        running = false;
        stopTimer();
      },
      stop() {
        stopTimer();
        stream.end();
      },
      // What the status API and \`tremolo run --status\` show of it.
      status: () => ({ total, reports: report }),
    };
  },
});
`,
  },
  {
    path: `test/${file}.test.ts`,
    text: `/**
 * The \`${kind}\` connector in a flow, as a user runs it: \`use\` names the module, and the harness
 * pushes events in and watches its ports. Run: node --import tsx test/${file}.test.ts
 */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadFlowObject } from 'tremolo';
import { startFlow } from 'tremolo/testing';

// The flows below are placed in this folder, so \`use\` is relative to it.
const file = path.join(import.meta.dirname, '${file}.flow.json5');
const flowWith = (config: Record<string, unknown>): object => ({
  use: ['../connectors/${file}.ts'],
  connectors: { counter: { type: '${kind}', config } },
});

test('${kind} reports how many events reached it since the last report and in all', async () => {
  const flow = await startFlow(flowWith({ interval_ms: 20, idle_reports: false }), { file });
  try {
    for (const n of [1, 2, 3]) flow.send('counter', 'in', { n });
    const first = await flow.next('counter', 'out', { timeout: 2000 });
    assert.equal(first.data, { count: 3, total: 3 });
    assert.equal(first.meta, { ${kind}: { report: 1 } });
    flow.send('counter', 'in', { n: 4 });
    assert.equal((await flow.next('counter', 'out', { timeout: 2000 })).data, { count: 1, total: 4 });
  } finally {
    await flow.stop();
  }
});

test('${kind} reports while idle, unless idle_reports is false', async () => {
  const idle = await startFlow(flowWith({ interval_ms: 10 }), { file });
  try {
    assert.equal((await idle.next('counter', 'out', { timeout: 2000 })).data, { count: 0, total: 0 });
  } finally {
    await idle.stop();
  }
  const quiet = await startFlow(flowWith({ interval_ms: 10, idle_reports: false }), { file });
  try {
    await quiet.expectNone('counter', 'out', 50);
  } finally {
    await quiet.stop();
  }
});

test('a config out of range is refused when the flow loads, with its place and the reason', async () => {
  const error = await loadFlowObject(flowWith({ interval_ms: 0 }), { file }).then(
    () => undefined,
    (err: Error) => err,
  );
  assert.match(error?.message ?? 'it loaded', /${file}\\.flow\\.json5:\\d+:\\d+: connectors\\.counter\\.config\\.interval_ms: expected a number >= 1, received 0$/);
});

test.run();
`,
  },
];
