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
