/**
 * Profiles the servers under the load of a scenario: `node --cpu-prof` on the tremolo server and on
 * the reference (pinned as in the suite), the load generator on the other core, then a summary of
 * the measured phase only (start-up and warm-up left out): top functions by self and total time,
 * mapped back to src/ through dist's source maps, self time by area, each also in µs per message,
 * so that the two servers' costs can be set side by side. Printed, and written to
 * bench/results/<date>-profile-<case>.txt; the raw .cpuprofile files are kept with --keep DIR
 * (they open in Chrome DevTools).
 *
 *   node --import tsx bench/profile.ts [echo | echo-4k | echo-w1 | work | work-4k | fanout]... [--seconds 10] [--top 15] [--keep DIR]
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { format, summarise } from './cpuprofile-summary.js';
import { loadAverage } from './harness/proc-stats.js';
import { CORES } from './harness/processes.js';
import type { Side } from './harness/rounds.js';
import { BENCH, installTremolo, startReference, startTremolo } from './harness/tremolo.js';
import { loadgen } from './scenarios/common.js';

interface Case {
  readonly flow: string;
  readonly reference: string;
  readonly mode: string;
  readonly args: (string | number)[];
}

const CASES: Record<string, Case> = {
  echo: { flow: 'flows/bench-echo.json5', reference: 'servers/ws-echo.ts', mode: 'echo', args: ['--clients', 50, '--window', 32, '--size', 64, '--format', 'binary'] },
  'echo-4k': { flow: 'flows/bench-echo.json5', reference: 'servers/ws-echo.ts', mode: 'echo', args: ['--clients', 50, '--window', 32, '--size', 4096, '--format', 'binary'] },
  'echo-w1': { flow: 'flows/bench-echo.json5', reference: 'servers/ws-echo.ts', mode: 'echo', args: ['--clients', 50, '--window', 1, '--size', 64, '--format', 'binary'] },
  work: { flow: 'flows/echo.json5', reference: 'servers/ws-json-lines.ts', mode: 'echo', args: ['--clients', 50, '--window', 32, '--size', 128, '--format', 'json'] },
  'work-4k': { flow: 'flows/echo.json5', reference: 'servers/ws-json-lines.ts', mode: 'echo', args: ['--clients', 50, '--window', 32, '--size', 4096, '--format', 'json'] },
  fanout: { flow: 'flows/chat.json5', reference: 'servers/ws-broadcast.ts', mode: 'fanout', args: ['--subscribers', 1000, '--window', 4, '--size', 64] },
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '10' }, keep: { type: 'string' }, top: { type: 'string', default: '15' } },
});
const names = positionals.length === 0 ? ['echo', 'work'] : positionals;
for (const n of names) if (!(n in CASES)) throw new Error(`unknown case ${n}; known: ${Object.keys(CASES).join(', ')}`);
const seconds = Number(values.seconds);
const WARMUP_MS = 2000;
const install = installTremolo(true);

interface Profiled {
  readonly text: string;
  /** Self time per area in µs per message. */
  readonly areas: Map<string, number>;
  readonly busyPerMessage: number;
}

async function profile(name: string, c: Case, side: Side): Promise<Profiled> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-prof-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250'];
  const spawned = performance.now();
  const server = side === 'tremolo' ? await startTremolo(install, c.flow, CORES?.server, nodeArgs) : await startReference(c.reference, CORES?.server, nodeArgs);
  const loadStarted = performance.now();
  const result = await loadgen(c.mode, server, [...c.args, '--warmup-ms', WARMUP_MS, '--duration-ms', seconds * 1000], seconds * 1000 + 60_000);
  // The reference servers exit at once on SIGTERM; process.exit still writes the profile.
  await server.child.stop(15_000);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${dir}`);
  // The measured phase, with a margin for the load generator's own start-up and connections.
  const fromMs = loadStarted - spawned + WARMUP_MS + 1000;
  const window = { fromMs, toMs: fromMs + seconds * 1000 - 1500 };
  const summary = summarise(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), Number(values.top), window);
  const rate = result.messagesPerSecond ?? NaN;
  if (values.keep !== undefined) {
    mkdirSync(values.keep, { recursive: true });
    copyFileSync(path.join(dir, file), path.join(values.keep, `${name}-${side}.cpuprofile`));
  }
  const messages = Math.round((rate * (window.toMs - window.fromMs)) / 1000);
  const text = [
    `== ${side}: ${side === 'tremolo' ? c.flow : `bench/${c.reference}`}`,
    `${Math.round(rate)} msg/s, server CPU ${(result.serverCpuUsPerMessage ?? NaN).toFixed(2)} µs/msg (from /proc); profile window ${((window.toMs - window.fromMs) / 1000).toFixed(1)} s`,
    format(summary, messages),
  ].join('\n');
  return { text, areas: new Map(summary.byArea.map((a) => [a.name, (a.ms * 1000) / messages])), busyPerMessage: (summary.busyMs * 1000) / messages };
}

/** Both servers' self time by area, per message, and what tremolo spends beyond the reference. */
function compare(mine: Profiled, theirs: Profiled): string {
  const names = [...new Set([...mine.areas.keys(), ...theirs.areas.keys()])];
  const rows = names
    .map((n) => ({ n, a: mine.areas.get(n) ?? 0, b: theirs.areas.get(n) ?? 0 }))
    .sort((x, y) => Math.abs(y.a - y.b) - Math.abs(x.a - x.b));
  const f = (v: number): string => v.toFixed(3).padStart(7);
  return [
    '== by area, µs per message: tremolo, reference, difference (largest differences first)',
    ...rows.map((r) => `${f(r.a)}  ${f(r.b)}  ${(r.a - r.b >= 0 ? '+' : '') + (r.a - r.b).toFixed(3)}  ${r.n}`),
    `${f(mine.busyPerMessage)}  ${f(theirs.busyPerMessage)}  ${(mine.busyPerMessage - theirs.busyPerMessage >= 0 ? '+' : '') + (mine.busyPerMessage - theirs.busyPerMessage).toFixed(3)}  busy in all`,
  ].join('\n');
}

for (const name of names) {
  const c = CASES[name]!;
  const parts = [
    `profile of case ${name}: load generator ${c.mode} ${c.args.join(' ')}, ${seconds} s measured`,
    `tremolo ${install.commit}${install.dirty.length > 0 ? ` + ${install.dirty.length} changed files` : ''}; load average ${loadAverage().toFixed(2)} at the start`,
  ];
  // Sampling costs each side about the same; the difference of the two is what to read, not the absolutes.
  const mine = await profile(name, c, 'tremolo');
  const theirs = await profile(name, c, 'reference');
  parts.push(mine.text, theirs.text, compare(mine, theirs));
  const text = `${parts.join('\n\n')}\n`;
  process.stdout.write(`\n${text}`);
  const out = path.join(BENCH, 'results', `${new Date().toISOString().slice(0, 10)}-profile-${name}.txt`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`written ${path.relative(process.cwd(), out)}\n`);
}
