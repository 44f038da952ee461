import { map as rxMap } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { loadFlowObject } from '../../../src/app/load.js';
import type { PipelineSpec } from '../../../src/engine/model.js';
import { stageOperator } from '../../../src/sdk/stage.js';
import { createEvent, type TremoloEvent } from '../../../src/sdk/event.js';
import { memoryLogger } from '../../../src/sdk/logger.js';
import { defineOperator } from '../../../src/sdk/operator-api.js';
import { planPipeline } from '../../../src/engine/pipeline-plan.js';
import { Pipeline } from '../../../src/engine/pipeline.js';

const spec = async (pipeline: object): Promise<PipelineSpec> => (await loadFlowObject({ pipelines: { p: pipeline } })).pipelines[0]!;
const run = (pipeline: Pipeline, port: string): TremoloEvent[] => {
  const seen: TremoloEvent[] = [];
  pipeline.outputs.get(port)!.subscribe((e) => seen.push(e));
  return seen;
};
const push = (pipeline: Pipeline, data: unknown): void => pipeline.inputs.get('in')!.next(createEvent(data, {}, [{ connector: 1, stream: 0 }]));

test('a chain is fused from the input port to the output port, with no Subject between its operators', async () => {
  const s = await spec({ operators: [{ op: 'filter', config: { condition: 'event > 1' } }, { op: 'map', config: { event: 'event * 10' } }] });
  const plan = planPipeline(s);
  assert.equal(plan.chains.map((c) => [c.nodes.map((n) => n.name), c.inputPort, c.outputPort]), [[['0', '1'], 'in', 'out']]);
  assert.is(plan.fused.size, s.links.length);
  const p = new Pipeline(s, memoryLogger());
  const out = run(p, 'out');
  for (const n of [1, 2, 3]) push(p, n);
  assert.equal(out.map((e) => e.data), [20, 30]);
});

test('completing a fused chain flushes what its operators hold, in order', async () => {
  const p = new Pipeline(await spec({ operators: [{ op: 'map', config: { event: 'event + 1' } }, { op: 'batch', config: { count: 10 } }] }), memoryLogger());
  const out = run(p, 'out');
  let completed = false;
  p.outputs.get('out')!.subscribe({ complete: () => (completed = true) });
  for (const n of [1, 2, 3]) push(p, n);
  assert.equal(out.length, 0);
  p.complete();
  assert.equal(out.map((e) => e.data), [[2, 3, 4]]);
  assert.ok(completed);
});

test('where events fan out, Subjects carry them to every branch', async () => {
  const p = new Pipeline(
    await spec({
      operators: { a: { op: 'map', config: { event: 'event * 2' } }, b: { op: 'map', config: { event: 'event * 3' } } },
      links: [['in', 'a'], ['in', 'b'], ['a', 'out'], ['b', 'out']],
    }),
    memoryLogger(),
  );
  const out = run(p, 'out');
  push(p, 5);
  assert.equal(out.map((e) => e.data).sort(), [10, 15]);
});

test("an operator's own err port, once linked, takes its errors in place of the pipeline's err", async () => {
  const s = await spec({
    operators: { parse: { op: 'map', config: { event: 'number(event)' } }, fixup: { op: 'map', config: { event: '{"failed": event.event, "why": event.error}' } } },
    links: [['in', 'parse'], ['parse', 'out'], ['parse/err', 'fixup'], ['fixup', 'out']],
  });
  const p = new Pipeline(s, memoryLogger());
  const out = run(p, 'out');
  const err = run(p, 'err');
  for (const n of ['1', 'x']) push(p, n);
  assert.equal(out.map((e) => e.data), [1, { failed: 'x', why: 'p/parse: number: "x" is not numeric in "number(event)"' }]);
  assert.equal(err, []);
});

test('an operator that fails (a bug, not a bad event) is logged and restarted with fresh state; the pipeline goes on', async () => {
  let instances = 0;
  const flaky = defineOperator({
    name: 'flaky',
    description: 'fails on "boom" from a timer-like callback',
    config: z.strictObject({}),
    create: () =>
      stageOperator((io) => {
        const mine = ++instances;
        return {
          next: (event) => (event.data === 'boom' ? io.fail(new Error('kaboom')) : io.emit(createEvent(`${event.data}@${mine}`, {}, event.origins))),
          complete: () => io.complete(),
          stop: () => {},
        };
      }),
  });
  const log = memoryLogger();
  const base = await spec({});
  const s: PipelineSpec = {
    ...base,
    nodes: [{ name: 'f', def: flaky, config: {}, outputs: ['out'] }],
    links: [
      { from: { kind: 'port', port: 'in' }, to: { kind: 'op', node: 'f', port: 'in' } },
      { from: { kind: 'op', node: 'f', port: 'out' }, to: { kind: 'port', port: 'out' } },
    ],
  };
  const p = new Pipeline(s, log);
  const out = run(p, 'out');
  push(p, 'a');
  push(p, 'boom');
  push(p, 'b');
  assert.equal(out.map((e) => e.data), ['a@1', 'b@2']);
  assert.ok(log.lines.some((l) => l.endsWith('[p] operator f (flaky) failed and was restarted: kaboom')), log.lines.join('\n'));
});

test('a custom operator that is plain RxJS runs unfused alongside', async () => {
  const plain = defineOperator({ name: 'plain', description: 'rxjs map', config: z.strictObject({}), create: () => rxMap((e: TremoloEvent) => createEvent(`<${e.data}>`, {}, e.origins)) });
  const base = await spec({});
  const p = new Pipeline(
    {
      ...base,
      nodes: [{ name: 'x', def: plain, config: {}, outputs: ['out'] }],
      links: [
        { from: { kind: 'port', port: 'in' }, to: { kind: 'op', node: 'x', port: 'in' } },
        { from: { kind: 'op', node: 'x', port: 'out' }, to: { kind: 'port', port: 'out' } },
      ],
    },
    memoryLogger(),
  );
  const out = run(p, 'out');
  push(p, 'y');
  assert.equal(out.map((e) => e.data), ['<y>']);
});

test('built-in operators in a chain with a plain RxJS operator keep their behaviour, unfused', async () => {
  const plain = defineOperator({ name: 'plain', description: 'rxjs map', config: z.strictObject({}), create: () => rxMap((e: TremoloEvent) => createEvent({ n: (e.data as { n: number }).n * 10 }, {}, e.origins)) });
  const base = await spec({
    operators: [
      { op: 'filter', config: { condition: 'event.n > 1' } },
      { op: 'map', config: { event: '{"n": event.n + 1}' } },
      { op: 'window', config: { size: 2, aggregates: { sum: 'sum(event.n)', n: 'count()' } } },
    ],
  });
  // filter → plain → map → window: the RxJS operator in the middle keeps the chain from being fused.
  const nodes = [base.nodes[0]!, { name: 'x', def: plain, config: {}, outputs: ['out'] }, base.nodes[1]!, base.nodes[2]!];
  const names = nodes.map((n) => n.name);
  const links = [
    { from: { kind: 'port' as const, port: 'in' }, to: { kind: 'op' as const, node: names[0]!, port: 'in' } },
    ...names.slice(1).map((to, i) => ({ from: { kind: 'op' as const, node: names[i]!, port: 'out' }, to: { kind: 'op' as const, node: to, port: 'in' } })),
    { from: { kind: 'op' as const, node: names[3]!, port: 'out' }, to: { kind: 'port' as const, port: 'out' } },
  ];
  const p = new Pipeline({ ...base, nodes, links }, memoryLogger());
  const out = run(p, 'out');
  const errors = run(p, 'err');
  for (const n of [1, 2, 3, 'four', 5]) push(p, { n });
  p.complete();
  // 2 → 20 → 21, 3 → 30 → 31: one window; 5 → 50 → 51: a partial window at completion.
  assert.equal(out.map((e) => e.data), [{ sum: 52, n: 2 }, { sum: 51, n: 1 }]);
  assert.equal(errors.map((e) => (e.data as { error: string }).error), ['p/0: cannot compare string with number in "event.n > 1"']);
});

test.run();
