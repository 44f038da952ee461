import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import JSON5 from 'json5';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { RuntimeError } from '../../../sdk/errors.js';
import { describeIssues } from '../../../loader/zod-issues.js';
import { formatPath } from '../../../loader/problems.js';

/** A test folder's side files (`assert`, `before`, `tags`...) in YAML (as Tremor writes them) or JSON5. */
export const SIDE_FILES = ['assert', 'before', 'after', 'env', 'tags'] as const;
export type SideFile = (typeof SIDE_FILES)[number];
const EXTENSIONS = ['.yaml', '.yml', '.json5', '.json'];

export function findSideFile(dir: string, name: SideFile): string | undefined {
  return EXTENSIONS.map((ext) => path.join(dir, name + ext)).find((f) => existsSync(f));
}

export function isSideFile(file: string): boolean {
  const base = path.basename(file);
  return SIDE_FILES.some((name) => EXTENSIONS.some((ext) => base === name + ext));
}

/**
 * YAML as Tremor's reader takes it: Tremor's own test files indent JSON-style flow collections with
 * tabs, which YAML forbids as indentation. Only when a file does not parse as written are its
 * leading tabs read as two spaces each (a flow collection does not depend on indentation).
 */
function readYaml(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    if (!/^ *\t/m.test(text)) throw err;
    return parseYaml(text.replace(/^[ \t]+/gm, (lead) => lead.replaceAll('\t', '  ')));
  }
}

/** Reads and validates a side file; a problem names the file and the path inside it. */
export function readSideFile<T>(dir: string, name: SideFile, schema: z.ZodType<T>): T | undefined {
  const file = findSideFile(dir, name);
  if (file === undefined) return undefined;
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = file.endsWith('.yaml') || file.endsWith('.yml') ? readYaml(text) : JSON5.parse(text);
  } catch (err) {
    throw new RuntimeError('ERR_FLOW_PARSE', `${file}: ${(err as Error).message}`);
  }
  const result = schema.safeParse(raw ?? undefined);
  if (!result.success) {
    const lines = describeIssues(result.error.issues, schema, raw).map((d) => `${file}: ${formatPath(d.path) || '(top)'}: ${d.message}`);
    throw new RuntimeError('ERR_CONFIG_INVALID', lines.join('\n'));
  }
  return result.data;
}
