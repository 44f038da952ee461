/**
 * Scenario 6, the micro-benchmarks of issues 3 and 4, run as they are (each in its own process,
 * pinned to one core): bench/codecs.ts (tremolo's codecs against the libraries under them) and
 * bench/pipeline.ts (a tremolo pipeline against a hand-written loop). Their own output is shown
 * whole; the summary keeps the line each ends with.
 */
import { CORES } from '../harness/processes.js';
import { startScript } from '../harness/tremolo.js';

export interface MicroResult {
  readonly script: string;
  readonly output: string[];
  readonly summary: string;
  readonly ok: boolean;
}

export async function runMicro(quick: boolean, print: (line: string) => void): Promise<MicroResult[]> {
  const env: Record<string, string> = quick ? { BENCH_ROUNDS: '3', BENCH_EVENTS: '300000' } : {};
  const results: MicroResult[] = [];
  for (const script of ['codecs.ts', 'pipeline.ts', 'scenarios/transactions.ts']) {
    print(`-- bench/${script}`);
    const child = startScript(script, script, [], CORES?.load, env);
    // Bounded: either finishes in well under two minutes on this kind of machine.
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 180_000);
    const code = await child.exited;
    clearTimeout(timer);
    for (const line of child.stdout) print(`   ${line}`);
    const summary = child.stdout.filter((l) => l.trim() !== '').at(-1) ?? '(no output)';
    results.push({ script, output: child.stdout, summary, ok: code === 0 });
    if (code !== 0) print(`   exited with ${code}: ${child.stderr.slice(-5).join('\n   ')}`);
  }
  return results;
}
