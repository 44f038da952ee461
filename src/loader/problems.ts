import { RuntimeError, type ErrorCode } from '../sdk/errors.js';
import { redactUrls, redactValues } from '../sdk/redact.js';
import type { SubstitutionReport } from './args.js';
import type { Locator, PathKey, Position } from '../lang/source/locate.js';

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

/** A value substituted from the environment, at a place in a file. */
interface Secret {
  readonly file: string;
  readonly path: PathKey;
  readonly parts: readonly string[];
  readonly real: string | undefined;
  readonly shown: string | undefined;
}

/** One path inside the other (or the same): a problem there may quote a value substituted at the other. */
const related = (a: PathKey, b: PathKey): boolean => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
};

/** Collects problems across a whole flow, so `tremolo validate` can print all of them at once. */
export class Problems {
  readonly list: Problem[] = [];
  readonly #secrets: Secret[] = [];

  add(code: ErrorCode, source: SourceFile, path: PathKey, message: string, at: 'key' | 'value' = 'value'): void {
    const where: Position = at === 'key' ? source.locator.key(path) : source.locator.value(path);
    const shown = formatPath(path);
    // One problem per place: a failed substitution is not reported again as a type error.
    if (this.list.some((p) => p.file === source.file && p.path === shown && shown !== '')) return;
    this.list.push({ code, file: source.file, line: where.line, column: where.column, path: formatPath(path), message: this.#redact(source.file, path, message) });
  }

  /**
   * Remembers that the value at `path` of `file` holds values from the environment, so that a
   * problem there (or inside it) that quotes them shows `***`.
   */
  secret(file: string, path: PathKey, parts: readonly string[], real?: string, shown?: string): void {
    this.#secrets.push({ file, path, parts, real, shown });
  }

  /** What a flow's args, configs and links report while `${...}` is substituted in them. */
  substitution(code: ErrorCode, source: SourceFile, base: PathKey): SubstitutionReport {
    return {
      error: (p, message) => this.add(code, source, [...base, ...p], message),
      secret: (p, parts, real, shown) => this.secret(source.file, [...base, ...p], parts, real, shown),
    };
  }

  /** No URL's credentials, and no value from the environment, in a message (see runtime/redact). */
  #redact(file: string, path: PathKey, message: string): string {
    let out = redactUrls(message);
    const here = this.#secrets.filter((s) => s.file === file && related(s.path, path));
    if (here.length === 0) return out;
    // A whole substituted string first, so that the text around its secrets still reads.
    for (const s of here) {
      if (s.real === undefined || s.shown === undefined) continue;
      for (const [real, shown] of [[s.real, s.shown], [JSON.stringify(s.real).slice(1, -1), JSON.stringify(s.shown).slice(1, -1)]] as const) {
        if (out.includes(real)) out = out.split(real).join(shown);
      }
    }
    return redactValues(out, here.flatMap((s) => s.parts));
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
