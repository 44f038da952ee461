/**
 * Scenario 8, startup: how long a user waits for `tremolo --version`, `tremolo --help` and a
 * small flow (flows/echo.json5) to listen, from the process being spawned to the line printed,
 * on the installed path (bin/tremolo.js → dist/, as npm installs it). The reference is a bare
 * Node.js script doing the least the same job takes (printing a version read from package.json;
 * loading `ws` and listening), so the ratio is what tremolo adds to Node.js starting. Both sides
 * on the same core, one process at a time; each measurement is the median of several spawns.
 * The goals are absolute (under 0.3 s, and under 1 s for the flow): BENCHMARKS.md
 * records the figures with the machine they were taken on.
 */
import path from 'node:path';
import { CORES, start } from '../harness/processes.js';
import type { Sample, Scenario, Side } from '../harness/rounds.js';
import { BENCH } from '../harness/tremolo.js';
import { median } from '../harness/report.js';
import type { Context } from './common.js';

type CaseId = 'version' | 'help' | 'listen';

/** One spawn: milliseconds until its output says it is done (exit, or a listening line). */
async function once(command: string[], cwd: string, until: 'exit' | RegExp): Promise<number> {
  const began = performance.now();
  const child = start(path.basename(command[0]!), process.execPath, command, { core: CORES?.server, cwd });
  if (until === 'exit') {
    const code = await child.exited;
    if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}:\n${child.stderr.join('\n')}`);
    return performance.now() - began;
  }
  try {
    await child.waitFor(until, 30_000, 'stderr');
    return performance.now() - began;
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
    ],
    concurrentSessions: false,
    async open(side) {
      return {
        async measure(caseId): Promise<Sample> {
          const [command, until] = commands[side][caseId as CaseId];
          // The first spawn warms the page cache for both sides alike, and is not counted.
          await once(command, ctx.install.root, until);
          const times: number[] = [];
          for (let i = 0; i < spawns; i++) times.push(await once(command, ctx.install.root, until));
          return { ms: median(times), minMs: Math.min(...times) };
        },
        close: async () => {},
      };
    },
  };
}
