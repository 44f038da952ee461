/**
 * What the network scenarios share: the run's settings, a session that is one server process
 * measured by the load generator, and the metrics every echo-like result has.
 */
import { CORES, jsonResult } from '../harness/processes.js';
import type { MetricSpec, Sample, Session } from '../harness/rounds.js';
import { startScript, type Install, type Server } from '../harness/tremolo.js';

export interface Context {
  readonly install: Install;
  readonly quick: boolean;
}

/** Runs the load generator (on the other core) against a server; its JSON result as a sample. */
export async function loadgen(mode: string, server: Server, args: (string | number)[], timeoutMs: number): Promise<Sample> {
  if (server.child.process.exitCode !== null) throw new Error(`${server.child.name} exited before the measurement:\n${server.child.stderr.slice(-10).join('\n')}`);
  const child = startScript('loadgen', 'loadgen.ts', [mode, '--url', server.url, '--pid', String(server.pid), '--timeout-ms', String(timeoutMs), ...args.map(String)], CORES?.load);
  const result = await jsonResult(child, timeoutMs + 5000);
  const sample: Sample = {};
  for (const [k, v] of Object.entries(result)) if (typeof v === 'number') sample[k] = v;
  // Everything that means a message went astray, in one number that must stay 0.
  sample.errors = (sample.lost ?? 0) + (sample.outOfOrder ?? 0) + (sample.malformed ?? 0) + (sample.closedEarly ?? 0);
  if (server.child.process.exitCode !== null) throw new Error(`${server.child.name} exited during the measurement:\n${server.child.stderr.slice(-10).join('\n')}`);
  return sample;
}

/** A session whose every case is one load generator run against one server process. */
export function serverSession(server: Server, measure: (caseId: string, server: Server) => Promise<Sample>): Session {
  return {
    measure: (caseId) => measure(caseId, server),
    close: async () => {
      await server.child.stop(6000);
    },
  };
}

export const THROUGHPUT: MetricSpec = { key: 'messagesPerSecond', label: 'throughput', unit: 'msg/s', better: 'higher' };
export const CPU_PER_MESSAGE: MetricSpec = { key: 'serverCpuUsPerMessage', label: 'server CPU/msg', unit: 'µs', better: 'lower' };
export const P50: MetricSpec = { key: 'p50Us', label: 'p50', unit: 'µs', better: 'lower' };
export const P99: MetricSpec = { key: 'p99Us', label: 'p99', unit: 'µs', better: 'lower' };
export const SERVER_UTIL: MetricSpec = { key: 'serverUtil', label: 'server CPU', unit: '%', better: 'lower', scale: 100 };
export const LOADGEN_UTIL: MetricSpec = { key: 'loadgenUtil', label: 'loadgen CPU', unit: '%', better: 'lower', scale: 100 };
export const PEAK_RSS: MetricSpec = { key: 'serverPeakRss', label: 'server peak RSS', unit: 'MiB', better: 'lower', scale: 1 / 1048576 };
export const ERRORS: MetricSpec = { key: 'errors', label: 'lost/reordered', unit: '', better: 'lower', mustBeZero: true };
