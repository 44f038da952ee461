/**
 * The shape every scenario shares: the reference and tremolo measured back to back in one
 * invocation, in rounds, the order alternating (A B, then B A) so that neither side always runs on
 * a warmer or a busier machine; each measurement is a flat record of numbers.
 */
export type Side = 'reference' | 'tremolo';
export type Sample = Record<string, number>;

/** What one side has running for a round: its server (or clients), measured case by case. */
export interface Session {
  measure(caseId: string): Promise<Sample>;
  close(): Promise<void>;
}

export interface CaseSpec {
  readonly id: string;
  readonly title: string;
}

export interface MetricSpec {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** The bound on tremolo / reference: at least it (higher is better) or at most it (lower). */
  readonly target?: number;
  /** Only in some cases (by id); all when absent. */
  readonly cases?: readonly string[];
  /** Summed over every run, and required to be 0 (losses, reorderings). */
  readonly mustBeZero?: boolean;
  /** Multiplies the raw value for display (0.01 → %, 1/1024 → KiB). */
  readonly scale?: number;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** What the reference and tremolo are, for the table's header. */
  readonly reference: string;
  readonly tremolo: string;
  readonly cases: readonly CaseSpec[];
  readonly metrics: readonly MetricSpec[];
  /** Both sides' sessions open at once for a round (servers idle while the other is measured), or one after the other. */
  readonly concurrentSessions: boolean;
  /** Rounds of a full run when the scenario needs more than the default to steady its medians. */
  readonly rounds?: number;
  open(side: Side): Promise<Session>;
}

export type Measurements = Record<string, Record<Side, Sample[]>>;

export interface Progress {
  (line: string): void;
}

export async function runRounds(scenario: Scenario, rounds: number, progress: Progress): Promise<Measurements> {
  const out: Measurements = {};
  for (const c of scenario.cases) out[c.id] = { reference: [], tremolo: [] };
  for (let r = 0; r < rounds; r++) {
    const order: Side[] = r % 2 === 0 ? ['reference', 'tremolo'] : ['tremolo', 'reference'];
    if (scenario.concurrentSessions) {
      const sessions = new Map<Side, Session>();
      try {
        for (const side of order) sessions.set(side, await scenario.open(side));
        for (const c of scenario.cases) {
          for (const side of order) {
            const sample = await sessions.get(side)!.measure(c.id);
            out[c.id]![side].push(sample);
            progress(describe(scenario, r, c, side, sample));
          }
        }
      } finally {
        for (const s of sessions.values()) await s.close();
      }
    } else {
      for (const side of order) {
        const session = await scenario.open(side);
        try {
          for (const c of scenario.cases) {
            const sample = await session.measure(c.id);
            out[c.id]![side].push(sample);
            progress(describe(scenario, r, c, side, sample));
          }
        } finally {
          await session.close();
        }
      }
    }
  }
  return out;
}

function describe(scenario: Scenario, round: number, c: CaseSpec, side: Side, sample: Sample): string {
  const first = scenario.metrics.find((m) => m.cases === undefined || m.cases.includes(c.id));
  const value = first === undefined ? '' : ` ${first.label} ${fmt((sample[first.key] ?? NaN) * (first.scale ?? 1))}`;
  return `  round ${round + 1} ${c.title.padEnd(22)} ${side.padEnd(9)}${value}`;
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
