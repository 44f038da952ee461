import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { tmpDir } from '../../../support/tmp.js';
import { sinks, sources } from '../../engine/tx-connectors.js';
import { until } from '../../../support/sockets.js';

const flowFile = path.join(import.meta.dirname, 'file-transactional.flow.json5');


const reader = (file: string) => ({
  use: ['../../engine/tx-connectors.ts'],
  connectors: {
    in: { type: 'file', codec: 'string', preprocessors: ['separate'], config: { path: file, mode: 'read', chunk_size: 4, transactional: true } },
    out: { type: 'tx_sink', config: { confirm: true } },
  },
  links: [['in', 'out']],
});

test('transactional read mode keeps the acknowledged position, and a restart goes on from it', async () => {
  const tmp = tmpDir();
  try {
    const file = tmp.write('lines.txt', 'one\ntwo\nthree\nfour\n');
    let flow = await startFlow(reader(file), { file: flowFile });
    try {
      await until(() => sinks.get('out')!.given.length === 4, () => '4 lines');
      const s = sinks.get('out')!;
      assert.equal(s.given.map((e) => e.data), ['one', 'two', 'three', 'four']);
      s.ctx.delivered(s.given[0]!);
      s.ctx.delivered(s.given[2]!); // "two" is not acked: the position stops after "one"
      await sleep(60);
      assert.is(readFileSync(`${file}.position`, 'utf8'), '4\n');
      s.ctx.delivered(s.given[1]!);
    } finally {
      await flow.stop();
    }
    assert.is(readFileSync(`${file}.position`, 'utf8'), '14\n', 'one, two and three are acked');
    flow = await startFlow(reader(file), { file: flowFile });
    try {
      await until(() => sinks.get('out')!.given.length === 1, () => 'the rest');
      await sleep(30);
      assert.equal(sinks.get('out')!.given.map((e) => e.data), ['four']);
    } finally {
      await flow.stop();
    }
  } finally {
    tmp.cleanup();
  }
});

test('a line split across reads is sent whole, and a last line without a newline is sent at the end', async () => {
  const tmp = tmpDir();
  try {
    const file = tmp.write('lines.txt', 'alpha\nbeta');
    const flow = await startFlow(reader(file), { file: flowFile });
    try {
      await until(() => sinks.get('out')!.given.length === 2, () => '2 lines');
      assert.equal(sinks.get('out')!.given.map((e) => e.data), ['alpha', 'beta']);
    } finally {
      await flow.stop();
    }
  } finally {
    tmp.cleanup();
  }
});

test('a file sink acks a transactional event once its write is done', async () => {
  const tmp = tmpDir();
  try {
    const file = path.join(tmp.dir, 'out.txt');
    const flow = await startFlow(
      {
        use: ['../../engine/tx-connectors.ts'],
        connectors: {
          src: { type: 'tx_source' },
          out: { type: 'file', codec: 'json', postprocessors: ['separate'], config: { path: file, mode: 'truncate' } },
        },
        links: [['src', 'out']],
      },
      { file: flowFile },
    );
    try {
      const { send, outcomes } = sources.get('src')!;
      send({ a: 1 });
      assert.equal(outcomes, [], 'not before the write is done');
      await until(() => outcomes.length === 1, () => 'ack');
      assert.equal(outcomes, ['ack {"a":1}']);
      assert.is(readFileSync(file, 'utf8'), '{"a":1}\n');
    } finally {
      await flow.stop();
    }
  } finally {
    tmp.cleanup();
  }
});

test.run();
