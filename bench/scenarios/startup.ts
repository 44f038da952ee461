/**
 * Scenario 8, startup: how long a user waits for `tremolo --version`, `tremolo --help` and a
 * small flow (flows/echo.json5) to listen, from the process being spawned to the line printed,
 * on the installed path (bin/tremolo.js → dist/, as npm installs it). The reference is a bare
 * Node.js script doing the least the same job takes (printing a version read from package.json;
 * loading `ws` and listening), so the ratio is what tremolo adds to Node.js starting. Both sides
 * on the same core, one process at a time; each measurement is the median of several spawns, in
 * wall time and in the CPU time the process used until then.
 * The goals are absolute (under 0.3 s, and under 1 s for the flow): BENCHMARKS.md
 * records the figures with the machine they were taken on.
 */
import path from 'node:path';
import { cpuMicros } from '../harness/proc-stats.js';
import { CORES, start } from '../harness/processes.js';
import type { Sample, Scenario, Side } from '../harness/rounds.js';
import { median } from '../harness/report.js';
import { BENCH } from '../harness/tremolo.js';
import type { Context } from './common.js';

type CaseId = 'version' | 'help' | 'listen';

const CPU_AT_EXIT = path.join(BENCH, 'servers/cpu-at-exit.mjs');

/**
 * One spawn: milliseconds until its output says it is done (exit, or a listening line), and the
 * CPU time it used until then, which a busy machine inflates much less than the wall time.
 */
async function once(command: string[], cwd: string, until: 'exit' | RegExp): Promise<{ ms: number; cpuMs: number }> {
  const began = performance.now();
  const args = until === 'exit' ? ['--import', CPU_AT_EXIT, ...command] : command;
  const child = start(path.basename(command[0]!), process.execPath, args, { core: CORES?.server, cwd });
  if (until === 'exit') {
    const code = await child.exited;
    const ms = performance.now() - began;
    if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}:\n${child.stderr.join('\n')}`);
    const cpu = Number(/^cpu-us (\d+)$/m.exec(child.stderr.join('\n'))?.[1] ?? NaN);
    return { ms, cpuMs: cpu / 1000 };
  }
  try {
    await child.waitFor(until, 30_000, 'stderr');
    return { ms: performance.now() - began, cpuMs: cpuMicros(child.pid) / 1000 };
  } finally {
    await child.stop(5000);
  }
}

export function startup(ctx: Context): Scenario {
  const spawns = ctx.quick ? 5 : 11;
  const bin = ctx.install.bin;
  const commands: Record<Side, Record<CaseId, [string[], 'exit' | RegExp]>> = {
    reference: {
      version: [[path.join(BENCH, 'servers/bare-version.mjs')], 'exit'],
      help: [[path.join(BENCH, 'servers/bare-version.mjs')], 'exit'],
      listen: [[path.join(BENCH, 'servers/bare-listen.mjs')], /listening on ws:/],
    },
    tremolo: {
      version: [[bin, '--version'], 'exit'],
      help: [[bin, '--help'], 'exit'],
      listen: [[bin, 'run', 'flows/echo.json5', '--arg', 'url=ws://127.0.0.1:0'], /listening on ws:/],
    },
  };
  return {
    name: 'startup',
    title: 'Scenario 8, startup',
    reference: 'bare Node.js scripts (bench/servers/bare-version.mjs, bare-listen.mjs: ws listening)',
    tremolo: 'bin/tremolo.js --version, --help, run flows/echo.json5 (until it logs "listening")',
    cases: [
      { id: 'version', title: 'tremolo --version' },
      { id: 'help', title: 'tremolo --help' },
      { id: 'listen', title: 'a small flow listening' },
    ],
    metrics: [
      { key: 'ms', label: `wall, median of ${spawns}`, unit: 'ms', better: 'lower' },
      { key: 'minMs', label: `wall, fastest of ${spawns}`, unit: 'ms', better: 'lower' },
      { key: 'cpuMs', label: `CPU, median of ${spawns}`, unit: 'ms', better: 'lower' },
    ],
    concurrentSessions: false,
    async open(side) {
      return {
        async measure(caseId): Promise<Sample> {
          const [command, until] = commands[side][caseId as CaseId];
          // The first spawn warms the page cache for both sides alike, and is not counted.
          await once(command, ctx.install.root, until);
          const runs: { ms: number; cpuMs: number }[] = [];
          for (let i = 0; i < spawns; i++) runs.push(await once(command, ctx.install.root, until));
          const times = runs.map((r) => r.ms);
          return { ms: median(times), minMs: Math.min(...times), cpuMs: median(runs.map((r) => r.cpuMs)) };
        },
        close: async () => {},
      };
    },
  };
}
