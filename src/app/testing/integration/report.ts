import type { TestResult } from './run-test.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One line per test, then its failures indented. */
export function formatResult(r: TestResult): string {
  const head = `${r.passed ? 'ok  ' : 'FAIL'} ${r.name} (${seconds(r.durationMs)})`;
  const warned = r.warnings.map((w) => `\n    warning: ${w}`).join('');
  if (r.passed) return head + warned;
  const body = r.failures.map((f) => f.replace(/^/gm, '    ')).join('\n') + warned;
  const tail = r.stderr.trim() === '' ? '' : `\n    stderr (last lines):\n${r.stderr.trimEnd().split('\n').slice(-8).map((l) => `      ${l}`).join('\n')}`;
  return `${head}\n${body}${tail}`;
}

export function summary(results: readonly TestResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

export function jsonReport(results: readonly TestResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${JSON.stringify(
    {
      passed,
      failed: results.length - passed,
      tests: results.map((r) => ({ name: r.name, dir: r.dir, tags: r.tags, passed: r.passed, duration_ms: Math.round(r.durationMs), failures: r.failures, warnings: r.warnings })),
    },
    null,
    2,
  )}\n`;
}

const xml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML, the format CI systems read. */
export function junitReport(results: readonly TestResult[], suite = 'tremolo integration'): string {
  const failed = results.filter((r) => !r.passed).length;
  const total = results.reduce((t, r) => t + r.durationMs, 0);
  const cases = results.map((r) => {
    const open = `    <testcase classname="${xml(suite)}" name="${xml(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    if (r.passed) return `${open}/>`;
    return `${open}>\n      <failure message="${xml(r.failures[0]?.split('\n')[0] ?? 'failed')}">${xml(r.failures.join('\n\n'))}</failure>\n      <system-err>${xml(r.stderr)}</system-err>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${results.length}" failures="${failed}" time="${(total / 1000).toFixed(3)}">\n  <testsuite name="${xml(suite)}" tests="${results.length}" failures="${failed}" time="${(total / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
