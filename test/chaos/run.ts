/**
 * The chaos suite (npm run test:chaos; npm test runs it too): each scenario holds a load, injects
 * faults, and counts what was sent, delivered and reported. Prints a table and, as the last line,
 * "N passed, N failed" (one per scenario). Run with node --expose-gc (the leak check needs it).
 */
import { atLeastOnce } from './at-least-once.js';
import { cycles } from './cycles.js';
import { fuzz } from './fuzz.js';
import { hostile } from './hostile.js';
import type { ScenarioName } from './names.js';
import { restarts } from './restarts.js';
import type { Scenario, ScenarioResult } from './scenario.js';

const byName: Record<ScenarioName, Scenario> = { restarts, 'at-least-once': atLeastOnce, cycles, hostile, fuzz };
const scenarios = Object.entries(byName);
// A file's name (names.ts) or words of a scenario's title.
const only = process.argv.slice(2);
const rows: [string, ScenarioResult | undefined, string[]][] = [];

const chosen = scenarios.filter(([key, x]) => only.length === 0 || only.some((o) => o === key || x.name.includes(o)));
if (chosen.length === 0) {
  process.stdout.write(`no scenario matches ${only.map((o) => JSON.stringify(o)).join(', ')}; the scenarios: ${Object.keys(byName).join(', ')}\n0 passed, 1 failed\n`);
  process.exit(1);
}
for (const [, s] of chosen) {
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
