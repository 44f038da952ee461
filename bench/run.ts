/**
 * Runs every benchmark scenario in sequence, each in its own Node.js process so that one's JIT
 * state and garbage do not colour the next. Add a scenario by adding its script to the list.
 * Run: npm run bench
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SCENARIOS = ['codecs.ts', 'pipeline.ts'];

let failed = 0;
for (const script of SCENARIOS) {
  process.stdout.write(`\n== ${script}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`${script} exited with ${result.status ?? result.signal}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
