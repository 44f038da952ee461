import { statSync, writeFileSync } from 'node:fs';
import { formatResult, jsonReport, junitReport, runSuite, selectTests, summary } from '../testing/integration/index.js';
import { RuntimeError } from '../../sdk/errors.js';
import { COMMANDS } from './commands.js';
import { TEST_HELP } from './help.js';
import { parse } from './options.js';

const KINDS = ['integration', 'all'];
/** Where tests are looked for without a DIR: Tremor's layout, then this repository's. */
const DEFAULT_ROOTS = ['tests/integration', 'test/integration'];

const isDirectory = (dir: string): boolean => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;

function testRoot(given: string | undefined): string {
  if (given !== undefined) {
    if (!isDirectory(given)) throw new RuntimeError('ERR_USAGE', `no folder ${JSON.stringify(given)} in ${process.cwd()}`);
    return given;
  }
  const found = DEFAULT_ROOTS.find(isDirectory);
  if (found === undefined) {
    throw new RuntimeError('ERR_USAGE', `no ${DEFAULT_ROOTS.join(' or ')} folder in ${process.cwd()}; name the folder of the tests: tremolo test DIR`);
  }
  return found;
}

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new RuntimeError('ERR_USAGE', `${name} expects a positive number, received ${JSON.stringify(value)}`);
  return n;
}

export async function test(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.test!.options);
  if (values.help) {
    process.stdout.write(TEST_HELP);
    return 0;
  }
  const args = [...positionals];
  if (args[0] !== undefined && KINDS.includes(args[0])) args.shift();
  if (args.length > 1) throw new RuntimeError('ERR_USAGE', `expected at most one folder, received ${args.join(' ')}`);
  const root = testRoot(args[0]);
  const filters = { includes: values.includes as string[] | undefined, excludes: values.excludes as string[] | undefined };
  const total = selectTests(root, filters).length;
  process.stdout.write(`running ${total} test${total === 1 ? '' : 's'} from ${root}\n`);
  let done = 0;
  const results = await runSuite(root, {
    ...filters,
    timeoutMs: count('--timeout', values.timeout as string | undefined, 60) * 1000,
    jobs: count('--jobs', values.jobs as string | undefined, 1),
    onResult: (r) => process.stdout.write(`[${++done}/${total}] ${formatResult(r)}\n`),
  });
  if (typeof values.report === 'string') writeFileSync(values.report, jsonReport(results));
  if (typeof values.junit === 'string') writeFileSync(values.junit, junitReport(results));
  process.stdout.write(`${summary(results)}\n`);
  return results.every((r) => r.passed) && results.length > 0 ? 0 : 1;
}
