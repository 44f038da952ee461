import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { tmpDir } from '../../../support/tmp.js';
import { sinks, sources } from '../../engine/tx-connectors.js';
import { until } from '../../../support/sockets.js';

const file = path.join(import.meta.dirname, 'wal.flow.json5');

function walFlow(dir: string, wal: Record<string, unknown> = {}): object {
  return {
    use: ['../../engine/tx-connectors.ts'],
    connectors: {
      src: { type: 'tx_source' },
      log: { type: 'wal', config: { dir, ack_save_interval_ms: 0, ...wal } },
      out: { type: 'tx_sink', config: { confirm: true } },
    },
    links: [['src', 'log'], ['log', 'out']],
  };
}


const ackAll = (alias = 'out'): void => {
  const s = sinks.get(alias)!;
  for (const e of s.given) s.ctx.delivered(e);
};

async function run(dir: string, body: (f: TestFlow) => Promise<void>, wal: Record<string, unknown> = {}, log = memoryLogger('warn')): Promise<void> {
  const f = await startFlow(walFlow(dir, wal), { file, log });
  try {
    await body(f);
  } finally {
    await f.stop();
  }
}

test('events leave in order once on disk, and the upstream is acked only after the sync', async () => {
  const tmp = tmpDir();
  try {
    await run(tmp.dir, async () => {
      const { send, outcomes } = sources.get('src')!;
      for (let i = 1; i <= 5; i++) send(i);
      assert.equal(outcomes, [], 'not acked before the fsync');
      await until(() => sinks.get('out')!.given.length === 5, () => '5 events out');
      assert.equal(sinks.get('out')!.given.map((e) => e.data), [1, 2, 3, 4, 5]);
      await until(() => outcomes.length === 5, () => 'upstream acks');
      assert.equal(outcomes, ['ack 1', 'ack 2', 'ack 3', 'ack 4', 'ack 5']);
    });
  } finally {
    tmp.cleanup();
  }
});

test('what was not acknowledged is sent again, in order, after a restart; what was is not', async () => {
  const tmp = tmpDir();
  try {
    await run(tmp.dir, async () => {
      for (let i = 1; i <= 5; i++) sources.get('src')!.send({ n: i });
      await until(() => sinks.get('out')!.given.length === 5, () => '5 events out');
      const s = sinks.get('out')!;
      s.ctx.delivered(s.given[0]!);
      s.ctx.delivered(s.given[1]!);
      s.ctx.delivered(s.given[3]!); // acked out of order: replayed anyway, as the mark stops at 2
    });
    await run(tmp.dir, async () => {
      await until(() => sinks.get('out')!.given.length === 3, () => '3 events replayed');
      assert.equal(sinks.get('out')!.given.map((e) => e.data), [{ n: 3 }, { n: 4 }, { n: 5 }]);
      sources.get('src')!.send({ n: 6 });
      await until(() => sinks.get('out')!.given.length === 4, () => 'the new one after them');
      assert.is((sinks.get('out')!.given[3]!.data as { n: number }).n, 6);
      ackAll();
    });
    await run(tmp.dir, async () => {
      await sleep(50);
      assert.equal(sinks.get('out')!.given, []);
    });
  } finally {
    tmp.cleanup();
  }
});

test('segments are deleted once every record in them is acknowledged', async () => {
  const tmp = tmpDir();
  try {
    await run(
      tmp.dir,
      async () => {
        for (let i = 1; i <= 20; i++) sources.get('src')!.send('x'.repeat(100));
        await until(() => sinks.get('out')!.given.length === 20, () => '20 out');
        assert.ok(readdirSync(tmp.dir).filter((f) => f.endsWith('.wal')).length >= 5, 'several segments');
        ackAll();
        await until(() => readdirSync(tmp.dir).filter((f) => f.endsWith('.wal')).length === 1, () => 'old segments removed');
      },
      { segment_bytes: 500 },
    );
  } finally {
    tmp.cleanup();
  }
});

test('a torn record at the tail is dropped with a warning and never replayed', async () => {
  const tmp = tmpDir();
  try {
    await run(tmp.dir, async () => {
      sources.get('src')!.send('one');
      sources.get('src')!.send('two');
      await until(() => sinks.get('out')!.given.length === 2, () => '2 out');
    });
    const segment = path.join(tmp.dir, readdirSync(tmp.dir).find((f) => f.endsWith('.wal'))!);
    const size = readFileSync(segment).length;
    appendFileSync(segment, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6])); // a header promising 200 bytes, and 2
    const log = memoryLogger('warn');
    await run(
      tmp.dir,
      async () => {
        await until(() => sinks.get('out')!.given.length === 2, () => '2 replayed');
        await sleep(20);
        assert.equal(sinks.get('out')!.given.map((e) => e.data), ['one', 'two']);
      },
      {},
      log,
    );
    assert.ok(
      log.lines.some((l) => l.includes(`${segment}: torn record at byte ${size} (a record of 200 bytes with 2 written); dropping the last 10 bytes of the segment`)),
      log.lines.join('\n'),
    );
    assert.is(readFileSync(segment).length, size, 'the tail is cut off');
  } finally {
    tmp.cleanup();
  }
});

test('a record that fails its checksum ends the replay of its segment with a warning', async () => {
  const tmp = tmpDir();
  try {
    await run(tmp.dir, async () => {
      for (const s of ['one', 'two', 'three']) sources.get('src')!.send(s);
      await until(() => sinks.get('out')!.given.length === 3, () => '3 out');
    });
    const segment = path.join(tmp.dir, readdirSync(tmp.dir).find((f) => f.endsWith('.wal'))!);
    const bytes = readFileSync(segment);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff; // inside "three"
    writeFileSync(segment, bytes);
    const log = memoryLogger('warn');
    await run(
      tmp.dir,
      async () => {
        await until(() => sinks.get('out')!.given.length === 2, () => '2 replayed');
        await sleep(20);
        assert.equal(sinks.get('out')!.given.map((e) => e.data), ['one', 'two']);
      },
      {},
      log,
    );
    assert.ok(log.lines.some((l) => l.includes('corrupt record at byte') && l.includes('(a checksum mismatch)')), log.lines.join('\n'));
  } finally {
    tmp.cleanup();
  }
});

test('a damaged acknowledgement mark replays every record still in the log, with a warning', async () => {
  const tmp = tmpDir();
  try {
    await run(tmp.dir, async () => {
      for (const s of ['one', 'two']) sources.get('src')!.send(s);
      await until(() => sinks.get('out')!.given.length === 2, () => '2 out');
      sinks.get('out')!.ctx.delivered(sinks.get('out')!.given[0]!);
    });
    writeFileSync(path.join(tmp.dir, 'acked'), 'garbage');
    const log = memoryLogger('warn');
    await run(
      tmp.dir,
      async () => {
        await until(() => sinks.get('out')!.given.length === 2, () => '2 replayed');
        assert.equal(sinks.get('out')!.given.map((e) => e.data), ['one', 'two']);
      },
      {},
      log,
    );
    assert.ok(log.lines.some((l) => l.includes(`${path.join(tmp.dir, 'acked')}: damaged acknowledgement mark; replaying every record of the log`)), log.lines.join('\n'));
  } finally {
    tmp.cleanup();
  }
});

test('no more than max_in_flight events are out unacknowledged', async () => {
  const tmp = tmpDir();
  try {
    await run(
      tmp.dir,
      async () => {
        for (let i = 1; i <= 10; i++) sources.get('src')!.send(i);
        await until(() => sinks.get('out')!.given.length === 3, () => '3 out');
        await sleep(30);
        const s = sinks.get('out')!;
        assert.is(s.given.length, 3);
        s.ctx.delivered(s.given[0]!);
        await until(() => s.given.length === 4, () => 'a 4th out');
        assert.is(s.given[3]!.data, 4);
      },
      { max_in_flight: 3 },
    );
  } finally {
    tmp.cleanup();
  }
});

test('a failed event is sent again after redeliver_after_ms, with those after it, in order', async () => {
  const tmp = tmpDir();
  try {
    await run(
      tmp.dir,
      async () => {
        for (let i = 1; i <= 3; i++) sources.get('src')!.send(i);
        const s = sinks.get('out')!;
        await until(() => s.given.length === 3, () => '3 out');
        s.ctx.delivered(s.given[0]!);
        s.ctx.delivered(s.given[1]!, 'out: connection lost');
        s.ctx.delivered(s.given[2]!, 'out: connection lost');
        await sleep(5);
        assert.is(s.given.length, 3, 'waits before sending again');
        await until(() => s.given.length === 5, () => 'sent again');
        assert.equal(s.given.map((e) => e.data), [1, 2, 3, 2, 3]);
      },
      { redeliver_after_ms: 40 },
    );
  } finally {
    tmp.cleanup();
  }
});

test('when full with when_full "fail", new events go to err and are failed upstream', async () => {
  const tmp = tmpDir();
  try {
    await run(
      tmp.dir,
      async (f) => {
        const { send, outcomes } = sources.get('src')!;
        send('a'.repeat(100));
        send('b');
        const err = await f.next('log', 'err');
        assert.is((err.data as { code: string }).code, 'ERR_QUEUE_FULL');
        assert.match((err.data as { error: string }).error, new RegExp(`^log: the log in ${tmp.dir} is full \\(\\d+ bytes unacknowledged, max_bytes = 100\\); event not written$`));
        assert.match(outcomes.join('\n'), /fail "b": log: the log in .* is full/);
      },
      { max_bytes: 100, when_full: 'fail' },
    );
  } finally {
    tmp.cleanup();
  }
});

test('when full with when_full "pause", the sources feeding it are paused until acknowledgements make room', async () => {
  const tmp = tmpDir();
  try {
    await run(
      tmp.dir,
      async (f) => {
        const src = f.flow.connector('src');
        sources.get('src')!.send('a'.repeat(100));
        assert.ok(f.flow.flowControl.isPaused({ connector: src.id, stream: 0 }));
        await until(() => sinks.get('out')!.given.length === 1, () => 'out');
        ackAll();
        await until(() => !f.flow.flowControl.isPaused({ connector: src.id, stream: 0 }), () => 'resumed');
      },
      { max_bytes: 100 },
    );
  } finally {
    tmp.cleanup();
  }
});

test.run();
