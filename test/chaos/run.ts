/**
 * The chaos suite (npm run test:chaos; npm test runs it too): each scenario holds a load, injects
 * faults, and counts what was sent, delivered and reported. Prints a table and, as the last line,
 * "N passed, N failed" (one per scenario). Run with node --expose-gc (the leak check needs it).
 */
import { atLeastOnce } from './at-least-once.js';
import { cycles } from './cycles.js';
import { fuzz } from './fuzz.js';
import { hostile } from './hostile.js';
import { restarts } from './restarts.js';
import type { Scenario, ScenarioResult } from './scenario.js';

const scenarios: Scenario[] = [restarts, atLeastOnce, cycles, hostile, fuzz];
const only = process.argv.slice(2);
const rows: [string, ScenarioResult | undefined, string[]][] = [];

for (const s of scenarios.filter((x) => only.length === 0 || only.some((o) => x.name.includes(o)))) {
  const started = performance.now();
  process.stdout.write(`… ${s.name}\n`);
  let result: ScenarioResult | undefined;
  let problems: string[];
  try {
    result = await s.run();
    problems = [...result.problems];
  } catch (err) {
    problems = [`crashed: ${(err as Error).stack}`];
  }
  rows.push([s.name, result, problems]);
  process.stdout.write(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${s.name} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  for (const p of problems) process.stdout.write(`    ${p}\n`);
}

const head = ['scenario', 'load held', 'faults injected', 'sent', 'delivered', 'reported', 'duplicates', 'verdict'];
const table = rows.map(([name, r, problems]) => [
  name,
  r?.load ?? '',
  r?.faults ?? '',
  String(r?.sent ?? ''),
  String(r?.delivered ?? ''),
  String(r?.reported ?? ''),
  String(r?.duplicates ?? ''),
  problems.length === 0 ? 'pass' : 'FAIL',
]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(`\n${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.map(line).join('\n')}\n\n`);
const failed = rows.filter(([, , p]) => p.length > 0).length;
process.stdout.write(`${rows.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
// A scenario's leftovers (a socket in TIME_WAIT, a timer) must not keep the suite from ending.
setTimeout(() => process.exit(process.exitCode), 2000).unref();
