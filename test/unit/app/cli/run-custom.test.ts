import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, runCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';

// How `tremolo run` ends on its own, continued: connectors written outside tremolo,
// which finish or not (docs/exits-and-client.md). Apart from run-exits.test.ts so that each
// file stays well inside the runner's time bound on a loaded machine.
const tmp = tmpDir();
test.after(() => tmp.cleanup());

const STOPPED = /INFO {2}\[\w[\w-]*\] stopped\n$/;

test("the README's custom connector, a sequence that ends, ends its run with 0", async () => {
  const flow = tmp.write(
    'sequence.json5',
    `{ use: ['std', ${JSON.stringify(path.join(repoRoot, 'connectors/sequence.ts'))}],
       connectors: { numbers: { type: 'sequence', config: { count: 3 } }, out: { from: 'std::write_file', args: { file: 'seq.log' } } },
       pipelines: { strip: { operators: [{ op: 'map', config: { event: 'event.seq' } }] } },
       links: [['numbers', 'strip'], ['strip', 'out']] }`,
  );
  const r = await runCli(['run', flow], { cwd: tmp.dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(path.join(tmp.dir, 'seq.log'), 'utf8'), '1\n2\n3\n');
  assert.match(r.stderr, /finished: every source has \(numbers\)/);
});

test('a connector that ends without saying it finished still ends the run with 0, once nothing is left to run', async () => {
  const connector = tmp.write(
    'quiet.ts',
    `import { defineConnector } from ${JSON.stringify(path.join(repoRoot, 'src/index.ts'))};
import { z } from ${JSON.stringify(import.meta.resolve('zod'))};
export const quiet = defineConnector({
  kind: 'quiet', description: 'two events, then its stream ends; no ctx.finished()', config: z.strictObject({}), codec: 'structured',
  ports: { in: [], out: ['out', 'err'] },
  create(_config, ctx) {
    return { run() { const s = ctx.openStream(ctx.meta({})); setTimeout(() => { s.pushValue(1); s.pushValue(2); s.end(); }, 10); } };
  },
});
`,
  );
  const flow = tmp.write(
    'quiet.json5',
    `{ use: ['std', './quiet.ts'], connectors: { q: { type: 'quiet' }, out: { from: 'std::write_file', args: { file: 'quiet.log' } } }, links: [['q', 'out']] }`,
  );
  const r = await runCli(['run', flow], { cwd: tmp.dir });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(path.join(tmp.dir, 'quiet.log'), 'utf8'), '1\n2\n');
  assert.match(r.stderr, /INFO {2}nothing is left to run \(no source reads, no connection or timer is open\); stopping\n/);
  assert.match(r.stderr, STOPPED);
});

test.run();
