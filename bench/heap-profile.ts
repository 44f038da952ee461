/**
 * The memory profile behind scenario 4: for tremolo's echo server and the bare `ws` server, a heap
 * snapshot with 100 idle connections and another with N more (the load generator holds still for
 * each), compared by constructor per connection. Printed, and written to
 * bench/results/<date>-heap-idle.txt.
 *
 *   node --import tsx bench/heap-profile.ts [--connections 2000] [--top 20] [--shapes]
 *
 * --shapes tells plain objects apart by their property names.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatGrowth, growth, tally } from './heapsnapshot-summary.js';
import { CORES, jsonResult } from './harness/processes.js';
import type { Side } from './harness/rounds.js';
import { BENCH, installTremolo, startReference, startScript, startTremolo, type Server } from './harness/tremolo.js';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '2000' }, top: { type: 'string', default: '20' }, shapes: { type: 'boolean', default: false } } });
const connections = Number(values.connections);
const install = installTremolo(true);

/** Signals the server to write a heap snapshot and waits (bounded) until the file is complete. */
async function snapshot(server: Server, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(server.pid, 'SIGUSR2');
  const deadline = performance.now() + 180_000;
  let last = -1;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file === undefined) continue;
    const size = statSync(path.join(dir, file)).size;
    // The server writes it synchronously; a size that stopped growing is a finished file.
    if (size > 0 && size === last) return path.join(dir, file);
    last = size;
  }
  throw new Error(`${server.child.name}: no heap snapshot within 180 s`);
}

async function profile(side: Side): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-heap-'));
  // Snapshots are tens of MB each: they go with the process.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const nodeArgs = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`];
  const server = side === 'tremolo' ? await startTremolo(install, 'flows/bench-echo.json5', CORES?.server, nodeArgs) : await startReference('servers/ws-echo.ts', CORES?.server, nodeArgs);
  try {
    const args = ['idle', '--url', server.url, '--pid', String(server.pid), '--connections', String(connections), '--warm-connections', '100', '--concurrency', '100', '--settle-ms', '1500', '--pauses', '--timeout-ms', '600000'];
    const load = startScript('loadgen', 'loadgen.ts', args, CORES?.load);
    await load.waitFor(/^baseline$/, 60_000, 'stderr');
    const base = await snapshot(server, dir);
    load.send('go');
    await load.waitFor(/^loaded$/, 180_000, 'stderr');
    const loaded = await snapshot(server, dir);
    load.send('go');
    const result = await jsonResult(load, 60_000);
    const g = growth(tally(base, values.shapes), tally(loaded, values.shapes), connections);
    return [`== ${side}: ${side === 'tremolo' ? 'flows/bench-echo.json5' : 'bench/servers/ws-echo.ts'}`, `RSS per connection ${((result.rssPerConnection as number) / 1024).toFixed(1)} KiB (this run)`, formatGrowth(g, Number(values.top))].join('\n');
  } finally {
    await server.child.stop(6000);
  }
}

const parts = [`heap growth per idle connection, ${connections} connections over a baseline of 100`];
for (const side of ['tremolo', 'reference'] as const) parts.push(await profile(side));
const text = `${parts.join('\n\n')}\n`;
process.stdout.write(text);
const out = path.join(BENCH, 'results', `${new Date().toISOString().slice(0, 10)}-heap-idle.txt`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, text);
process.stdout.write(`written ${path.relative(process.cwd(), out)}\n`);
