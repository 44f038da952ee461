/**
 * The chaos scenarios by the file each is in: `run.ts NAME...` runs those only, and `npm test`
 * (test/run.ts) runs each in a process of its own, beside the other test files, rather than all
 * five one after the other in one long process. Kept apart from run.ts, which loads them all.
 */
export const SCENARIOS = ['restarts', 'at-least-once', 'cycles', 'hostile', 'fuzz'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
