/**
 * The benchmark suite of issue 7: every scenario measures a reference and tremolo back to back, in
 * rounds (A B, then B A; 5 for the echo scenarios, 3 for the others), server and load generator
 * pinned to different cores, and prints medians, ratios and verdicts; results also go to
 * bench/results/<date>-<scenario>.json (-quick.json with --quick). Nothing here runs in `npm test`.
 *
 *   npm run bench                          every scenario (under 10 minutes)
 *   npm run bench -- --quick               2 rounds, smaller counts (about 3 minutes)
 *   npm run bench -- echo work             some scenarios: echo work fanout fanout-nats idle reconnect startup micro
 *                                          gateway (with ouistiti's gateway as reference, when shared/peers/ouistiti is there)
 *   npm run bench -- --rounds 5 --no-write --strict (exit 1 when a target is missed)
 *   npm run bench -- --wait-quiet          first wait (up to 10 minutes) for a load average below 1
 *
 * Profiles of the tremolo server under load: node --import tsx bench/profile.ts (see there).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, machine } from './harness/machine.js';
import { loadAverage } from './harness/proc-stats.js';
import { CORES, interrupted } from './harness/processes.js';
import { summarise, table, writeResults, type Row } from './harness/report.js';
import { runRounds, type Scenario } from './harness/rounds.js';
import { BENCH, installTremolo, type Install } from './harness/tremolo.js';
import type { Context } from './scenarios/common.js';
import { echoOverhead } from './scenarios/echo-overhead.js';
import { echoWork } from './scenarios/echo-work.js';
import { fanout } from './scenarios/fanout.js';
import { fanoutNats } from './scenarios/fanout-nats.js';
import { idle } from './scenarios/idle.js';
import { runMicro } from './scenarios/micro.js';
import { reconnectStorm } from './scenarios/reconnect.js';
import { startup } from './scenarios/startup.js';
import { gatewayScenario } from './scenarios/gateway.js';
import { ouistitiPeer } from '../test/support/ouistiti-peer.js';

// The gateway scenario's reference is ouistiti's own gateway, outside the repository: it runs when
// that peer is there, and asking for it without the peer is an error rather than a silent skip.
const OUISTITI = ouistitiPeer();
const NETWORK: Record<string, (ctx: Context) => Scenario> = { echo: echoOverhead, work: echoWork, fanout, 'fanout-nats': fanoutNats, idle, reconnect: reconnectStorm, startup };
if (OUISTITI !== undefined) NETWORK.gateway = (ctx) => gatewayScenario(ctx, OUISTITI);
const ALL = [...Object.keys(NETWORK), 'micro'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    'wait-quiet': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`npm run bench -- [--quick] [--rounds N] [--no-build] [--no-write] [--strict] [--wait-quiet] [${ALL.join('|')}]...\n`);
  process.exit(0);
}
const unknown = positionals.filter((p) => !ALL.includes(p));
if (unknown.includes('gateway')) {
  process.stderr.write("gateway: its reference is ouistiti's gateway, and the peer is missing (set OUISTITI_PEER to shared/peers/ouistiti)\n");
  process.exit(2);
}
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${ALL.join(', ')}\n`);
  process.exit(2);
}
const selected = positionals.length === 0 ? ALL : ALL.filter((s) => positionals.includes(s));
const quick = values.quick;
const roundsOf = (scenario?: Scenario): number => (values.rounds === undefined ? (scenario?.rounds ?? (quick ? 2 : 3)) : Math.max(1, Number(values.rounds)));
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const began = performance.now();
const date = new Date().toISOString().slice(0, 10);
const resultFile = (name: string): string => path.join(BENCH, 'results', `${date}-${name}${quick ? '-quick' : ''}.json`);

if (values['wait-quiet']) {
  const until = performance.now() + 600_000;
  while (loadAverage() >= 1 && performance.now() < until) {
    process.stdout.write(`waiting for a quiet machine: load average ${loadAverage().toFixed(2)}\n`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
}

const host = machine();
out(`tremolo benchmarks${quick ? ' (quick)' : ''}: ${selected.join(', ')}`);
out(`machine: ${describeMachine(host)}`);
out(CORES === undefined ? 'one core: server and load generator are not pinned' : `server on core ${CORES.server}, load generator on core ${CORES.load} (taskset)`);
if (OUISTITI === undefined && positionals.length === 0) out("gateway: not run: its reference, ouistiti's gateway (shared/peers/ouistiti, or OUISTITI_PEER), is missing");
if (loadAverage() > 1) out(`note: the load average is ${loadAverage().toFixed(2)}; other work on the machine widens the spread`);

let install: Install | undefined;
if (selected.some((s) => s in NETWORK)) {
  install = installTremolo(!values['no-build']);
  out(`tremolo: ${install.commit}${install.dirty.length > 0 ? ` + ${install.dirty.length} changed files` : ''}, ${values['no-build'] ? 'dist/ as it is' : 'built from the working tree'}`);
  if (install.buildWarnings !== '') out(`build warnings (measured anyway):\n${install.buildWarnings}`);
}

const missed: string[] = [];
const notes: string[] = [];
let failures = 0;
for (const name of selected) {
  if (interrupted() !== undefined) break;
  const t0 = performance.now();
  const loadBefore = loadAverage();
  out('');
  if (name === 'micro') {
    out('Scenario 6, codec and pipeline micro-benchmarks (bench/codecs.ts, bench/pipeline.ts, as they are)');
    const micro = await runMicro(quick, out);
    if (micro.some((m) => !m.ok)) failures++;
    for (const m of micro) notes.push(`${m.script}: ${m.summary.trim()}`);
    if (!values['no-write']) writeResults(resultFile('micro'), { scenario: 'micro', date, quick, machine: host, loadBefore, loadAfter: loadAverage(), micro }, []);
    continue;
  }
  const scenario = NETWORK[name]!({ install: install!, quick });
  const rounds = roundsOf(scenario);
  out(`${scenario.title}...`);
  let rows: Row[];
  try {
    rows = summarise(scenario, await runRounds(scenario, rounds, out));
  } catch (err) {
    if (interrupted() !== undefined) break;
    failures++;
    out(`${scenario.title} failed: ${err instanceof Error ? err.message : String(err)}`);
    continue;
  }
  const seconds = (performance.now() - t0) / 1000;
  out('');
  out(table(scenario, rows, rounds));
  out(`(${seconds.toFixed(0)} s, load average ${loadBefore.toFixed(2)} → ${loadAverage().toFixed(2)})`);
  for (const r of rows) if (r.verdict === 'FAIL') missed.push(`${scenario.name}: ${r.case}, ${r.metric}${Number.isFinite(r.ratio) ? ` ${r.ratio.toFixed(2)} (target ${r.target})` : ''}`);
  if (!values['no-write']) {
    const file = resultFile(name);
    writeResults(file, {
      scenario: name,
      title: scenario.title,
      date,
      quick,
      rounds,
      machine: host,
      cores: CORES ?? null,
      tremolo: { commit: install!.commit, changedFiles: install!.dirty },
      reference: scenario.reference,
      tremoloSide: scenario.tremolo,
      seconds: Math.round(seconds),
      loadBefore,
      loadAfter: loadAverage(),
    }, rows);
    out(`written ${path.relative(process.cwd(), file)}`);
  }
}

if (interrupted() !== undefined) {
  out(`interrupted by ${interrupted()}: no verdict`);
  process.exit(130);
}
out('');
out(`done in ${((performance.now() - began) / 1000).toFixed(0)} s; load average now ${loadAverage().toFixed(2)}`);
out(missed.length === 0 ? 'every target met' : `targets missed:\n  ${missed.join('\n  ')}`);
if (notes.length > 0) out(`micro-benchmarks (their own goals, issues 3 and 4):\n  ${notes.join('\n  ')}`);
process.exitCode = failures > 0 || (values.strict && missed.length > 0) ? 1 : 0;
