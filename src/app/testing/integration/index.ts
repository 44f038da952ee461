import path from 'node:path';
import { discoverTests } from './discover.js';
import { loadCase, runTest, type TestCase, type TestResult } from './run-test.js';

export type { TestCase, TestResult } from './run-test.js';
export { formatResult, jsonReport, junitReport, summary } from './report.js';

export interface SuiteOptions {
  /** Run only tests with one of these tags. */
  readonly includes?: readonly string[];
  /** Skip tests with one of these tags. */
  readonly excludes?: readonly string[];
  /** Per-test time limit. Default 60 s. */
  readonly timeoutMs?: number;
  /** Tests run at once. Default 1. */
  readonly jobs?: number;
  /** Called as each test finishes (progress). */
  readonly onResult?: (result: TestResult) => void;
}

/** The tests under `root` that the tag filters select. */
export function selectTests(root: string, options: Pick<SuiteOptions, 'includes' | 'excludes'> = {}): TestCase[] {
  const absolute = path.resolve(root);
  return discoverTests(absolute)
    .map((dir) => loadCase(absolute, dir))
    .filter((t) => (options.includes?.length ? t.tags.some((tag) => options.includes!.includes(tag)) : true))
    .filter((t) => !t.tags.some((tag) => options.excludes?.includes(tag)));
}

/** Runs a suite of test folders, `jobs` at a time; results in the order of the folders. */
export async function runSuite(root: string, options: SuiteOptions = {}): Promise<TestResult[]> {
  const tests = selectTests(root, options);
  const results: TestResult[] = new Array(tests.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tests.length) {
      const i = next++;
      const result = await runTest(tests[i]!, { root: path.resolve(root), timeoutMs: options.timeoutMs ?? 60_000 });
      results[i] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs ?? 1, tests.length)) }, worker));
  return results;
}
