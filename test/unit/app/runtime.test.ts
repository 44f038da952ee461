import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RuntimeError } from '../../../src/sdk/errors.js';
import { memoryLogger } from '../../../src/sdk/logger.js';
import { loadAll, Runtime } from '../../../src/app/runtime.js';
import { tmpDir } from '../../support/tmp.js';
import { TestClient } from '../../support/ws.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

const server = (name: string) =>
  tmp.write(
    `${name}.json5`,
    `{ args: { url: 'ws://127.0.0.1:0', ${name}_only: 1 }, connectors: { s: { type: 'ws_server', codec: 'string', config: { url: '\${args.url}' } } }, links: [['s', 's']] }`,
  );

test('several flows run together; an arg goes to each flow that declares it; ids stay unique', async () => {
  const a = server('a');
  const runtime = await Runtime.start([a, server('b'), a], { args: { url: 'ws://127.0.0.1:0', b_only: 2 }, log: memoryLogger() });
  try {
    assert.equal(runtime.flows.map((f) => f.id), ['a', 'b', 'a-2']);
    assert.is(runtime.flow('b').model.args.b_only, 2);
    assert.is(runtime.flow('a').model.args.a_only, 1);
    const client = await TestClient.open(runtime.flow('a-2').address('s')!);
    client.send('ping');
    assert.equal(await client.waitFor(1), ['ping']);
    await client.close();
  } finally {
    await runtime.stop();
  }
});

test('an arg no flow declares is refused', async () => {
  const err = await loadAll([server('c'), server('d')], { args: { nobody: 1 } }).catch((e: RuntimeError) => e);
  assert.is((err as RuntimeError).code, 'ERR_ARG_UNKNOWN');
  assert.is((err as RuntimeError).message, 'no flow declares the arg "nobody"');
});

test('the problems of every file are reported together', async () => {
  const bad1 = tmp.write('bad1.json5', `{ connectors: { x: { type: 'nope' } } }`);
  const bad2 = tmp.write('bad2.json5', `{ links: [['a', 'b']] }`);
  const err = await loadAll([bad1, bad2]).catch((e: RuntimeError) => e);
  const lines = (err as Error).message.split('\n');
  assert.is(lines.length, 3);
  assert.match(lines[0]!, /bad1\.json5:1:28: connectors\.x\.type: unknown connector type "nope"/);
  assert.match(lines[1]!, /bad2\.json5:1:12: links\[0\]\[0\]: unknown connector or pipeline "a"/);
});

test.run();
