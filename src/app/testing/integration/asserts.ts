import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lineDiff } from './diff.js';
import type { AssertSpec, FileAssert } from './spec.js';

export interface Outputs {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function source(dir: string, name: string, out: Outputs): Buffer | undefined {
  // Tremor reads `STDERR` as `stderr`.
  if (name.toLowerCase() === 'stdout') return Buffer.from(out.stdout);
  if (name.toLowerCase() === 'stderr') return Buffer.from(out.stderr);
  const file = path.resolve(dir, name);
  return existsSync(file) ? readFileSync(file) : undefined;
}

function checkOne(dir: string, a: FileAssert, out: Outputs): string[] {
  const data = source(dir, a.source, out);
  if (data === undefined) return [`${a.source}: no such file`];
  const text = data.toString('utf8');
  const failures: string[] = [];
  if (a.equals_file !== undefined) {
    const expected = source(dir, a.equals_file, out);
    if (expected === undefined) failures.push(`${a.equals_file}: no such file (the expected side of ${a.source})`);
    else if (expected.toString('utf8') !== text) failures.push(`${a.source} differs from ${a.equals_file} (- expected, + actual):\n${lineDiff(expected.toString('utf8'), text)}`);
  }
  if (a.equals_file_binary !== undefined) {
    const expected = source(dir, a.equals_file_binary, out);
    if (expected === undefined) failures.push(`${a.equals_file_binary}: no such file (the expected side of ${a.source})`);
    else if (!expected.equals(data)) {
      let at = 0;
      while (at < expected.length && at < data.length && expected[at] === data[at]) at++;
      failures.push(`${a.source} differs from ${a.equals_file_binary} at byte ${at} (expected ${expected.length} bytes, actual ${data.length})`);
    }
  }
  // Like Tremor, an entry is looked for without its surrounding whitespace: YAML block text keeps
  // the indentation and line ends it was written with.
  for (const s of (a.contains ?? []).map((c) => c.trim())) if (!text.includes(s)) failures.push(`${a.source} does not contain ${JSON.stringify(s)}`);
  for (const s of (a.doesnt_contain ?? []).map((c) => c.trim())) if (text.includes(s)) failures.push(`${a.source} contains ${JSON.stringify(s)}`);
  return failures;
}

/** Every failed assert of a test, each as a readable message (empty when the test passed). */
export function checkAsserts(dir: string, spec: AssertSpec, out: Outputs): string[] {
  const failures: string[] = [];
  if (out.status !== spec.status) failures.push(`exit status ${out.status === null ? '(killed)' : out.status}, expected ${spec.status}`);
  for (const a of spec.asserts) failures.push(...checkOne(dir, a, out));
  return failures;
}

/** What an assert file says that no assert understands: each unknown key, named with its source. */
export function assertWarnings(spec: AssertSpec): string[] {
  return spec.asserts.flatMap((a) => (a.unknown ?? []).map((k) => `assert on ${a.source}: unknown key "${k}" ignored; expected one of: contains, doesnt_contain, equals_file, equals_file_binary`));
}

/** True when every `equals_file` assert holds already (for `end: complete`). */
export function outputsComplete(dir: string, spec: AssertSpec, out: Outputs): boolean {
  const equals = spec.asserts.filter((a) => a.equals_file !== undefined || a.equals_file_binary !== undefined);
  return equals.length > 0 && equals.every((a) => checkOne(dir, { source: a.source, equals_file: a.equals_file, equals_file_binary: a.equals_file_binary }, out).length === 0);
}
