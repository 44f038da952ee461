import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Registries } from '../sdk/registries.js';
import type { Locator, PathKey } from '../lang/source/locate.js';
import { Problems, type Problem, type SourceFile } from './problems.js';
import { displayName, parseText, type ParsedFile } from './source.js';
import { DeploymentCompiler, type FlowJson } from './troy/compile-flow.js';
import { TroyError } from '../lang/troy/errors.js';
import { parseTroy } from '../lang/troy/parse-statements.js';
import { TroyLocator } from './troy/troy-locator.js';
import { TroyModules } from './troy/troy-modules.js';
import { sourceLines } from './troy/strict-sites.js';

/**
 * The .troy front end of the flow loader. A .troy file compiles to the object a JSON5 flow file
 * parses to, with a locator from that object's paths back to the .troy text; from there the
 * loader checks it as it checks any flow, so every message is the same, placed in the .troy file.
 */
export interface TroyOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The flow's registries: a built-in Tremor definition that needs a connector kind tremolo lacks is refused. */
  readonly registries?: Registries;
  /** tremolo's search path for modules of a file in `dir` (searched after TREMOR_PATH). */
  readonly searchPath?: (dir: string) => readonly string[];
}

export const isTroyFile = (file: string): boolean => file.endsWith('.troy');

export interface CompiledTroy {
  /** Undefined when the .troy text has problems; they are in `problems`. */
  readonly flow: FlowJson | undefined;
  readonly locator: Locator;
  readonly problems: readonly Problem[];
}

const toProblem = (e: TroyError): Problem => ({ code: e.code, file: e.at.file, line: e.at.line, column: e.at.column, path: '', message: e.message });

/** Compiles .troy text into a JSON5 flow object, or the problems that stop it. */
export async function compileTroy(text: string, absolute: string, options: TroyOptions = {}): Promise<CompiledTroy> {
  const file = displayName(absolute);
  const locator = new TroyLocator(file);
  const errors: TroyError[] = [];
  const fail = (err: unknown): CompiledTroy => {
    if (!(err instanceof TroyError)) throw err;
    return { flow: undefined, locator, problems: [toProblem(err)] };
  };
  let stmts;
  try {
    stmts = parseTroy(text, file);
  } catch (err) {
    return fail(err);
  }
  const env = options.env ?? process.env;
  const tremorPath = (env.TREMOR_PATH ?? '').split(':').filter((p) => p !== '').map((p) => path.resolve(p));
  const sources = new Map<string, readonly string[]>([[file, sourceLines(text)]]);
  const modules = new TroyModules({
    roots: (dir) => [...new Set([...tremorPath, ...(options.searchPath?.(dir) ?? [dir])])],
    display: displayName,
    sources,
  });
  const used = await modules.resolveUses(stmts, absolute, errors);
  const hasConnector = (kind: string): boolean => options.registries?.connectors.find(kind) !== undefined;
  const registries = options.registries;
  const connectorKinds = registries === undefined ? undefined : () => registries.connectors.names();
  const flow = new DeploymentCompiler(locator, errors, { hasConnector, sources, ...(connectorKinds === undefined ? {} : { connectorKinds }) }).compile(stmts, used, file);
  if (errors.length > 0) return { flow: undefined, locator, problems: errors.map(toProblem) };
  return { flow, locator, problems: [] };
}

/** Problems found in the compiled object, placed through the .troy locator instead of the JSON text's. */
class Relocated extends Problems {
  constructor(
    private readonly into: Problems,
    private readonly locator: Locator,
  ) {
    super();
  }

  override add(code: Parameters<Problems['add']>[0], source: SourceFile, path: PathKey, message: string, at: 'key' | 'value' = 'value'): void {
    this.into.add(code, { file: source.file, locator: this.locator }, path, message, at);
  }
}

/** A .troy file's text as the loader's parsed file; problems go to `problems`. */
export async function parseTroyText(text: string, absolute: string, problems: Problems, options: TroyOptions = {}): Promise<ParsedFile | undefined> {
  const compiled = await compileTroy(text, absolute, options);
  if (compiled.flow === undefined) {
    problems.list.push(...compiled.problems);
    return undefined;
  }
  const relocated = new Relocated(problems, compiled.locator);
  const parsed = parseText(JSON.stringify(compiled.flow, null, 2), absolute, relocated);
  problems.list.push(...relocated.list);
  return parsed === undefined ? undefined : { ...parsed, locator: compiled.locator };
}

export async function readTroyFile(absolute: string, problems: Problems, options: TroyOptions = {}): Promise<ParsedFile | undefined> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    problems.list.push({ code: 'ERR_FLOW_READ', file: displayName(absolute), line: 1, column: 1, path: '', message: `cannot read: ${why}` });
    return undefined;
  }
  return parseTroyText(text, absolute, problems, options);
}
