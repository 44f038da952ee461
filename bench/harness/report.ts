/**
 * From measurements to verdicts: medians per side, the ratio tremolo / reference of the medians,
 * the spread of the per-round ratios (min–max), a verdict where the issue sets a target, a table on
 * stdout and a small JSON file in bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmt, type Measurements, type MetricSpec, type Scenario, type Side } from './rounds.js';

export interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: number[];
}

export interface Row {
  readonly case: string;
  readonly metric: string;
  readonly unit: string;
  readonly reference: Stat;
  readonly tremolo: Stat;
  readonly ratio: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
  readonly target: string;
  readonly verdict: 'PASS' | 'FAIL' | 'info';
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function stat(values: number[]): Stat {
  const finite = values.filter((v) => !Number.isNaN(v));
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), values };
}

export function summarise(scenario: Scenario, m: Measurements): Row[] {
  const rows: Row[] = [];
  for (const c of scenario.cases) {
    for (const metric of scenario.metrics) {
      if (metric.cases !== undefined && !metric.cases.includes(c.id)) continue;
      const values = (side: Side): number[] => m[c.id]![side].map((s) => (s[metric.key] ?? NaN) * (metric.scale ?? 1));
      const ref = stat(values('reference'));
      const mine = stat(values('tremolo'));
      const perRound = mine.values.map((v, i) => v / ref.values[i]!).filter((r) => Number.isFinite(r));
      if (metric.mustBeZero === true) {
        const total = (s: Stat): number => s.values.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
        // The verdict is tremolo's; the reference's count is there to compare with.
        const ok = total(mine) === 0;
        rows.push({ case: c.title, metric: metric.label, unit: metric.unit, reference: { ...ref, median: total(ref) }, tremolo: { ...mine, median: total(mine) }, ratio: NaN, ratioMin: NaN, ratioMax: NaN, target: '= 0 (sum)', verdict: ok ? 'PASS' : 'FAIL' });
        continue;
      }
      const ratio = mine.median / ref.median;
      let verdict: Row['verdict'] = 'info';
      let target = '';
      if (metric.target !== undefined) {
        target = `${metric.better === 'higher' ? '≥' : '≤'} ${metric.target.toFixed(2)}`;
        verdict = (metric.better === 'higher' ? ratio >= metric.target : ratio <= metric.target) ? 'PASS' : 'FAIL';
      }
      rows.push({ case: c.title, metric: metric.label, unit: metric.unit, reference: ref, tremolo: mine, ratio, ratioMin: Math.min(...perRound), ratioMax: Math.max(...perRound), target, verdict });
    }
  }
  return rows;
}

export function table(scenario: Scenario, rows: readonly Row[], rounds: number): string {
  const lines = [
    `${scenario.title}: ${rounds} rounds, medians; ratio = tremolo / reference (min–max of the per-round ratios)`,
    `  reference: ${scenario.reference}`,
    `  tremolo:   ${scenario.tremolo}`,
  ];
  const head = ['case', 'metric', 'reference', 'tremolo', 'ratio', 'spread', 'target', 'verdict'];
  const body = rows.map((r) => [
    r.case,
    `${r.metric}${r.unit === '' ? '' : ` (${r.unit})`}`,
    fmt(r.reference.median),
    fmt(r.tremolo.median),
    Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : '',
    Number.isFinite(r.ratioMin) ? `${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}` : '',
    r.target,
    r.verdict === 'info' ? '' : r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '));
  let last = '';
  for (const b of body) {
    const shown = [...b];
    if (b[0] === last) shown[0] = '';
    last = b[0]!;
    lines.push(line(shown));
  }
  return lines.join('\n');
}

const round4 = (n: number): number | null => (Number.isFinite(n) ? Number(n.toPrecision(4)) : null);

export function writeResults(file: string, content: Record<string, unknown>, rows: readonly Row[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const compact = rows.map((r) => ({
    case: r.case,
    metric: r.metric,
    unit: r.unit,
    reference: { median: round4(r.reference.median), values: r.reference.values.map(round4) },
    tremolo: { median: round4(r.tremolo.median), values: r.tremolo.values.map(round4) },
    ratio: round4(r.ratio),
    spread: Number.isFinite(r.ratioMin) ? [round4(r.ratioMin), round4(r.ratioMax)] : null,
    target: r.target || null,
    verdict: r.verdict,
  }));
  writeFileSync(file, `${JSON.stringify({ ...content, rows: compact }, null, 1)}\n`);
}

export type { MetricSpec };
