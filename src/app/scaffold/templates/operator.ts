import type { Template } from '../template.js';

/** An operator with state kept per group and bounded, the two things a hand-written one gets wrong. */
export const operatorTemplate: Template = ({ names: { registered: name, file } }) => [
  {
    path: `pipelines/${file}.ts`,
    text: `/**
 * The \`${name}\` operator: numbers the events of each group, 1, 2, 3... Made by
 * \`tremolo new operator ${name}\` as a starting point: keep the shape and put your logic in.
 *
 * A flow in flows/ loads it with \`use: ['../pipelines/${file}.ts']\`; a pipeline then names it
 * like a built-in: \`operators: [{ op: '${name}', config: { key: 'user' } }]\`.
 */
import { z } from 'zod';
import { defineOperator, deriveEvent, perEvent } from 'tremolo';

export default defineOperator({
  name: '${name}',
  description:
    'Adds \`field\` to each record event: its number among the events of its group so far, from 1. The group is the value of the field \`key\` (one group without it). An event that is not a record goes to \`err\`.',
  config: z.strictObject({
    field: z.string().min(1).default('seq').describe('the field that receives the number'),
    key: z.string().min(1).optional().describe('the field whose value makes the group; without it, every event is in one group'),
    max_groups: z.number().int().min(1).default(10000).describe('groups remembered at most; past it the oldest is forgotten and starts again from 1'),
  }),
  create(config, ctx) {
    // Per operator instance: two pipelines using ${name} count apart.
    const counts = new Map<string, number>();
    // perEvent: a function from an event to zero or more events; a throw in it sends that event to
    // \`err\` with the reason, and the pipeline goes on.
    return perEvent(ctx, (event, emit) => {
      const data = event.data;
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        ctx.error(event, 'ERR_OPERATOR_FAILED', \`\${ctx.alias}: expected a record, received \${JSON.stringify(data)}\`);
        return;
      }
      const record = data as Record<string, unknown>;
      // Values are compared as JSON, so that { id: 1 } and { id: 1 } are one group.
      const group = config.key === undefined ? '' : JSON.stringify(record[config.key] ?? null);
      const n = (counts.get(group) ?? 0) + 1;
      counts.delete(group); // re-inserted last: the Map's order is then least recently seen first
      counts.set(group, n);
      if (counts.size > config.max_groups) counts.delete(counts.keys().next().value!);
      emit(deriveEvent(event, { ...record, [config.field]: n }));
    });
  },
});
`,
  },
  {
    path: `test/${file}.test.ts`,
    text: `/**
 * The \`${name}\` operator in a pipeline, as a flow uses it. Run: node --import tsx test/${file}.test.ts
 */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from 'tremolo/testing';

// The flows below are placed in this folder, so \`use\` is relative to it.
const file = path.join(import.meta.dirname, '${file}.flow.json5');
const start = (config: Record<string, unknown>) =>
  startFlow({ use: ['../pipelines/${file}.ts'], pipelines: { numbered: { operators: [{ op: '${name}', config }] } } }, { file });

test('${name} numbers the events of each group apart', async () => {
  const flow = await start({ key: 'user' });
  try {
    for (const user of ['ann', 'bob', 'ann', 'ann', 'bob']) flow.send('numbered', 'in', { user });
    const events = await flow.collect('numbered', 'out', 5, { timeout: 2000 });
    assert.equal(
      events.map((e) => e.data),
      [
        { user: 'ann', seq: 1 },
        { user: 'bob', seq: 1 },
        { user: 'ann', seq: 2 },
        { user: 'ann', seq: 3 },
        { user: 'bob', seq: 2 },
      ],
    );
  } finally {
    await flow.stop();
  }
});

test('${name} forgets the least recently seen group past max_groups', async () => {
  const flow = await start({ key: 'user', field: 'n', max_groups: 2 });
  try {
    for (const user of ['ann', 'bob', 'ann', 'cid', 'bob']) flow.send('numbered', 'in', { user });
    const events = await flow.collect('numbered', 'out', 5, { timeout: 2000 });
    assert.equal(
      events.map((e) => (e.data as { n: number }).n),
      [1, 1, 2, 1, 1],
    );
  } finally {
    await flow.stop();
  }
});

test('an event that is not a record goes to err with the reason; the next one is numbered', async () => {
  const flow = await start({});
  try {
    flow.send('numbered', 'in', 'hello');
    flow.send('numbered', 'in', { a: 1 });
    const error = await flow.next('numbered', 'err', { timeout: 2000 });
    // The pipeline's err event: the reason (after \`pipeline/operator\`), the code, and the event's data.
    assert.equal(error.data, {
      error: 'numbered/0: expected a record, received "hello"',
      code: 'ERR_OPERATOR_FAILED',
      connector: 'numbered',
      event: 'hello',
    });
    assert.equal((await flow.next('numbered', 'out', { timeout: 2000 })).data, { a: 1, seq: 1 });
  } finally {
    await flow.stop();
  }
});

test.run();
`,
  },
];
