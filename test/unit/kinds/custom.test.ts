import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlowObject } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { startFlow } from '../../../src/app/testing/index.js';
import { knownConnectors } from '../../support/known.js';

const root = path.resolve(import.meta.dirname, '../../..');
const file = path.join(root, 'custom-test.json5');

test('a flow names a custom connector module and uses its kind like a built-in', async () => {
  const flow = await startFlow(
    {
      use: ['./connectors/sequence.ts'],
      connectors: { numbers: { type: 'sequence', config: { count: 5, start: 10 } } },
    },
    { file },
  );
  try {
    const events = await flow.collect('numbers', 'out', 5);
    assert.equal(
      events.map((e) => (e.data as { seq: number }).seq),
      [10, 11, 12, 13, 14],
    );
    assert.equal(events[0]!.meta, { sequence: {} });
  } finally {
    await flow.stop();
  }
});

test("a custom kind's config is validated by its own schema at load time", async () => {
  const { problems } = await checkFlowObject(
    { use: ['./connectors/sequence.ts'], connectors: { numbers: { type: 'sequence', config: { count: -1 } } } },
    { file },
  );
  assert.equal(problems.map(formatProblem), ['custom-test.json5:9:18: connectors.numbers.config.count: expected a number >= 0, received -1']);
});

test('a custom kind is visible to the flow that loads it only', async () => {
  const { problems } = await checkFlowObject({ connectors: { numbers: { type: 'sequence', config: { count: 1 } } } }, { file });
  assert.ok(problems.map(formatProblem).join('\n').includes(`unknown connector type "sequence"; known: ${knownConnectors()}`));
});

test('a module without definitions is refused with its name', async () => {
  const { problems } = await checkFlowObject({ use: ['./test/support/ports.ts'] }, { file });
  assert.equal(problems.map(formatProblem), [
    'custom-test.json5:3:5: use[0]: module "ports.ts" exports no definitions made with defineConnector, defineCodec, defineProcessor, defineOperator or defineServerExtension',
  ]);
});

test.run();
