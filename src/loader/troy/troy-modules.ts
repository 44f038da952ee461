import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FlowStmt, ModuleImport, QueryStmt, TopStmt } from '../../lang/troy/ast.js';
import { BUILTIN_MODULES, isFunctionModule, type BuiltinModule } from './builtins.js';
import { TroyError, type Place } from '../../lang/troy/errors.js';
import { parseTroy } from '../../lang/troy/parse-statements.js';
import { sourceLines } from './strict-sites.js';

/**
 * `use a::b [as c]`: a built-in module, a module of functions (`std::...`), or the file `a/b.troy`
 * (or Tremor's `a/b.tremor`) found first along TREMOR_PATH, then along tremolo's own search path
 * (the flow's folder, TREMOLO_PATH, tremolo's folder). A module file holds definitions.
 */
export type TroyModule =
  | { readonly kind: 'builtin'; readonly name: string; readonly module: BuiltinModule }
  | { readonly kind: 'functions'; readonly name: string }
  | { readonly kind: 'file'; readonly name: string; readonly file: string; readonly stmts: readonly TopStmt[]; readonly uses: ReadonlyMap<string, TroyModule> };

export interface ModuleOptions {
  /** Folders searched for module files, in order, for a file in `fromDir`. */
  readonly roots: (fromDir: string) => readonly string[];
  /** How a file is named in messages. */
  readonly display: (absolute: string) => string;
  /** Where the lines of each module file read are kept, by its name in messages. */
  readonly sources?: Map<string, readonly string[]>;
}

/** Every `use` of a file: at its top, inside its flows, inside their pipelines. */
function usesOf(stmts: readonly TopStmt[]): ModuleImport[] {
  const out: ModuleImport[] = [];
  const query = (body: readonly QueryStmt[]): void => {
    for (const s of body) {
      if (s.kind === 'use') out.push(...s.imports);
      if (s.kind === 'define-script') out.push(...s.uses);
      if (s.kind === 'define-pipeline') query(s.body);
    }
  };
  const flow = (body: readonly FlowStmt[]): void => {
    for (const s of body) {
      if (s.kind === 'use') out.push(...s.imports);
      if (s.kind === 'define-pipeline') query(s.body);
    }
  };
  for (const s of stmts) {
    if (s.kind === 'use') out.push(...s.imports);
    if (s.kind === 'define-flow') flow(s.body);
    if (s.kind === 'define-pipeline') query(s.body);
  }
  return out;
}

export class TroyModules {
  readonly #files = new Map<string, Promise<TroyModule>>();

  constructor(private readonly options: ModuleOptions) {}

  /**
   * The modules a file uses, by the name it uses them under. Problems (a module not found, a
   * module that does not parse) go to `errors`; the names that did resolve are still returned.
   */
  async resolveUses(stmts: readonly TopStmt[], file: string, errors: TroyError[], chain: readonly string[] = []): Promise<Map<string, TroyModule>> {
    const out = new Map<string, TroyModule>();
    for (const use of usesOf(stmts)) {
      const name = use.path.join('::');
      const previous = out.get(use.alias);
      if (previous !== undefined) {
        if (previous.name !== name) errors.push(new TroyError('ERR_MODULE_INVALID', use.at, `"${use.alias}" already names module ${previous.name}; write \`use ${name} as OTHER\``));
        continue;
      }
      try {
        out.set(use.alias, await this.#resolve(use, file, errors, chain));
      } catch (err) {
        if (!(err instanceof TroyError)) throw err;
        errors.push(err);
      }
    }
    return out;
  }

  async #resolve(use: ModuleImport, file: string, errors: TroyError[], chain: readonly string[]): Promise<TroyModule> {
    const name = use.path.join('::');
    const builtin = BUILTIN_MODULES.get(name);
    if (builtin !== undefined) return { kind: 'builtin', name, module: builtin };
    if (isFunctionModule(use.path)) return { kind: 'functions', name };
    const rel = path.join(...use.path);
    const roots = this.options.roots(path.dirname(file));
    const found = roots.flatMap((root) => ['.troy', '.tremor'].map((ext) => path.join(root, rel + ext))).find((f) => existsSync(f) && f !== file);
    if (found === undefined) {
      throw new TroyError('ERR_MODULE_NOT_FOUND', use.at, `module ${name} not found: looked for ${rel}.troy and ${rel}.tremor in ${roots.join(', ')} (TREMOR_PATH, then the flow's folder, TREMOLO_PATH and tremolo's folder)`);
    }
    if (chain.includes(found)) {
      throw new TroyError('ERR_MODULE_INVALID', use.at, `module ${name} uses itself (${[...chain, found].map((f) => path.basename(f)).join(' → ')})`);
    }
    let pending = this.#files.get(found);
    if (pending === undefined) {
      pending = this.#load(found, name, errors, [...chain, file], use.at);
      this.#files.set(found, pending);
    }
    return pending;
  }

  async #load(file: string, name: string, errors: TroyError[], chain: readonly string[], at: Place): Promise<TroyModule> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new TroyError('ERR_FLOW_READ', at, `module ${name}: cannot read ${file}: ${(err as Error).message}`);
    }
    const stmts = parseTroy(text, this.options.display(file));
    this.options.sources?.set(this.options.display(file), sourceLines(text));
    const deploy = stmts.find((s) => s.kind === 'deploy');
    if (deploy !== undefined) throw new TroyError('ERR_MODULE_INVALID', deploy.at, `module ${name} deploys a flow; a module holds definitions, deployments belong in the file that is run`);
    const uses = await this.resolveUses(stmts, file, errors, chain);
    return { kind: 'file', name, file, stmts, uses };
  }
}
