import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { startFlow } from '../../../../src/app/testing/index.js';
import { LatencyHistogram } from '../../../../src/kinds/bench/latency-histogram.js';
import { runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-bench-');
test.after(() => tmp.cleanup());

const lines = '{"n":1}\n{"n":2}\r\n{"n":3}';

test('bench replays each line of its file through the codec, iters times, then finishes', async () => {
  const flow = await startFlow({
    connectors: { bench: { type: 'bench', codec: 'json', config: { path: tmp.write('in.json', lines), iters: 2 } }, sink: { type: 'null' } },
    links: [['bench', 'sink']],
  });
  try {
    const events = await flow.collect('bench', 'out', 6, { timeout: 3000 });
    assert.equal(events.map((e) => e.data), [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 1 }, { n: 2 }, { n: 3 }]);
    assert.equal(await flow.flow.finished, { gaveUp: false, sources: ['bench'] });
    assert.is(flow.seen('bench', 'out').length, 6);
  } finally {
    await flow.stop();
  }
});

test('bench keeps its interval (nanoseconds) between events', async () => {
  const flow = await startFlow({ connectors: { bench: { type: 'bench', codec: 'json', config: { path: tmp.write('in.json', lines), iters: 1, interval: 40_000_000 } } } });
  try {
    const events = await flow.collect('bench', 'out', 3, { timeout: 3000 });
    const spanMs = Number(events[2]!.ingestNs - events[0]!.ingestNs) / 1e6;
    assert.ok(spanMs >= 75, `three events 40 ms apart span at least 80 ms, measured ${spanMs.toFixed(1)} ms`);
  } finally {
    await flow.stop();
  }
});

test('bench reads chunks instead of lines, base64 decoded, and xz-compressed files', async () => {
  const b64 = tmp.write('in.b64', `${Buffer.from('"ab"').toString('base64')}\n${Buffer.from('"cd"').toString('base64')}\n`);
  const xz = `${tmp.dir}/in.json.xz`;
  tmp.write('plain.json', '[1]\n[2]\n');
  execFileSync('sh', ['-c', `xz --stdout ${tmp.dir}/plain.json > ${xz}`]);
  const flow = await startFlow({
    connectors: {
      b64: { type: 'bench', codec: 'json', config: { path: b64, iters: 1, base64: true } },
      chunks: { type: 'bench', codec: 'string', config: { path: tmp.write('chunks.txt', 'abcdefg'), iters: 1, chunk_size: 3 } },
      xz: { type: 'bench', codec: 'json', config: { path: xz, iters: 1 } },
    },
  });
  try {
    assert.equal((await flow.collect('b64', 'out', 2, { timeout: 3000 })).map((e) => e.data), ['ab', 'cd']);
    assert.equal((await flow.collect('chunks', 'out', 3, { timeout: 3000 })).map((e) => e.data), ['abc', 'def', 'g']);
    assert.equal((await flow.collect('xz', 'out', 2, { timeout: 3000 })).map((e) => e.data), [[1], [2]]);
  } finally {
    await flow.stop();
  }
});

test('a bench file that is missing or empty fails the deployment with the reason', async () => {
  const missing = await startFlow({ connectors: { bench: { type: 'bench', config: { path: `${tmp.dir}/nope.json`, iters: 1 } } } }).catch((e: Error) => e);
  assert.ok((missing as Error).message.includes(`bench: cannot read "${tmp.dir}/nope.json": ENOENT`), (missing as Error).message);
  const empty = await startFlow({ connectors: { bench: { type: 'bench', config: { path: tmp.write('empty.json', ''), iters: 1 } } } }).catch((e: Error) => e);
  assert.ok((empty as Error).message.includes(`bench: "${tmp.dir}/empty.json" is empty: nothing to replay`), (empty as Error).message);
});

test('events that come back to bench are measured; once all have, it prints the summary and the run exits 0', async () => {
  const flow = tmp.write(
    'bench.json5',
    JSON.stringify({
      connectors: { bench: { type: 'bench', codec: 'json', config: { path: tmp.write('loop.json', lines), iters: 100 } } },
      pipelines: { through: { operators: {}, links: [['in', 'out']] } },
      links: [['bench', 'through'], ['through', 'bench']],
    }),
  );
  const text = await runCli(['run', flow], { timeoutMs: 20_000 });
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ {5}Value Percentile TotalCount 1\/\(1-Percentile\)\n\n/);
  assert.match(text.stdout, /#\[Max {8}= +\d+, Total count {4}= +300\]/);
  assert.match(text.stdout, /\n {0,12}\d+ 1\.00000 +300 +inf\n/);
  assert.match(text.stdout, /Throughput \(events\): [\d.]+k events\/s\n$/);

  const json = tmp.write('bench-json.json5', (await import('node:fs')).readFileSync(flow, 'utf8').replace('"iters":100', '"iters":100,"structured":true'));
  const structured = await runCli(['run', json], { timeoutMs: 20_000 });
  assert.is(structured.code, 0, structured.stderr);
  const summary = JSON.parse(structured.stdout) as { count: number; bytes: number; quantiles: { quantile_to: number; count: number }[] };
  assert.is(summary.count, 300);
  assert.is(summary.bytes, 300 * 7);
  assert.equal(summary.quantiles.at(-1)!.quantile_to, 1);
  assert.is(summary.quantiles.at(-1)!.count, 300);
});

test('the latency histogram keeps values to their significant figures and reports Tremor’s quantile rows', () => {
  const h = new LatencyHistogram(2);
  for (let v = 1; v <= 100; v++) h.record(v * 1000);
  assert.is(h.count, 100);
  assert.is(h.max, 100_000);
  assert.is(h.mean, 50_500);
  assert.equal(h.quantiles(2).slice(0, 4).map((r) => r.quantile), [0, 0.25, 0.5, 0.625]);
  assert.equal(h.quantiles(2).slice(0, 4).map((r) => [r.value, r.count]), [[1000, 1], [25000, 25], [50000, 50], [63000, 63]]);
  const last = h.quantiles(2).at(-1)!;
  assert.equal([last.quantile, last.value, last.count], [1, 100_000, 100]);
  h.record(123_456);
  assert.is(h.quantiles(2).at(-1)!.value, 120_000);
});

test.run();
