import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlow, loadFlowObject } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { Pipeline } from '../../../src/engine/pipeline.js';
import { createEvent, type TremoloEvent } from '../../../src/sdk/event.js';
import { memoryLogger } from '../../../src/sdk/logger.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir('tremolo-share-state-');
test.after(() => tmp.cleanup());

/** Every 3rd event passes: a map counts in a state a route shares and reads. */
const counting = (share: boolean) => ({
  connectors: { src: { type: 'metronome', config: { interval_ms: 1000 } } },
  pipelines: {
    p: {
      operators: {
        count: { op: 'map', config: { state: 'default(state, 0) + 1' }, ...(share ? { share_state: 'seen' } : {}) },
        every3: { op: 'route', config: { routes: [{ port: 'out', when: 'state % 3 == 0' }], default: 'skipped' }, ...(share ? { share_state: 'seen' } : {}) },
        stamp: { op: 'map', config: { event: '{"n": event.n, "state": state}' } },
      },
      links: [['in', 'count'], ['count', 'every3'], ['every3/out', 'stamp'], ['stamp', 'out']],
    },
  },
  links: [['src', 'p']],
});

async function run(flow: object, events: number): Promise<unknown[]> {
  const model = await loadFlowObject(flow);
  const pipeline = new Pipeline(model.pipelines.find((p) => p.alias === 'p')!, memoryLogger());
  const out: TremoloEvent[] = [];
  pipeline.outputs.get('out')!.subscribe((e) => out.push(e));
  for (let n = 1; n <= events; n++) pipeline.inputs.get('in')!.next(createEvent({ n }, {}, [{ connector: 1, stream: 0 }]));
  return out.map((e) => e.data);
}

test('operators naming one share_state read and write one state; the others keep their own (null here)', async () => {
  assert.equal(await run(counting(true), 7), [
    { n: 3, state: null },
    { n: 6, state: null },
  ]);
});

test('without share_state each operator has its own state: the route reads null and takes no route', async () => {
  const model = await loadFlowObject(counting(false));
  const pipeline = new Pipeline(model.pipelines.find((p) => p.alias === 'p')!, memoryLogger());
  const out: unknown[] = [];
  const err: unknown[] = [];
  pipeline.outputs.get('out')!.subscribe((e) => out.push(e.data));
  pipeline.outputs.get('err')!.subscribe((e) => err.push(e.data));
  pipeline.inputs.get('in')!.next(createEvent({ n: 1 }, {}, [{ connector: 1, stream: 0 }]));
  // `null % 3` is no number: the event goes to err, not out.
  assert.equal(out, []);
  assert.is(err.length, 1);
  assert.match((err[0] as { error: string }).error, /^p\/every3: /);
});

test('each pipeline instance has its own shared state', async () => {
  const flow = counting(true);
  assert.equal(await run(flow, 3), [{ n: 3, state: null }]);
  assert.equal(await run(flow, 3), [{ n: 3, state: null }]);
});

test('a share_state that is not a name is refused at load, naming the field', async () => {
  const bad = counting(true) as { pipelines: { p: { operators: { count: Record<string, unknown> } } } };
  bad.pipelines.p.operators.count.share_state = 'has space';
  const file = tmp.write('bad.json5', JSON.stringify(bad, null, 2));
  const { problems } = await checkFlow(file);
  assert.equal(
    problems.map((p) => formatProblem(p).replaceAll(`${tmp.dir}/`, '')),
    ['bad.json5:18:26: pipelines.p.operators.count.share_state: expected a string matching /^[A-Za-z_][A-Za-z0-9_-]*$/, received "has space"'],
  );
});

test.run();
