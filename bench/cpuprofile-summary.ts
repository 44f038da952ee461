/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, the
 * ones with the most total time (self and everything they call), and self time by where the code
 * lives (tremolo's runtime, connectors, codecs..., ws, rxjs, Node's internals, the collector).
 * Percentages are of the busy time: samples where the process was idle (waiting in epoll) are left
 * out, since an idle server costs nothing.
 *
 *   node --import tsx bench/cpuprofile-summary.ts FILE.cpuprofile [--top 15] [--from-ms A] [--to-ms B] [--json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { original } from './harness/source-map.js';

const REPO = path.resolve(import.meta.dirname, '..');

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface CpuProfile {
  readonly startTime: number;
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface Entry {
  readonly name: string;
  readonly where: string;
  readonly ms: number;
  readonly percent: number;
}

export interface Summary {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly self: Entry[];
  /** Self time of the server's own functions only: what its authors can change. */
  readonly ownSelf: Entry[];
  readonly total: Entry[];
  readonly byArea: Entry[];
}

/** Where a function lives, short: `src/engine/source-stream.ts:42` (through dist's source maps), `ws/lib/sender.js:120`, `node:net:…`. */
function where(frame: CallFrame): string {
  let url = frame.url;
  if (url === '') return '';
  if (url.startsWith('file://')) url = fileURLToPath(url);
  if (url.includes('/dist/')) {
    const source = original(url, frame.lineNumber, frame.columnNumber);
    if (source !== undefined) return path.relative(REPO, source);
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) url = url.slice(nm + 'node_modules/'.length);
  else if (url.includes('/dist/')) url = url.slice(url.lastIndexOf('/dist/') + 1);
  else if (url.startsWith('/')) url = path.relative(process.cwd(), url);
  return `${url}:${frame.lineNumber + 1}`;
}

/** The area a function belongs to, for the breakdown by area. */
function area(frame: CallFrame): string {
  const name = frame.functionName;
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)' || name === '(root)') return 'V8 and native (program)';
  const url = frame.url;
  if (url === '') return 'V8 builtins and native';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return `tremolo ${url.slice(dist + 6).split('/')[0]}/`;
  return 'other';
}

/** Only samples between `fromMs` and `toMs` after the profile began count (the measured phase, not start-up). */
export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The server's own code: tremolo's sources (through the maps), compiled files, pipelines/ and connectors/, or a reference server in bench/. */
const isTremolo = (where: string): boolean => /^(src|dist|pipelines|connectors|bench)\//.test(where);

export function summarise(profile: CpuProfile, top = 15, window: Window = { fromMs: 0, toMs: Infinity }): Summary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const key = (f: CallFrame): string => `${f.functionName || '(anonymous)'}\u0000${where(f)}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    if (at < window.fromMs || at > window.toMs) continue;
    // A sample's time is the delta to the next one (V8's own convention in DevTools).
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    busy += dt;
    self.set(key(node.callFrame), (self.get(key(node.callFrame)) ?? 0) + dt);
    const a = area(node.callFrame);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    // Total time: each function on the stack once, however deep its recursion.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  const entries = (m: Map<string, number>, n: number, skip: (name: string, where: string) => boolean = () => false): Entry[] =>
    [...m]
      .filter(([k]) => !skip(...(k.split('\u0000') as [string, string])))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, ms]) => {
        const [name, at] = k.split('\u0000') as [string, string];
        return { name, where: at, ms, percent: (100 * ms) / busy };
      });
  return {
    busyMs: busy,
    idleMs: idle,
    self: entries(self, top),
    ownSelf: entries(self, top, (_name, at) => !isTremolo(at)),
    // Node's and ws's frames fill the top of every stack and say nothing: the totals are the server's own functions.
    total: entries(total, top, (_name, at) => !isTremolo(at)),
    byArea: entries(areas, 20).map((e) => ({ ...e, where: '' })),
  };
}

/** The summary as text; given how many messages the window handled, each line also shows µs per message. */
export function format(s: Summary, messages?: number): string {
  const perMessage = (ms: number): string => (messages === undefined ? '' : `${((ms * 1000) / messages).toFixed(3).padStart(7)} µs/msg  `);
  const rows = (entries: Entry[]): string[] =>
    entries.map((e, i) => `${String(i + 1).padStart(3)}. ${e.percent.toFixed(1).padStart(5)} %  ${perMessage(e.ms)}${e.name}${e.where === '' ? '' : `  ${e.where}`}`);
  return [
    `busy ${(s.busyMs / 1000).toFixed(2)} s, idle ${(s.idleMs / 1000).toFixed(2)} s${messages === undefined ? '' : `, ${messages} messages (${perMessage(s.busyMs).trim()} busy)`}; percentages of busy time`,
    'self time, top functions:',
    ...rows(s.self),
    "self time, the server's own functions:",
    ...rows(s.ownSelf),
    "total time (self + callees), the server's own functions:",
    ...rows(s.total),
    'self time by area:',
    ...rows(s.byArea),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: node --import tsx bench/cpuprofile-summary.ts FILE.cpuprofile [--top N] [--json]\n');
    process.exit(2);
  }
  const option = (name: string, fallback: number): number => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const summary = summarise(profile, option('--top', 15), { fromMs: option('--from-ms', 0), toMs: option('--to-ms', Infinity) });
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(summary, null, 1)}\n` : `${format(summary)}\n`);
}
