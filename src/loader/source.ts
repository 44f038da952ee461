import { readFile } from 'node:fs/promises';
import path from 'node:path';
import JSON5 from 'json5';
import { tooDeep, tooDeepMessage } from '../lang/source/depth.js';
import { describeIssues, type Described } from './zod-issues.js';
import { locate, type PathKey } from '../lang/source/locate.js';
import { formatPath, type Problems, type SourceFile } from './problems.js';
import { FlowFileSchema, type FlowFile } from './schema.js';

/** A flow or module file, read, parsed and checked for shape. */
export interface ParsedFile extends SourceFile {
  /** Absolute path. */
  readonly absolute: string;
  readonly dir: string;
  /** The value as written, for quoting received values. */
  readonly raw: unknown;
  readonly parsed: FlowFile;
  /** Aliases written in the file but dropped for problems already reported (links to them are not re-reported). */
  readonly broken: ReadonlySet<string>;
}

/** The name used in messages: relative to the working directory when inside it. */
export function displayName(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
}

export function parseText(text: string, absolute: string, problems: Problems): ParsedFile | undefined {
  const file = displayName(absolute);
  let raw: unknown;
  try {
    raw = JSON5.parse(text);
  } catch (err) {
    const e = err as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const message = e.message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    problems.list.push({ code: 'ERR_FLOW_PARSE', file, line: e.lineNumber ?? 1, column: e.columnNumber ?? 1, path: '', message: `not valid JSON5: ${message}` });
    return undefined;
  }
  const locator = locate(text);
  const source: SourceFile = { file, locator };
  const deep = tooDeep(raw);
  if (deep !== undefined) {
    // Placed where the too-deep value starts; its path is shown only down to the entry it is in.
    const where = locator.value(deep);
    problems.list.push({ code: 'ERR_FLOW_INVALID', file, ...where, path: `${formatPath(deep.slice(0, 4))}…`, message: tooDeepMessage() });
    return undefined;
  }
  const parsed = parseLeniently(raw, (d) => problems.add('ERR_FLOW_INVALID', source, d.path, d.message, d.at));
  if (parsed === undefined) return undefined;
  const broken = new Set<string>();
  for (const section of ['connectors', 'pipelines'] as const) {
    const written = (raw as Record<string, unknown>)[section];
    if (written === null || typeof written !== 'object') continue;
    for (const alias of Object.keys(written)) if (parsed[section]?.[alias] === undefined) broken.add(alias);
  }
  return { file, locator, absolute, dir: path.dirname(absolute), raw, parsed, broken };
}

/**
 * Checks the shape, and where it is wrong reports the problem and drops the offending part, then
 * checks again: every problem of the file is reported at once, and the rest can still be checked.
 */
function parseLeniently(raw: unknown, report: (d: Described) => void): FlowFile | undefined {
  let value = structuredClone(raw);
  for (let round = 0; round < 8; round++) {
    const result = FlowFileSchema.safeParse(value);
    if (result.success) return result.data;
    for (const d of describeIssues(result.error.issues, FlowFileSchema, raw)) report(d);
    for (const issue of result.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const at = key === undefined ? issue.path : [...issue.path, key];
        // Never drop a whole section: drop the entry (connectors.x) or the key inside it.
        const cut = at.length === 0 ? undefined : at.slice(0, Math.max(2, Math.min(at.length, 3)));
        if (cut === undefined) return undefined;
        value = without(value, cut as PathKey);
      }
    }
  }
  return undefined;
}

function without(value: unknown, path: PathKey): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    if (rest.length === 0) return value.filter((_, i) => i !== head);
    return value.map((v, i) => (i === head ? without(v, rest) : v));
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[String(head)];
  else copy[String(head)] = without(copy[String(head)], rest);
  return copy;
}

export async function readFlowFile(absolute: string, problems: Problems): Promise<ParsedFile | undefined> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    problems.list.push({ code: 'ERR_FLOW_READ', file: displayName(absolute), line: 1, column: 1, path: '', message: `cannot read: ${why}` });
    return undefined;
  }
  return parseText(text, absolute, problems);
}
