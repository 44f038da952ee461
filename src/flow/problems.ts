import { RuntimeError, type ErrorCode } from '../runtime/errors.js';
import type { Locator, PathKey, Position } from './locate.js';

/** One thing wrong with a flow, located in its file. */
export interface Problem {
  readonly code: ErrorCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The dotted path inside the file: `connectors.server.config.url`. */
  readonly path: string;
  readonly message: string;
}

export const formatPath = (path: PathKey): string =>
  path.reduce<string>(
    (acc, seg) =>
      typeof seg === 'number' ? `${acc}[${seg}]` : acc === '' ? seg : /^[A-Za-z_$][\w$-]*$/.test(seg) ? `${acc}.${seg}` : `${acc}[${JSON.stringify(seg)}]`,
    '',
  );

export const formatProblem = (p: Problem): string =>
  `${p.file}:${p.line}:${p.column}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;

/** A source file and its locator: everything needed to place a problem. */
export interface SourceFile {
  readonly file: string;
  readonly locator: Locator;
}

/** Collects problems across a whole flow, so `tremolo validate` can print all of them at once. */
export class Problems {
  readonly list: Problem[] = [];

  add(code: ErrorCode, source: SourceFile, path: PathKey, message: string, at: 'key' | 'value' = 'value'): void {
    const where: Position = at === 'key' ? source.locator.key(path) : source.locator.value(path);
    const shown = formatPath(path);
    // One problem per place: a failed substitution is not reported again as a type error.
    if (this.list.some((p) => p.file === source.file && p.path === shown && shown !== '')) return;
    this.list.push({ code, file: source.file, line: where.line, column: where.column, path: formatPath(path), message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** Throws every problem at once as one ERR_FLOW_INVALID (or the single problem's own code). */
  throwIfAny(): void {
    if (this.empty) return;
    throw flowError(this.list);
  }
}

export interface FlowError extends RuntimeError {
  readonly problems: readonly Problem[];
}

export function flowError(problems: readonly Problem[]): FlowError {
  const first = problems[0];
  const code: ErrorCode = problems.length === 1 && first ? first.code : 'ERR_FLOW_INVALID';
  const message = problems.map(formatProblem).join('\n');
  return Object.assign(new RuntimeError(code, message), { problems });
}

export const isFlowError = (err: unknown): err is FlowError =>
  err instanceof RuntimeError && Array.isArray((err as Partial<FlowError>).problems);
