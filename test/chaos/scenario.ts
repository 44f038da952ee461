/** One chaos scenario: what it held, what it broke, and what it counted. */
export interface ScenarioResult {
  /** The load held while faults were injected: "1 client, 4000 events". */
  readonly load: string;
  /** What was done to the system: "6 server restarts". */
  readonly faults: string;
  readonly sent: number;
  readonly delivered: number;
  /** Events that did not arrive but were reported on an err port (not lost silently). */
  readonly reported: number;
  /** Events delivered more than once (at-least-once scenarios). */
  readonly duplicates?: number;
  /** Empty when the scenario passed; else what went wrong. */
  readonly problems: readonly string[];
}

export interface Scenario {
  readonly name: string;
  run(): Promise<ScenarioResult>;
}

/**
 * How much of a load a scenario holds. `npm run test:chaos` runs each at full length; `npm test`
 * runs the same scenarios, with the same checks, shorter (CHAOS_LENGTH=short, set by test/run.ts):
 * CONTRIBUTING.md has both lengths. A count given in its own variable (CHAOS_CYCLES=...) wins.
 */
export function amount(variable: string, full: number, short: number): number {
  const given = process.env[variable];
  if (given !== undefined && given !== '') return Number(given);
  return process.env.CHAOS_LENGTH === 'short' ? short : full;
}
